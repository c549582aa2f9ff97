import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory/sparse-data';
import { guessTarget } from './guess';

const at = (address: number, length = 16) => ({ address, data: new Uint8Array(length) });

describe('guessTarget', () => {
  it('picks the micro:bit chips by where the data lies', () => {
    expect(guessTarget(SparseData.from([at(0), at(0x3f000), at(0x1000_10c0)])).id).toBe('nrf51822');
    expect(guessTarget(SparseData.from([at(0), at(0x7e000), at(0x1000_1014)])).id).toBe('nrf52833');
  });

  it('picks the nRF52840 for Nordic data beyond 512 KiB, the STM32F103 for data in its option bytes', () => {
    expect(guessTarget(SparseData.from([at(0), at(0xf0000), at(0x1000_120c)])).id).toBe('nrf52840');
    expect(guessTarget(SparseData.from([at(0x0800_0000), at(0x1fff_f800)])).id).toBe('stm32f103');
  });

  it('picks the STM32F411 for data in its flash', () => {
    expect(guessTarget(SparseData.from([at(0x0800_0000), at(0x0807_fff0)])).id).toBe('stm32f411');
  });

  it('falls back to generic 64 KiB-aligned regions', () => {
    const t = guessTarget(SparseData.from([at(0x9000_0010), at(0x9001_0000), at(0xa000_0000)]));
    expect(t.id).toBe('generic');
    expect(t.regions.map((r) => [r.base, r.size])).toEqual([
      [0x9000_0000, 0x2_0000],
      [0xa000_0000, 0x1_0000],
    ]);
    expect(t.regions[0].name).toBe('Memory @ 0x90000000');
  });
});
