/**
 * The CMSIS-DAP backend's segment operations (MultiProg's read_segment, verify_segment,
 * write_segment and erase_segment) on a connected session: reads and verifies of word-aligned
 * ranges inside one region, writes and erases of whole erase blocks.
 */
import { WebProgError, formatAddress, formatByte, throwIfCancelled } from '../../../src/core/errors';
import { flashImage } from '../../../src/core/flash/flasher';
import { firstDifference } from '../../../src/core/memory/bytes';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import type { OperationContext, OperationReport } from '../backend';
import { checkSegment, requireWrites } from '../segments';
import type { Block } from './block-ops';
import type { CmsisDapSession } from './target-session';

/** Alignment for read/verify segments (word access). */
const READ_ALIGNMENT = 4;

/** Reads `size` bytes at `address` (word-aligned, inside one region) into `image`. */
export async function readSegment(
  s: CmsisDapSession,
  image: MemoryImage,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<void> {
  checkSegment(s.regions, address, size, READ_ALIGNMENT, 'read_segment');
  throwIfCancelled(ctx.signal);
  const bytes = await s.cpu.ap.readBytes(address, size);
  image.writeAt(address, bytes);
}

/** Compares the chip's `size` bytes at `address` with `image`'s; the first difference throws VERIFY_FAILED. */
export async function verifySegment(
  s: CmsisDapSession,
  image: MemoryImage,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<void> {
  checkSegment(s.regions, address, size, READ_ALIGNMENT, 'verify_segment');
  throwIfCancelled(ctx.signal);
  const expected = image.readAt(address, size);
  const actual = await s.cpu.ap.readBytes(address, size);
  const i = firstDifference(expected, actual);
  if (i >= 0) {
    throw new WebProgError(
      'VERIFY_FAILED',
      `Verify failed at ${formatAddress(address + i)}: the chip holds ${formatByte(actual[i])}, the buffer ${formatByte(expected[i])}.`,
      { address: address + i },
    );
  }
}

/**
 * Writes `image`'s bytes over whole erase blocks at `address`: blocks that already hold them
 * are skipped, the others erased and programmed, then verified.
 */
export async function writeSegment(
  s: CmsisDapSession,
  image: MemoryImage,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<OperationReport> {
  checkBlockSegment(s, address, size, 'write_segment');
  requireWrites(ctx.allowWrites, 'write_segment');
  const data = SparseData.from([{ address, data: image.readAt(address, size) }]);
  const report = await flashImage(s.algorithm, data, s.regions, {
    preserve: false,
    skipUnchanged: true,
    verify: true,
    onProgress: ctx.onProgress,
    signal: ctx.signal,
    clock: ctx.clock,
  });
  return {
    bytesWritten: report.bytesWritten,
    erasedBlocks: report.erasedBlocks,
    skippedBlocks: report.skippedBlocks,
    verified: true,
  };
}

/**
 * The erase blocks of an erase_segment, after its checks (whole blocks of one region, writes
 * allowed) and `ctx.confirm` when given (a refusal throws CANCELLED).
 */
export async function segmentEraseBlocks(
  s: CmsisDapSession,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<Block[]> {
  const region = checkBlockSegment(s, address, size, 'erase_segment');
  requireWrites(ctx.allowWrites, 'erase_segment');
  if (
    ctx.confirm &&
    !(await ctx.confirm(`Erase ${formatAddress(address)}..${formatAddress(address + size - 1)}?`))
  ) {
    throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
  }
  return regionBlocks(region).filter((b) => b.address >= address && b.address + b.size <= address + size);
}

/** The region of a segment that must lie inside one region and start and end on its erase-block boundaries. */
function checkBlockSegment(s: CmsisDapSession, address: number, size: number, what: string): Region {
  const region = checkSegment(s.regions, address, size, 1, what);
  const blocks = regionBlocks(region);
  const startOk = blocks.some((b) => b.address === address);
  const endOk = blocks.some((b) => b.address + b.size === address + size);
  if (!startOk || !endOk) {
    throw new WebProgError(
      'ADDRESS_MISALIGNED',
      `${what}: ${formatAddress(address)} + 0x${size.toString(16)} must start and end on ${region.name} erase-block boundaries.`,
      { address },
    );
  }
  return region;
}
