/**
 * The flasher stage of the pipeline: runs a {@link FlashLayout} on a chip through a
 * {@link FlashAlgorithm}. Per erase block it skips blocks that already hold the right bytes
 * (on-chip CRC-32 when the algorithm has it), keeps the bytes the image does not cover
 * (preserve), erases, programs only write blocks that are not all erased, and verifies.
 */
import { crc32 } from '../checksum';
import { WebProgError, formatAddress, throwIfCancelled, toWebProgError, type CancelSignal } from '../errors';
import type { Region } from '../memory/region';
import { SparseData } from '../memory/sparse-data';
import { ProgressReporter, type Clock, type ProgressListener } from '../progress';
import { yieldToEventLoop } from '../yield';
import type { FlashAlgorithm } from './algorithm';
import { ChipChangeLog } from './chip-changes';
import { buildLayout, type EraseBlock } from './layout';

/** Options of {@link flashImage}. */
export interface FlashOptions {
  /** Keep the bytes of touched erase blocks that the image does not cover (default true). */
  preserve?: boolean;
  /** Skip erase blocks whose contents already match (default true). */
  skipUnchanged?: boolean;
  /** Verify what was written (default true). */
  verify?: boolean;
  /** The chip was mass-erased just before: program without erasing blocks again. */
  alreadyErased?: boolean;
  /** Receives progress of the "Flash" and "Verify" operations. */
  onProgress?: ProgressListener;
  /** Cancels between blocks. */
  signal?: CancelSignal;
  /** Clock for progress rates (virtual in simulations). */
  clock?: Clock;
  /**
   * Collects the blocks this flash erases or programs (give one that already noted a mass
   * erase). A flash that stops early throws its error with these changes attached.
   */
  changes?: ChipChangeLog;
}

/** What a flash did. */
export interface FlashReport {
  /** Erase blocks the image touches. */
  blocks: number;
  /** Erase blocks erased and programmed. */
  erasedBlocks: number;
  /** Write blocks programmed. */
  writtenBlocks: number;
  /** Erase blocks skipped because they already held the right bytes. */
  skippedBlocks: number;
  /** Bytes programmed. */
  bytesWritten: number;
  /** Bytes of image data. */
  dataBytes: number;
  /** True when the result was verified. */
  verified: boolean;
}

/** Flashes `data` into the chip's flash `regions` through `algorithm`. */
export async function flashImage(
  algorithm: FlashAlgorithm,
  data: SparseData,
  regions: readonly Region[],
  options: FlashOptions = {},
): Promise<FlashReport> {
  const preserve = options.preserve ?? true;
  const skipUnchanged = options.skipUnchanged ?? true;
  const layout = buildLayout(data, regions, { preserve });
  const report: FlashReport = {
    blocks: layout.eraseBlocks.length,
    erasedBlocks: 0,
    writtenBlocks: 0,
    skippedBlocks: 0,
    bytesWritten: 0,
    dataBytes: layout.dataBytes,
    verified: false,
  };
  const total = layout.eraseBlocks.reduce((n, b) => n + b.size, 0);
  const progress = new ProgressReporter('Flash', total, options.onProgress, 50, options.clock);
  progress.start();
  const written: { block: EraseBlock; content: Uint8Array }[] = [];
  const changes = options.changes ?? new ChipChangeLog();
  try {
    const chipCrcs = skipUnchanged ? await chipChecksums(algorithm, layout.eraseBlocks) : undefined;
    for (let i = 0; i < layout.eraseBlocks.length; i++) {
      await yieldToEventLoop();
      throwIfCancelled(options.signal);
      const block = layout.eraseBlocks[i];
      const partial = preserve && !data.covers(block.address, block.size);
      let unchanged = false;
      if (skipUnchanged) {
        if (partial) {
          unchanged = await imageBytesMatch(algorithm, data, block);
        } else {
          const known = chipCrcs?.get(block.address);
          const expected = data.read(block.address, block.size, 0xff);
          unchanged =
            known !== undefined ? known === crc32(expected) : await alreadyHolds(algorithm, block, expected);
        }
      }
      if (unchanged) {
        report.skippedBlocks++;
        progress.advance(block.size);
        continue;
      }
      const content = await intendedContent(algorithm, data, block, preserve);
      const writes = layout.writeBlocks
        .filter((wb) => wb.eraseBlock === i)
        .map((wb) => ({
          address: wb.address,
          data: content.slice(wb.address - block.address, wb.address - block.address + wb.size),
        }))
        .filter((w) => !isErased(w.data));
      throwIfCancelled(options.signal);
      changes.block(block.address, block.size);
      const writeEach = async (): Promise<void> => {
        for (const w of writes) {
          throwIfCancelled(options.signal);
          await guard(
            () => algorithm.writeBlock(w.address, w.data),
            'FLASH_WRITE_FAILED',
            'write',
            w.address,
          );
        }
      };
      if (options.alreadyErased) {
        await writeEach();
      } else if (algorithm.eraseAndWrite) {
        const eraseAndWrite = algorithm.eraseAndWrite.bind(algorithm);
        await guard(
          () => eraseAndWrite(block, writes),
          'FLASH_WRITE_FAILED',
          'erase and write',
          block.address,
        );
      } else {
        await guard(() => algorithm.eraseBlock(block.address), 'FLASH_ERASE_FAILED', 'erase', block.address);
        await writeEach();
      }
      if (!options.alreadyErased) report.erasedBlocks++;
      report.writtenBlocks += writes.length;
      report.bytesWritten += writes.reduce((n, w) => n + w.data.length, 0);
      written.push({ block, content });
      progress.advance(block.size);
    }
    progress.finish();
  } catch (error) {
    const e = changes.annotate(error);
    progress.fail(e.toRecord());
    throw e;
  }
  if (options.verify ?? true) {
    try {
      await verifyBlocks(algorithm, written, options);
    } catch (error) {
      // A verify that was stopped or lost the chip says what the flash had changed; a failed
      // verify names its address, and the changed blocks are the ones just written.
      const e = toWebProgError(error);
      throw ['CANCELLED', 'TIMEOUT', 'DEVICE_LOST'].includes(e.code) ? changes.annotate(e) : e;
    }
    report.verified = true;
  }
  return report;
}

