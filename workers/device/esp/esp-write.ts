/**
 * Writing ESP flash: data becomes whole-sector ranges (edge sectors completed from the chip),
 * the pipelined compressed writer programs them (skipping 64 KiB chunks the chip already holds
 * when asked), and the chip's MD5s verify what was written. Firmware parts are checked for
 * overlaps first. A failure once something changed says what may have changed.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import { SparseData } from '../../../src/core/memory/sparse-data';
import type { OperationContext, OperationReport } from '../backend';
import { writeRanges, type FlashRange } from './deflate-writer';
import { SECTOR_SIZE, toEspError } from './esp-protocol';
import { logSectors, startProgress, type EspSession } from './esp-session';
import { verifyOnChip } from './esp-verify';
import { toSectorRanges } from './flash-ranges';

/** A firmware part: bytes for a flash offset. */
export interface FlashPart {
  address: number;
  data: Uint8Array;
}

/** How {@link writeAndVerify} writes. */
export interface WriteOptions {
  /** Compare the chip's MD5s afterwards (and allow skipping unchanged chunks). */
  verify: boolean;
  /** Skip 64 KiB chunks the chip already holds (only when verifying). */
  skipUnchanged: boolean;
  /** What has changed on the chip before this write (a chip erase). */
  changes?: ChipChangeLog;
}

/** Whole-sector ranges for `data`, edge sectors completed from the chip. */
export function sectorRangesOf(s: EspSession, data: SparseData): Promise<FlashRange[]> {
  return toSectorRanges(data, s.regions[0].size, (a, n) => s.link.channel.readFlash(a, n));
}

/** Programs `ranges` (progress "Write"); with `verify` compares the chip's MD5s afterwards. */
export async function writeAndVerify(
  s: EspSession,
  ranges: FlashRange[],
  ctx: OperationContext,
  { verify, skipUnchanged, changes = new ChipChangeLog() }: WriteOptions,
): Promise<OperationReport> {
  const total = ranges.reduce((n, r) => n + r.data.length, 0);
  const progress = startProgress('Write', total, ctx);
  let done = 0;
  const skip = verify && skipUnchanged;
  let written;
  try {
    written = await writeRanges(s.link.channel, ranges, {
      skipUnchanged: skip,
      baud: s.link.info.baud,
      blockSize: s.link.info.blockSize,
      signal: ctx.signal,
      onPlan: (bytes) => progress.update((done = total - bytes)),
      onBytes: (bytes) => progress.update((done += bytes)),
      onOperation: (range) => logSectors(changes, range.address, range.size),
    });
  } catch (error) {
    // Nothing changed yet: the error goes out as it came (named after the operation).
    throw changes.isEmpty ? error : changes.annotate(toEspError(error, 'Write'));
  }
  progress.finish();
  if (verify && written.written.length > 0) {
    try {
      await verifyOnChip(s, written.written, ctx);
    } catch (error) {
      const e = toEspError(error, 'Verify');
      if (changes.isEmpty || !['CANCELLED', 'TIMEOUT', 'DEVICE_LOST'].includes(e.code)) throw error;
      throw changes.annotate(e);
    }
  }
  return {
    bytesWritten: written.bytesWritten,
    erasedBlocks: written.sectorsWritten,
    skippedBlocks: (total - written.bytesWritten) / SECTOR_SIZE,
    verified: verify,
  };
}

/** The firmware parts as one set of data; FORMAT_OVERLAP when two parts overlap. */
export function partsData(parts: readonly FlashPart[]): SparseData {
  const data = new SparseData();
  for (const p of parts) {
    if (data.intersects(p.address, p.address + p.data.length)) {
      throw new WebProgError('FORMAT_OVERLAP', `Firmware parts overlap at ${formatAddress(p.address)}.`, {
        address: p.address,
      });
    }
    data.write(p.address, p.data);
  }
  return data;
}
