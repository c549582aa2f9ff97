/**
 * `webprog classroom <file> [--all | --probe id…] [--csv out.csv]`: flashes every chosen board
 * at once (each device has its own queue in the engine), a result line per board as it ends,
 * and a CSV of the results.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toWebProgError } from '../../src/core/errors';
import { csvField, safeText } from '../../src/core/csv';
import type { DeviceSummary } from '../../workers/device/device-api';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { chosenDevices } from '../select-device';
import { sessionFirmware } from './files';
import { openSession } from './session';

interface BoardResult {
  device: DeviceSummary;
  name: string;
  ok: boolean;
  bytesWritten?: number;
  skippedBlocks?: number;
  elapsedMs?: number;
  errorCode?: string;
  message?: string;
}

async function flashOne(ctx: CommandContext, device: DeviceSummary, path: string): Promise<BoardResult> {
  const tag = device.microbit?.name ?? device.id;
  try {
    const session = await openSession(ctx, device, tag);
    try {
      const { image } = await sessionFirmware(ctx, session, path);
      const { report, elapsedMs } = await session.call('flash', { image });
      const result = {
        device,
        name: session.label,
        ok: true,
        bytesWritten: report?.bytesWritten,
        skippedBlocks: report?.skippedBlocks,
        elapsedMs,
      };
      ctx.reporter.result(
        `${session.label}: flashed, ${result.bytesWritten} bytes written in ${(elapsedMs / 1000).toFixed(2)} s.`,
        {
          command: 'classroom',
          device: device.id,
          name: session.label,
          ok: true,
          ...report,
          elapsedMs,
        },
      );
      return result;
    } finally {
      await ctx.host.device.disconnectDevice(device.id).catch(() => undefined);
    }
  } catch (error) {
    const e = toWebProgError(error);
    ctx.reporter.error(e.toRecord(), tag);
    ctx.reporter.result(`${tag}: FAILED [${e.code}] ${e.message}`, {
      command: 'classroom',
      device: device.id,
      name: tag,
      ok: false,
      code: e.code,
      message: e.message,
    });
    return { device, name: tag, ok: false, errorCode: e.code, message: e.message };
  }
}

/** Flashes every chosen board in parallel. */
export async function classroom(ctx: CommandContext): Promise<number> {
  const path = ctx.args[0];
  if (!path) throw new CliError('USAGE', 'Name the firmware file, e.g. webprog classroom blinky.hex --all');
  if (!ctx.options.all && ctx.options.probes.length === 0) {
    throw new CliError('USAGE', 'Say which boards: --all, or --probe <serial> for each board.');
  }
  const devices = await chosenDevices(ctx.host, ctx.options);
  if (devices.length === 0) throw new CliError('NO_DEVICE', 'No board found to flash.');
  const results = await Promise.all(devices.map((device) => flashOne(ctx, device, path)));
  const csvPath = ctx.options.csv ?? 'classroom-results.csv';
  const header = [
    'Name',
    'Device',
    'USB serial',
    'Result',
    'Bytes written',
    'Blocks unchanged',
    'Time (s)',
    'Error code',
    'Details',
  ];
  const rows = results.map((r) =>
    [
      safeText(r.name),
      r.device.id,
      r.device.serial,
      r.ok ? 'ok' : 'failed',
      r.bytesWritten,
      r.skippedBlocks,
      r.elapsedMs === undefined ? undefined : (r.elapsedMs / 1000).toFixed(2),
      r.errorCode,
      r.message === undefined ? undefined : safeText(r.message),
    ]
      .map(csvField)
      .join(','),
  );
  await writeFile(resolve(ctx.cwd, csvPath), [header.join(','), ...rows].join('\r\n') + '\r\n');
  const failed = results.filter((r) => !r.ok).length;
  ctx.reporter.result(
    `${results.length - failed} of ${results.length} boards flashed; results in ${csvPath}.`,
    {
      command: 'classroom',
      summary: true,
      boards: results.length,
      failed,
      csv: csvPath,
    },
  );
  return failed === 0 ? ExitCode.done : ExitCode.failed;
}
