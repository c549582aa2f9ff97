/**
 * The `flash` plan for an RL78, all done by the chip. A block whose contents the session knows
 * exactly (`Rl78KnownContents`: it erased, blank-checked, programmed and confirmed, programmed
 * without erase over contents it knew, or Verify-compared it earlier in this session) needs no
 * command to decide: equal to the buffer, it is skipped; different, it is changed. The caller
 * first makes sure the chip is still in this session's programming mode (`Rl78Backend.flash` asks
 * it with one Reset command: a chip reset behind the session's back, say by the board's button,
 * runs its user program, which may write flash, and does not answer).
 *
 * The blocks of unknown contents are asked about: per run of adjacent such blocks, one Block
 * Blank Check over the run decides whether any block needs looking at; on a blank run only the
 * blocks the buffer does not leave erased are programmed. Otherwise each block's chip Checksum
 * is compared with the buffer's `sum_rl78`: a different sum means changed; an equal sum is only
 * a hint (a 16-bit sum misses two swapped bytes), so those blocks are compared exactly by the
 * chip's Verify (one per run of adjacent such blocks) and skipped only when it finds every byte
 * equal (skip unchanged).
 *
 * Changed blocks are erased (unless blank) and programmed whole. Adjacent blocks go in one
 * Programming command (256-byte frames, each answered: the chip's internal verify checks every
 * frame), then one chip Checksum over them is compared with the buffer's `sum_rl78`; on a
 * difference each block's checksum locates it. What each step confirms becomes known.
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
import type { Rl78KnownContents } from './rl78-known-contents';
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

/**
 * Flashes `blocks` (see the module comment), keeping `known` true: a block is forgotten before
 * it is erased or programmed and learned again from the outcome the chip confirms.
 */
export async function flashBlocks(
  link: Rl78Link,
  known: Rl78KnownContents,
  image: MemoryImage,
  blocks: readonly Rl78Block[],
  progress: ProgressReporter,
  changes: ChipChangeLog,
  signal?: CancelSignal,
): Promise<FlashTally> {
  const tally: FlashTally = { written: 0, erased: 0, skipped: 0 };
  const want = (b: Rl78Block) => imageBytes(image, b.address, b.size);
  const skip = (b: Rl78Block) => {
    tally.skipped++;
    progress.advance(b.size);
  };
  for (const run of runsOf(blocks)) {
    throwIfCancelled(signal);
    // Blocks whose contents the session knows need no command to decide.
    const changed = new Set<Rl78Block>();
    const unknown: Rl78Block[] = [];
    for (const b of run) {
      const comparison = known.compare(b, want(b));
      if (comparison === 'same') skip(b);
      else if (comparison === 'different') changed.add(b);
      else unknown.push(b);
    }
    for (const part of runsOf(unknown)) {
      throwIfCancelled(signal);
      for (const b of await probe(link, known, image, part, skip, signal)) changed.add(b);
    }
    const toWrite = run.filter((b) => changed.has(b));
    for (const b of toWrite) {
      throwIfCancelled(signal);
      changes.block(b.address, b.size);
      if (known.isBlank(b)) continue;
      known.forget(b);
      await eraseBlock(link, b);
      known.rememberBlank(b);
      tally.erased++;
    }
    for (const part of runsOf(toWrite)) {
      throwIfCancelled(signal);
      for (const b of part) {
        changes.block(b.address, b.size);
        known.forget(b);
      }
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
      } else {
        // Programmed onto blank flash, every frame acknowledged, the sum confirmed.
        for (const b of part) known.remember(b, want(b));
      }
    }
  }
  return tally;
}

/**
 * Asks the chip about `part` (adjacent blocks of unknown contents, one region), learning what it
 * can: `skip` gets each block found to hold the image already; returns the blocks that differ
 * (those found blank are then known blank).
 */
async function probe(
  link: Rl78Link,
  known: Rl78KnownContents,
  image: MemoryImage,
  part: readonly Rl78Block[],
  skip: (b: Rl78Block) => void,
  signal?: CancelSignal,
): Promise<Rl78Block[]> {
  const first = part[0];
  const last = part[part.length - 1];
  const want = (b: Rl78Block) => imageBytes(image, b.address, b.size);
  if (await rl78BlankCheck(link, first.address, last.address + last.size - 1)) {
    const differ: Rl78Block[] = [];
    for (const b of part) {
      known.rememberBlank(b);
      if (want(b).every((x) => x === 0xff)) skip(b);
      else differ.push(b);
    }
    return differ;
  }
  // A different sum means changed; an equal one is confirmed byte for byte by Verify.
  const chipSums = new Map<Rl78Block, number>();
  const sameSum: Rl78Block[] = [];
  for (const b of part) {
    throwIfCancelled(signal);
    const chipSum = await chipChecksum(link, b.address, b.size);
    chipSums.set(b, chipSum);
    if (chipSum === sumRl78(want(b))) sameSum.push(b);
  }
  const unchanged = new Set<Rl78Block>();
  for (const run of runsOf(sameSum)) {
    throwIfCancelled(signal);
    await differingBlocks(link, image, run, (b) => {
      unchanged.add(b);
      known.remember(b, want(b));
      skip(b);
    });
  }
  const differ = part.filter((b) => !unchanged.has(b));
  for (const b of differ) {
    throwIfCancelled(signal);
    // Only a block whose sum is the erased block's can be blank: ask the chip only then.
    if (chipSums.get(b) === ERASED_BLOCK_SUM && (await isBlank(link, b))) known.rememberBlank(b);
  }
  return differ;
}
