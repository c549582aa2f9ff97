/**
 * The `flash` plan for an RL78, all done by the chip: per run of adjacent blocks, one Block
 * Blank Check over the run decides whether any block needs looking at; on a blank run only the
 * blocks the buffer does not leave erased are programmed. Otherwise each block's chip Checksum
 * is compared with the buffer's `sum_rl78`: a different sum means changed; an equal sum is only
 * a hint (a 16-bit sum misses two swapped bytes), so those blocks are compared exactly by the
 * chip's Verify (one per run of adjacent such blocks) and skipped only when it finds every byte
 * equal (skip unchanged). Changed blocks are erased (unless blank) and programmed whole.
 * Adjacent blocks go in one Programming command (256-byte frames, each answered: the chip's
 * internal verify checks every frame), then one chip Checksum over them is compared with the
 * buffer's `sum_rl78`; on a difference each block's checksum locates it.
 */
import type { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import { throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import type { ProgressReporter } from '../../../src/core/progress';
import {
  chipChecksum,
  differingBlocks,
  eraseBlock,
  imageBytes,
  isBlank,
  sumRl78,
  verifyBlock,
  type Rl78Block,
} from './rl78-blocks';
import { rl78BlankCheck, rl78Program } from './rl78-commands';
import type { Rl78Link } from './rl78-link';

/** The chip checksum of an erased 1 KiB block: (0 − 1024 × 0xFF) & 0xFFFF. */
const ERASED_BLOCK_SUM = 0x0400;

/** What flashing did. */
export interface FlashTally {
  written: number;
  erased: number;
  skipped: number;
}

/** Splits blocks into runs of adjacent blocks in one region. */
export function runsOf(blocks: readonly Rl78Block[]): Rl78Block[][] {
  const runs: Rl78Block[][] = [];
  for (const b of blocks) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && last.region === b.region && last.address + last.size === b.address) run.push(b);
    else runs.push([b]);
  }
  return runs;
}

/** Flashes `blocks` (see the module comment). */
export async function flashBlocks(
  link: Rl78Link,
  image: MemoryImage,
  blocks: readonly Rl78Block[],
  progress: ProgressReporter,
  changes: ChipChangeLog,
  signal?: CancelSignal,
): Promise<FlashTally> {
  const tally: FlashTally = { written: 0, erased: 0, skipped: 0 };
  for (const run of runsOf(blocks)) {
    throwIfCancelled(signal);
    const first = run[0];
    const last = run[run.length - 1];
    const todo: Rl78Block[] = [];
    const erasedInBuffer = (b: Rl78Block) => imageBytes(image, b.address, b.size).every((x) => x === 0xff);
    if (await rl78BlankCheck(link, first.address, last.address + last.size - 1)) {
      for (const b of run) {
        if (erasedInBuffer(b)) {
          tally.skipped++;
          progress.advance(b.size);
        } else todo.push(b);
      }
    } else {
      // A different sum means changed; an equal one is confirmed byte for byte by Verify.
      const chipSums = new Map<Rl78Block, number>();
      const sameSum: Rl78Block[] = [];
      for (const b of run) {
        throwIfCancelled(signal);
        const chipSum = await chipChecksum(link, b.address, b.size);
        chipSums.set(b, chipSum);
        if (chipSum === sumRl78(imageBytes(image, b.address, b.size))) sameSum.push(b);
      }
      const unchanged = new Set<Rl78Block>();
      for (const part of runsOf(sameSum)) {
        throwIfCancelled(signal);
        await differingBlocks(link, image, part, (b) => {
          unchanged.add(b);
          tally.skipped++;
          progress.advance(b.size);
        });
      }
      for (const b of run) {
        throwIfCancelled(signal);
        if (unchanged.has(b)) continue;
        changes.block(b.address, b.size);
        // Only a block whose sum is the erased block's can be blank: ask the chip only then.
        if (chipSums.get(b) !== ERASED_BLOCK_SUM || !(await isBlank(link, b))) {
          await eraseBlock(link, b);
          tally.erased++;
        }
        todo.push(b);
      }
    }
    for (const part of runsOf(todo)) {
      throwIfCancelled(signal);
      for (const b of part) changes.block(b.address, b.size);
      const start = part[0].address;
      const size = part.length * part[0].size;
      let sent = 0;
      await rl78Program(link, start, imageBytes(image, start, size), (done) => {
        progress.advance(done - sent);
        sent = done;
      });
      tally.written += size;
      // Verify: one chip checksum over the part; block by block only to locate a difference.
      const whole = await chipChecksum(link, start, size);
      if (whole !== sumRl78(imageBytes(image, start, size))) {
        for (const b of part) await verifyBlock(link, image, b);
      }
    }
  }
  return tally;
}
