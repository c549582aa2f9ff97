/**
 * Chip erase or block erases? The flasher's choice, made the way pyOCD weighs chip vs sector
 * erase: by modeled cost on the chip's typical figures. A chip erase also wipes blocks the
 * flash would have left alone (unchanged blocks of the image, data outside it, UICR), so its
 * cost includes reading back what must be kept and programming all of that again. When the
 * flash is streamed, the choice weighs whole streams ({@link streamTimeUs}): uploads overlap the
 * erases, so on a chip with long erases and a slow link (STM32F4: 1 s per 128 KiB sector, 4 s
 * mass erase) sector erases can win even where a chip erase takes less erase time.
 */
import type { EraseCosts } from './algorithm';

/** Blocks a flash must touch either way, and what a chip erase would add. */
export interface EraseChoiceInput {
  /** Blocks that need an erase before programming (changed and not blank). */
  erasing: readonly { address: number; size: number }[];
  /** Blocks a chip erase wipes that must be programmed again (unchanged or kept data). */
  rewrite: readonly { address: number; size: number }[];
  /** Bytes of those the host must first read back from the chip (the image does not hold them). */
  readBackBytes: number;
}

/** Modeled µs of erasing `erasing` block by block. */
export function blockEraseCostUs(costs: EraseCosts, erasing: EraseChoiceInput['erasing']): number {
  return erasing.reduce((us, b) => us + costs.blockEraseUs(b), 0);
}

/** Modeled µs of a chip erase plus restoring what it wipes that the flash must keep. */
export function chipEraseCostUs(costs: EraseCosts, input: EraseChoiceInput): number {
  const rewriteBytes = input.rewrite.reduce((n, b) => n + b.size, 0);
  const perByte = Math.max(costs.programUsPerByte, costs.linkUsPerByte);
  return costs.chipEraseUs + rewriteBytes * perByte + input.readBackBytes * costs.linkUsPerByte;
}

/** True when a chip erase is the cheaper way to get the changed blocks erased. */
export function chipEraseIsCheaper(costs: EraseCosts, input: EraseChoiceInput): boolean {
  return chipEraseCostUs(costs, input) < blockEraseCostUs(costs, input.erasing);
}

/** One chip operation of a streamed flash, as the cost model sees it. */
export type StreamStep = { eraseUs: number } | { writeBytes: number };

/**
 * What starting and finishing one chip operation costs besides the operation: a few USB round
 * trips (registers and resume, the halt poll, the result), ≈ 1.5 ms each over DAPLink's
 * full-speed HID (a 1 ms frame each way). The chip waits for them and the link carries them.
 */
export const OPERATION_OVERHEAD_US = 5_000;

/**
 * Modeled µs of running `steps` in order as one stream with `buffers` staging buffers: the
 * link uploads the write blocks in order, each into its buffer (round robin) once the chip has
 * programmed the block that used it before; the chip runs each operation once the previous
 * one is done and, for a write, its block is uploaded. So an erase hides as much upload as the
 * free buffers hold, and a chip erase, which comes first, hides at most all of them.
 */
export function streamTimeUs(costs: EraseCosts, steps: readonly StreamStep[], buffers: number): number {
  const freeAt = new Array<number>(Math.max(1, buffers)).fill(0);
  let chip = 0;
  let link = 0;
  let writes = 0;
  for (const step of steps) {
    link += OPERATION_OVERHEAD_US;
    if ('eraseUs' in step) {
      chip += OPERATION_OVERHEAD_US + step.eraseUs;
      continue;
    }
    const b = writes++ % freeAt.length;
    link = Math.max(link, freeAt[b]) + step.writeBytes * costs.linkUsPerByte;
    chip = Math.max(chip, link) + OPERATION_OVERHEAD_US + step.writeBytes * costs.programUsPerByte;
    freeAt[b] = chip;
  }
  return Math.max(chip, link);
}

/** The two ways of running a streamed flash, for {@link chipEraseStreamIsFaster}. */
export interface StreamChoiceInput {
  /** Block erases and writes in order (erase steps without the chip erase). */
  blockPlan: readonly StreamStep[];
  /** After the chip erase: the writes (restored blocks included) and any erases it still needs. */
  chipPlan: readonly StreamStep[];
  /** Bytes the host must read back before a chip erase (data it must restore). */
  readBackBytes: number;
  /** Staging buffers the stream can fill while the chip works. */
  buffers: number;
}

/**
 * True when a chip erase followed by the stream is at least as fast as block erases in the
 * stream, by {@link streamTimeUs} (a tie goes to the chip erase: one erase cycle per block
 * instead of one per changed block). A chip erase saves erase time; block erases let uploads
 * overlap every erase (a long sector erase hides a whole ring of buffers; a chip erase only
 * one ring).
 */
export function chipEraseStreamIsFaster(costs: EraseCosts, input: StreamChoiceInput): boolean {
  const chip =
    input.readBackBytes * costs.linkUsPerByte +
    streamTimeUs(costs, [{ eraseUs: costs.chipEraseUs }, ...input.chipPlan], input.buffers);
  return chip <= streamTimeUs(costs, input.blockPlan, input.buffers);
}
