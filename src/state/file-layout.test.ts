import { describe, expect, it } from 'vitest';
import { SparseData } from '../core/memory/sparse-data';
import { guessTarget, targetById } from '../core/targets';
import { WHOLE_FILE_KEY, dataSpan, layoutRanges, rangeAt } from './file-layout';

const bytes = (address: number, length: number) => ({ address, data: new Uint8Array(length).fill(7) });

describe('layoutRanges', () => {
  it('lists the whole file first, then every region with the bytes it holds', () => {
    const data = SparseData.from([bytes(0, 0x100), bytes(0x7e000, 0x10), bytes(0x1000_1014, 4)]);
    const ranges = layoutRanges(guessTarget(data), data);
    expect(ranges.map((r) => [r.key, r.start, r.end, r.used])).toEqual([
      [WHOLE_FILE_KEY, 0, 0x1000_1020, 0x114],
      ['Code Flash', 0, 0x80000, 0x110],
      ['UICR', 0x1000_1000, 0x1000_1400, 4],
      ['RAM', 0x2000_0000, 0x2002_0000, 0],
    ]);
  });

  it('shows data outside the chosen target as "Other" ranges that avoid its regions', () => {
    // Past the end of the nRF51822's 256 KiB flash, inside the same 64 KiB cluster and beyond.
    const data = SparseData.from([bytes(0, 16), bytes(0x3fff0, 0x20), bytes(0x9000_0000, 8)]);
    const ranges = layoutRanges(targetById('nrf51822')!, data);
    const other = ranges.filter((r) => r.origin === 'outside');
    expect(other.map((r) => [r.name, r.start, r.end, r.used])).toEqual([
      ['Other @ 0x00040000', 0x40000, 0x50000, 0x10],
      ['Other @ 0x90000000', 0x9000_0000, 0x9001_0000, 8],
    ]);
    const total = ranges.filter((r) => r.origin !== 'whole').reduce((n, r) => n + r.used, 0);
    expect(total).toBe(data.byteCount);
  });

  it('spans a 4 GiB-sparse file without allocating it', () => {
    const data = SparseData.from([bytes(0, 16), bytes(0xffff_fff0, 16)]);
    const whole = layoutRanges(guessTarget(data), data)[0];
    expect([whole.start, whole.end]).toEqual([0, 2 ** 32]);
  });

  it('finds the range of an address and the data span of a range', () => {
    const data = SparseData.from([bytes(0x100, 0x10), bytes(0x200, 0x10)]);
    const ranges = layoutRanges(guessTarget(data), data);
    expect(rangeAt(ranges, 0x1000_1000)?.name).toBe('UICR');
    expect(rangeAt(ranges, 0x150)?.name).toBe('Code Flash');
    expect(rangeAt(ranges, 0x5000_0000)).toBeUndefined();
    expect(dataSpan(data, ranges[1])).toEqual({ start: 0x100, end: 0x210 });
    expect(dataSpan(data, ranges[3])).toBeUndefined();
  });

  it('gives an empty file one empty row and the target regions', () => {
    const ranges = layoutRanges(targetById('stm32f411')!, new SparseData());
    expect(ranges.map((r) => [r.key, r.used])).toEqual([
      [WHOLE_FILE_KEY, 0],
      ['Code Flash', 0],
      ['RAM', 0],
    ]);
    expect([ranges[0].start, ranges[0].end]).toEqual([0, 16]);
  });
});
