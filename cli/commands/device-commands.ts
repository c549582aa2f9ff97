/** The single-device commands: info, flash, verify, read, erase, blank-check, checksums. */
import { formatAddress } from '../../src/core/errors';
import type { OperationReport } from '../../workers/device/backend';
import type { ImageDto } from '../../workers/device/device-api';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { sessionFirmware, writeSegments } from './files';
import { seconds, withSession, type Session } from './session';

/** `webprog info`: the chip, its memory regions and the programmer. */
export async function info(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async ({ device, connection, label }) => {
    const regions = connection.regions.map((r) => ({
      name: r.name,
      start: r.base,
      size: r.size,
      eraseSize: r.eraseSize,
      writeSize: r.writeSize,
      kind: r.kind,
    }));
    const lines = [
      `${connection.target.name} on ${label} (${device.id})`,
      ...connection.target.additional.map((a) => `  ${a}`),
      `  programmer: ${connection.programmer.name} (${connection.programmer.type}${connection.programmer.firmware ? `, firmware ${connection.programmer.firmware}` : ''})`,
      ...regions.map(
        (r) =>
          `  ${r.name.padEnd(12)} ${formatAddress(r.start)} +${r.size.toString(16).toUpperCase()} (erase ${r.eraseSize}, write ${r.writeSize})`,
      ),
    ];
    ctx.reporter.result(lines.join('\n'), {
      command: 'info',
      device: device.id,
      chip: connection.target.name,
      additional: connection.target.additional,
      friendlyName: connection.friendlyName,
      programmer: connection.programmer,
      regions,
    });
    return ExitCode.done;
  });
}

function reportLine(
  verb: string,
  file: string,
  session: Session,
  report: OperationReport,
  ms: number,
): string {
  const parts = [`${report.bytesWritten} bytes written`, `${report.erasedBlocks} blocks erased`];
  if (report.skippedBlocks > 0) parts.push(`${report.skippedBlocks} unchanged`);
  if (report.verified) parts.push('verified');
  return `${verb} ${file} to the ${session.connection.target.name} on ${session.label}: ${parts.join(', ')} in ${seconds(ms)}.`;
}

/**
 * `webprog flash <file>`: skips blocks that already hold the data and verifies (the engine's
 * flash); `--erase chip` or `--no-skip` erases the chip first and writes everything;
 * `--erase blocks` erases the file's region block by block first.
 */
export async function flash(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async (session) => {
    const { name, image } = await sessionFirmware(ctx, session);
    let report: OperationReport;
    let elapsedMs: number;
    const { erase } = ctx.options;
    if (erase === undefined && ctx.options.skip) {
      const result = await session.call('flash', { image });
      report = result.report!;
      elapsedMs = result.elapsedMs;
    } else {
      const erased = await session.call(erase === 'blocks' ? 'erase_blocks' : 'erase');
      const written = await session.call('write_no_blank', { image });
      elapsedMs = erased.elapsedMs + written.elapsedMs;
      report = { ...written.report!, erasedBlocks: erased.report?.erasedBlocks ?? 0 };
      if (ctx.options.verify) {
        elapsedMs += (await session.call('verify', { image })).elapsedMs;
        report.verified = true;
      }
    }
    ctx.reporter.result(reportLine('Flashed', name, session, report, elapsedMs), {
      command: 'flash',
      device: session.device.id,
      chip: session.connection.target.name,
      file: name,
      ...report,
      elapsedMs,
    });
    return ExitCode.done;
  });
}

/** `webprog verify <file>`: compares the chip with the file. */
export async function verify(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async (session) => {
    const { name, image } = await sessionFirmware(ctx, session);
    const { elapsedMs } = await session.call('verify', { image });
    ctx.reporter.result(`${session.label} holds ${name}: verified in ${seconds(elapsedMs)}.`, {
      command: 'verify',
      device: session.device.id,
      file: name,
      verified: true,
      elapsedMs,
    });
    return ExitCode.done;
  });
}

/** `webprog read <out> [--region R | --range A:N]`: the chip's memory into a file. */
export async function read(ctx: CommandContext): Promise<number> {
  const out = ctx.args[0];
  if (!out) throw new CliError('USAGE', 'Name the output file, e.g. webprog read dump.hex');
  return withSession(ctx, async (session) => {
    const empty: ImageDto = { regions: session.connection.regions, segments: [] };
    const { range, region } = ctx.options;
    let result;
    if (range) {
      result = await session.call('read_segment', { image: empty, address: range.address, size: range.size });
    } else {
      result = await session.call('read', { image: empty });
    }
    let segments = result.image?.segments ?? [];
    if (region !== undefined) {
      const r = session.connection.regions.find((x) => x.name.toLowerCase() === region.toLowerCase());
      if (!r) {
        const names = session.connection.regions.map((x) => `"${x.name}"`).join(', ');
        throw new CliError(
          'USAGE',
          `The ${session.connection.target.name} has no region "${region}" (regions: ${names}).`,
        );
      }
      segments = segments.filter((s) => s.address >= r.base && s.address < r.base + r.size);
    }
    const bytes = segments.reduce((n, s) => n + s.data.length, 0);
    const size = await writeSegments(ctx, out, segments);
    ctx.reporter.result(
      `Read ${bytes} bytes from ${session.label} into ${out} (${size} bytes) in ${seconds(result.elapsedMs)}.`,
      {
        command: 'read',
        device: session.device.id,
        file: out,
        bytesRead: bytes,
        fileSize: size,
        elapsedMs: result.elapsedMs,
      },
    );
    return ExitCode.done;
  });
}

/** `webprog erase`: erases the chip (mass erase where it has one). */
export async function erase(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async (session) => {
    const { report, elapsedMs } = await session.call(
      ctx.options.erase === 'blocks' ? 'erase_blocks' : 'erase',
      {
        region: ctx.options.region,
      },
    );
    ctx.reporter.result(
      `Erased the ${session.connection.target.name} on ${session.label} in ${seconds(elapsedMs)}.`,
      {
        command: 'erase',
        device: session.device.id,
        ...report,
        elapsedMs,
      },
    );
    return ExitCode.done;
  });
}

/** `webprog blank-check [--region R]`: NOT_BLANK (exit 1) names the first non-blank block. */
export async function blankCheck(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async (session) => {
    const { elapsedMs } = await session.call('blank_check', { region: ctx.options.region });
    ctx.reporter.result(
      `${ctx.options.region ?? 'The flash'} of ${session.label} is blank (${seconds(elapsedMs)}).`,
      {
        command: 'blank-check',
        device: session.device.id,
        blank: true,
        elapsedMs,
      },
    );
    return ExitCode.done;
  });
}

/** `webprog checksums`: the chip's own checksum of every block. */
export async function checksums(ctx: CommandContext): Promise<number> {
  return withSession(ctx, async (session) => {
    const { checksums: blocks = [], elapsedMs } = await session.call('read_checksums');
    const hex = (v: number) => v.toString(16).toUpperCase().padStart(8, '0');
    const lines = blocks.map(
      (b) => `  block ${String(b.blockN).padStart(4)} ${formatAddress(b.address)}  ${hex(b.baseChecksum)}`,
    );
    ctx.reporter.result(
      [`${blocks.length} block checksums from ${session.label} in ${seconds(elapsedMs)}:`, ...lines].join(
        '\n',
      ),
      { command: 'checksums', device: session.device.id, blocks, elapsedMs },
    );
    return ExitCode.done;
  });
}
