/**
 * Chip erase or block erases? The flasher's choice, made the way pyOCD weighs chip vs sector
 * erase: by modeled cost on the chip's typical figures. A chip erase also wipes blocks the
 * flash would have left alone (unchanged blocks of the image, data outside it, UICR), so its
 * cost includes reading back what must be kept and programming all of that again.
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