/** The bytes the block must hold afterwards: image data over preserved chip bytes or 0xFF. */
async function intendedContent(
  algorithm: FlashAlgorithm,
  data: SparseData,
  block: EraseBlock,
  preserve: boolean,
): Promise<Uint8Array> {
  if (data.covers(block.address, block.size) || !preserve) return data.read(block.address, block.size, 0xff);
  const current = await algorithm.read(block.address, block.size);
  const merged = SparseData.from([{ address: block.address, data: current }]);
  for (const s of data.slice(block.address, block.address + block.size).segments())
    merged.write(s.address, s.data);
  return merged.read(block.address, block.size);
}

/**
 * The chip's CRC-32 of every block, fetched in batches of contiguous equal-size blocks when
 * the algorithm can (one on-chip call per batch); undefined when it cannot.
 */
export async function chipChecksums(
  algorithm: FlashAlgorithm,
  blocks: readonly { address: number; size: number }[],
): Promise<Map<number, number> | undefined> {
  if (!algorithm.blockChecksums) return undefined;
  const crcs = new Map<number, number>();
  for (let i = 0; i < blocks.length;) {
    let j = i + 1;
    while (
      j < blocks.length &&
      blocks[j].size === blocks[i].size &&
      blocks[j].address === blocks[j - 1].address + blocks[j - 1].size
    )
      j++;
    const values = await algorithm.blockChecksums(blocks[i].address, blocks[i].size, j - i);
    values.forEach((crc, k) => crcs.set(blocks[i + k].address, crc >>> 0));
    i = j;
  }
  return crcs;
}

/**
 * For a block the image covers only partly (the rest is kept as it is on the chip): true when
 * the chip already holds the image's bytes, checked range by range on the chip when possible.
 */
async function imageBytesMatch(
  algorithm: FlashAlgorithm,
  data: SparseData,
  block: EraseBlock,
): Promise<boolean> {
  const segments = data.slice(block.address, block.address + block.size).segments();
  if (algorithm.blockChecksum) {
    for (const seg of segments) {
      if ((await algorithm.blockChecksum(seg.address, seg.data.length)) >>> 0 !== crc32(seg.data))
        return false;
    }
    return true;
  }
  const current = await algorithm.read(block.address, block.size);
  return segments.every(
    (seg) =>
      firstDifference(
        current.subarray(seg.address - block.address, seg.address - block.address + seg.data.length),
        seg.data,
      ) < 0,
  );
}

/** True when the chip's block already equals `content` (checked on the chip when possible). */
async function alreadyHolds(
  algorithm: FlashAlgorithm,
  block: EraseBlock,
  content: Uint8Array,
): Promise<boolean> {
  if (algorithm.blockChecksum)
    return (await algorithm.blockChecksum(block.address, block.size)) === crc32(content);
  return equalBytes(await algorithm.read(block.address, block.size), content);
}

/** Verifies written blocks; throws VERIFY_FAILED naming the first differing address. */
export async function verifyBlocks(
  algorithm: FlashAlgorithm,
  blocks: { block: EraseBlock; content: Uint8Array }[],
  options: Pick<FlashOptions, 'onProgress' | 'signal' | 'clock'> = {},
): Promise<void> {
  const total = blocks.reduce((n, b) => n + b.block.size, 0);
  const progress = new ProgressReporter('Verify', total, options.onProgress, 50, options.clock);
  progress.start();
  try {
    const chipCrcs = await chipChecksums(
      algorithm,
      blocks.map((b) => b.block),
    );
    for (const { block, content } of blocks) {
      await yieldToEventLoop();
      throwIfCancelled(options.signal);
      const known = chipCrcs?.get(block.address);
      const same =
        known !== undefined ? known === crc32(content) : await alreadyHolds(algorithm, block, content);
      if (!same) {
        const actual = await algorithm.read(block.address, block.size);
        const at = firstDifference(actual, content);
        const address = block.address + Math.max(0, at);
        throw new WebProgError(
          'VERIFY_FAILED',
          `Verify failed at ${formatAddress(address)}: the chip holds 0x${hex(actual[at])}, the image 0x${hex(content[at])}.`,
          { address },
        );
      }
      progress.advance(block.size);
    }
    progress.finish();
  } catch (error) {
    const e = toWebProgError(error);
    progress.fail(e.toRecord());
    throw e;
  }
}

async function guard(
  run: () => Promise<void>,
  code: 'FLASH_ERASE_FAILED' | 'FLASH_WRITE_FAILED',
  what: string,
  address: number,
) {
  try {
    await run();
  } catch (error) {
    if (error instanceof WebProgError && error.code !== 'INTERNAL') throw error;
    throw new WebProgError(
      code,
      `Flash ${what} failed at ${formatAddress(address)}: ${(error as Error).message}`,
      {
        address,
        cause: error,
      },
    );
  }
}

/** True when every byte is 0xFF. */
export function isErased(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return firstDifference(a, b) < 0;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function hex(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0').toUpperCase();
}
