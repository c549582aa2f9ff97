/**
 * The chip-vs-sector erase rule for CMSIS algorithms (timeouts only): a chip erase is priced at
 * half the flash erased sector by sector, so it wins once most of the flash would be erased;
 * the EraseChip timeout is toErase for every sector.
 */
import { describe, expect, it } from 'vitest';
import { chipEraseIsCheaper } from '../flash/erase-plan';
import type { CmsisFlash } from './algorithm';
import { chipEraseTimeoutMs, cmsisEraseCosts, combinedEraseCosts, sectorCount } from './erase-costs';

const KiB = 1024;
/** STM32F411 as our own FlashDevice describes it: 4 × 16 KiB, 64 KiB, 3 × 128 KiB. */
const F411: CmsisFlash = {
  name: 'STM32F411',
  start: 0x0800_0000,
  size: 512 * KiB,
  pageSize: 1024,
  erasedValue: 0xff,
  programTimeoutMs: 100,
  eraseTimeoutMs: 6000,
  sectors: [
    { address: 0x0800_0000, size: 16 * KiB },
    { address: 0x0801_0000, size: 64 * KiB },
    { address: 0x0802_0000, size: 128 * KiB },
  ],
};
/** nRF52833: 128 × 4 KiB. */
const NRF52: CmsisFlash = {
  name: 'nRF52833',
  start: 0,
  size: 512 * KiB,
  pageSize: 4096,
  erasedValue: 0xff,
  programTimeoutMs: 200,
  eraseTimeoutMs: 500,
  sectors: [{ address: 0, size: 4 * KiB }],
};
const UICR: CmsisFlash = { ...NRF52, name: 'UICR', start: 0x1000_1000, size: 4 * KiB };

/** The first `n` sectors of `flash`. */
function sectors(flash: CmsisFlash, n: number): { address: number; size: number }[] {
  const out: { address: number; size: number }[] = [];
  flash.sectors.forEach((run, i) => {
    const end = i + 1 < flash.sectors.length ? flash.sectors[i + 1].address : flash.start + flash.size;
    for (let a = run.address; a < end; a += run.size) out.push({ address: a, size: run.size });
  });
  return out.slice(0, n);
}

const none = { rewrite: [], readBackBytes: 0 };

describe('CMSIS erase costs', () => {
  it('EraseChip may take toErase for every sector', () => {
    expect(sectorCount(F411)).toBe(8);
    expect(chipEraseTimeoutMs(F411)).toBe(48_000);
    expect(sectorCount(NRF52)).toBe(128);
    expect(chipEraseTimeoutMs(NRF52)).toBe(64_000);
  });

  it('a chip erase wins once more than half of the flash would be erased', () => {
    const nrf = cmsisEraseCosts(NRF52);
    expect(chipEraseIsCheaper(nrf, { erasing: sectors(NRF52, 64), ...none })).toBe(false);
    expect(chipEraseIsCheaper(nrf, { erasing: sectors(NRF52, 65), ...none })).toBe(true);
    // Mixed sectors weigh by size: the four 16 KiB and the 64 KiB sector (128 KiB) are a
    // quarter of the flash; with the first 128 KiB sector too (256 KiB) it is still half.
    const f4 = cmsisEraseCosts(F411);
    expect(chipEraseIsCheaper(f4, { erasing: sectors(F411, 5), ...none })).toBe(false);
    expect(chipEraseIsCheaper(f4, { erasing: sectors(F411, 6), ...none })).toBe(false);
    expect(chipEraseIsCheaper(f4, { erasing: sectors(F411, 7), ...none })).toBe(true);
  });

  it('data a chip erase would wipe and the flash must keep counts against it', () => {
    const nrf = cmsisEraseCosts(NRF52);
    const erasing = sectors(NRF52, 80);
    expect(chipEraseIsCheaper(nrf, { erasing, ...none })).toBe(true);
    const kept = sectors(NRF52, 128).slice(80);
    expect(chipEraseIsCheaper(nrf, { erasing, rewrite: kept, readBackBytes: 48 * 4 * KiB })).toBe(false);
  });

  it('without EraseChip the chip erase costs every sector, so it never wins', () => {
    const nrf = cmsisEraseCosts(NRF52, false);
    expect(chipEraseIsCheaper(nrf, { erasing: sectors(NRF52, 128), ...none })).toBe(false);
  });

  it('several areas: blocks priced by their area, the chip erase by all of them', () => {
    const both = combinedEraseCosts([
      { flash: NRF52, hasEraseChip: true },
      { flash: UICR, hasEraseChip: false },
    ]);
    const one = cmsisEraseCosts(NRF52);
    expect(both.blockEraseUs({ address: 0x1000_1000, size: 4 * KiB })).toBe(500_000);
    expect(both.chipEraseUs).toBe(one.chipEraseUs + 500_000);
  });
});
