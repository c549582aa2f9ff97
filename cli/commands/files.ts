/** Reading firmware files for a device, and writing what was read, by file name. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { WebProgError, formatAddress } from '../../src/core/errors';
import type { SaveFormat } from '../../src/core/formats';
import type { Region } from '../../src/core/memory/region';
import type { Segment } from '../../src/core/memory/sparse-data';
import type { DeviceSummary, ImageDto } from '../../workers/device/device-api';
import type { CommandContext } from '../context';
import { CliError } from '../cli-error';
import type { Session } from './session';

/** Reads and parses `path` for `device` (a Universal Hex gives that micro:bit's part). */
export async function readFirmware(
  ctx: CommandContext,
  path: string | undefined,
  device?: DeviceSummary,
): Promise<{ name: string; segments: Segment[]; warnings: string[] }> {
  if (!path) throw new CliError('USAGE', 'Name the firmware file, e.g. webprog flash firmware.hex');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(resolve(ctx.cwd, path)));
  } catch (error) {
    throw new WebProgError('FS_FILE_NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`, {
      file: path,
    });
  }
  const parsed = await ctx.host.device.parseFile(basename(path), bytes, {
    binBase: ctx.options.base,
    boardId: device?.microbit?.boardId,
  });
  for (const warning of parsed.warnings) ctx.reporter.warn(`${path}: ${warning}`);
  return { name: parsed.name, segments: parsed.segments, warnings: parsed.warnings };
}

/**
 * The image to program: the file's data in the chip's regions. Refuses a file with no byte
 * inside any region (e.g. a V1-only hex on a V2), which would otherwise "flash" nothing.
 */
export function imageFor(segments: Segment[], regions: Region[], chip: string, file: string): ImageDto {
  const inside = segments.some((s) =>
    regions.some((r) => s.address < r.base + r.size && s.address + s.data.length > r.base),
  );
  if (!inside) {
    const first = segments[0]?.address;
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `${file} holds no data for the ${chip}'s memory` +
        (first === undefined ? ' (it is empty).' : ` (its data starts at ${formatAddress(first)}).`),
      { file, address: first },
    );
  }
  return { regions, segments };
}

/** The format a file name asks for. */
export function formatForName(name: string): SaveFormat {
  const ext = extname(name).slice(1).toLowerCase();
  if (['hex', 'ihex', 'ihx'].includes(ext)) return 'intel-hex';
  if (['srec', 's19', 's28', 's37', 'mot'].includes(ext)) return 'srec';
  if (ext === 'uf2') return 'uf2';
  return 'bin';
}

/** Writes segments to `path` in the format its extension names. */
export async function writeSegments(ctx: CommandContext, path: string, segments: Segment[]): Promise<number> {
  const bytes = await ctx.host.device.saveFile(segments, formatForName(path));
  await writeFile(resolve(ctx.cwd, path), bytes);
  return bytes.length;
}

/** The firmware file named on the command line, read for a session's board and laid over its chip's regions. */
export async function sessionFirmware(
  ctx: CommandContext,
  session: Session,
  path = ctx.args[0],
): Promise<{ name: string; image: ImageDto }> {
  const file = await readFirmware(ctx, path, session.device);
  const { regions, target } = session.connection;
  return { name: file.name, image: imageFor(file.segments, regions, target.name, file.name) };
}
