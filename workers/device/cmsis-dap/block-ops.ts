/**
 * Block-level work on a connected CMSIS-DAP session, shared by the whole-chip and segment
 * operations: program data without erasing, erase a list of blocks (both with progress and a
 * record of the blocks they change), blank checks and CRC-32s (by the flash algorithm when it
 * has them, else by reading), and what the chip should hold after a write of an image.
 */
import { crc32 } from '../../../src/core/checksum';
import { throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import { isErased } from '../../../src/core/flash/flasher';
import { buildLayout } from '../../../src/core/flash/layout';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../../src/core/progress';
import type { OperationContext, OperationReport } from '../backend';
import type { CmsisDapSession } from './target-session';

/** An address range of the chip (an erase block, or part of one). */
export interface Block {
  address: number;
  size: number;
}

/**
 * Programs the write units of `data` that hold anything but 0xFF, without erasing (Write
 * progress; a failure names the blocks it may have changed).
 */
export async function program(
  s: CmsisDapSession,
  data: SparseData,
  ctx: OperationContext,
): Promise<OperationReport> {
  const layout = buildLayout(data, s.regions, { preserve: false });
  const progress = new ProgressReporter(
    'Write',
    layout.writeBlocks.reduce((n, b) => n + b.size, 0),
    ctx.onProgress,
    50,
    ctx.clock,
  );
  progress.start();
  let bytesWritten = 0;
  const changes = new ChipChangeLog();
  try {
    for (const wb of layout.writeBlocks) {
      throwIfCancelled(ctx.signal);
      const bytes = data.read(wb.address, wb.size);
      if (!isErased(bytes)) {
        const eb = layout.eraseBlocks[wb.eraseBlock];
        changes.block(eb.address, eb.size);
        await s.algorithm.writeBlock(wb.address, bytes);
        bytesWritten += wb.size;
      }
      progress.advance(wb.size);
    }
  } catch (error) {
    throw changes.annotate(error);
  }
  progress.finish();
  return { bytesWritten, erasedBlocks: 0, skippedBlocks: 0, verified: false };
}

/** Erases `blocks` one by one (Erase progress; a failure names the blocks it may have changed). */
export async function eraseList(
  s: CmsisDapSession,
  blocks: Block[],
  ctx: OperationContext,
): Promise<OperationReport> {
  const progress = new ProgressReporter(
    'Erase',
    blocks.reduce((n, b) => n + b.size, 0),
    ctx.onProgress,
    50,
    ctx.clock,
  );
  progress.start();
  const changes = new ChipChangeLog();
  try {
    for (const b of blocks) {
      throwIfCancelled(ctx.signal);
      changes.block(b.address, b.size);
      await s.algorithm.eraseBlock(b.address);
      progress.advance(b.size);
    }
  } catch (error) {
    throw changes.annotate(error);
  }
  progress.finish();
  return { bytesWritten: 0, erasedBlocks: blocks.length, skippedBlocks: 0, verified: false };
}

/** True when blank, else the first non-blank address. */
export async function isBlank(s: CmsisDapSession, address: number, size: number): Promise<true | number> {
  if (s.algorithm.blankCheck) {
    const r = await s.algorithm.blankCheck(address, size);
    return r.blank ? true : (r.firstNonBlank ?? address);
  }
  const bytes = await s.cpu.ap.readBytes(address, size);
  const i = bytes.findIndex((b) => b !== 0xff);
  return i < 0 ? true : address + i;
}

/** CRC-32 of chip memory: computed on the chip when the algorithm can, else by reading. */
export async function checksum(s: CmsisDapSession, address: number, size: number): Promise<number> {
  if (s.algorithm.blockChecksum) return s.algorithm.blockChecksum(address, size);
  return crc32(await s.cpu.ap.readBytes(address, size));
}

/** True when the chip's bytes in `range` equal the image's (on-chip CRC-32 when possible). */
export async function holdsRange(s: CmsisDapSession, image: MemoryImage, range: Block): Promise<boolean> {
  const expected = crc32(image.data.read(range.address, range.size, 0xff));
  return (await checksum(s, range.address, range.size)) === expected;
}

/** The chip's current block with the image's bytes laid over it (what verify expects). */
export async function currentWithImage(
  s: CmsisDapSession,
  data: SparseData,
  address: number,
  size: number,
): Promise<Uint8Array> {
  if (data.covers(address, size)) return data.read(address, size);
  const merged = SparseData.from([{ address, data: await s.cpu.ap.readBytes(address, size) }]);
  for (const seg of data.slice(address, address + size).segments()) merged.write(seg.address, seg.data);
  return merged.read(address, size);
}
