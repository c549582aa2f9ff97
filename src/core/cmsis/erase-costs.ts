/**
 * Chip erase or sector erases through a CMSIS flash algorithm, and how long EraseChip may take.
 *
 * The built-in device scripts weigh chip against block erase on each chip's typical datasheet
 * figures (`workers/device/cmsis-dap/erase-costs.ts`). A CMSIS algorithm carries no typical
 * figures: its FlashDevice gives timeouts only (`toProg` per page, `toErase` per sector, none
 * for EraseChip; probe-rs's `program_page_timeout` / `erase_sector_timeout` are the same two).
 * The rule WebProg uses:
 *
 * - Every chip-side figure is taken on the timeout scale (the timeouts of one description are
 *   worst cases of the same chip, so they compare with each other): a sector erase costs
 *   `toErase` scaled by its size against the largest sector's (the one timeout has to cover the
 *   largest sector), programming costs `toProg` per page.
 * - A chip erase is priced at erasing **half of the flash** sector by sector. Without typical
 *   figures that is the only sound statement: a chip erase is worth it when the flash would
 *   otherwise erase most of the sectors. On parts whose mass erase is as quick as one page
 *   (nRF5x, STM32F1/G0) this errs towards sector erase, which touches only what the image
 *   changes; on parts whose mass erase takes as long as all sectors (STM32F4) it still picks the
 *   sectors until most of the flash changes.
 * - What a chip erase wipes and the flash must keep (unchanged blocks, data outside the image)
 *   is priced by the engine as programming it again and reading it back over the link
 *   (≈ 50 KB/s, as for the device scripts): `src/core/flash/erase-plan.ts`.
 *
 * The EraseChip timeout: the description has none of its own, so EraseChip may take as long as
 * erasing every sector would (`toErase` × number of sectors); no real part's mass erase takes
 * longer than its sector erases one by one.
 */
import type { EraseCosts } from '../flash/algorithm';
import type { CmsisFlash } from './algorithm';

/** µs per byte moved over the link (≈ 50 KB/s, a conservative DAPLink rate). */
export const CMSIS_LINK_US_PER_BYTE = 20;

/** Number of sectors the description lists. */
export function sectorCount(flash: CmsisFlash): number {
  return flash.sectors.reduce((n, run, i) => {
    const end = i + 1 < flash.sectors.length ? flash.sectors[i + 1].address : flash.start + flash.size;
    return n + (end - run.address) / run.size;
  }, 0);
}

/** How long EraseChip may run: `toErase` for every sector of the flash, ms. */
export function chipEraseTimeoutMs(flash: CmsisFlash): number {
  return flash.eraseTimeoutMs * Math.max(1, sectorCount(flash));
}

/** Modeled µs of erasing one byte sector by sector (the largest sector takes `toErase`). */
function eraseUsPerByte(flash: CmsisFlash): number {
  const largest = Math.max(...flash.sectors.map((s) => s.size));
  return (Math.max(1, flash.eraseTimeoutMs) * 1000) / largest;
}

/**
 * Erase costs of one algorithm's flash on the timeout scale (see the module comment).
 * `hasEraseChip` false: a chip erase of this flash erases its sectors one by one.
 */
export function cmsisEraseCosts(flash: CmsisFlash, hasEraseChip = true): EraseCosts {
  const perByte = eraseUsPerByte(flash);
  return {
    blockEraseUs: ({ size }) => size * perByte,
    chipEraseUs: (hasEraseChip ? flash.size / 2 : flash.size) * perByte,
    programUsPerByte: (Math.max(1, flash.programTimeoutMs) * 1000) / flash.pageSize,
    linkUsPerByte: CMSIS_LINK_US_PER_BYTE,
  };
}

/**
 * The costs of a target with several algorithms (one per flash area) whose chip erase erases
 * every area (through EraseChip where the area's algorithm has one, else sector by sector):
 * block erases priced by the area holding the block, the chip erase as the sum of the areas'.
 */
export function combinedEraseCosts(
  parts: readonly { flash: CmsisFlash; hasEraseChip: boolean }[],
): EraseCosts {
  const each = parts.map((p) => ({ flash: p.flash, costs: cmsisEraseCosts(p.flash, p.hasEraseChip) }));
  const costsAt = (address: number): EraseCosts =>
    (each.find(({ flash }) => address >= flash.start && address < flash.start + flash.size) ?? each[0]).costs;
  return {
    blockEraseUs: (block) => costsAt(block.address).blockEraseUs(block),
    chipEraseUs: each.reduce((us, e) => us + e.costs.chipEraseUs, 0),
    programUsPerByte: Math.max(...each.map((e) => e.costs.programUsPerByte)),
    linkUsPerByte: CMSIS_LINK_US_PER_BYTE,
  };
}
