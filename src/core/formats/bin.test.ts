import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { SparseData } from '../memory';
import { readBin, writeBin } from './bin';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as WebProgError).code;
  }
  return 'no error';
}

describe('readBin', () => {
  it('places the bytes at the base address', () => {
    const data = readBin(Uint8Array.of(1, 2, 3), 0x0800_0000);
    expect(data.ranges()).toEqual([{ start: 0x0800_0000, end: 0x0800_0003 }]);
    expect([...data.read(0x0800_0000, 3)]).toEqual([1, 2, 3]);
  });

  it('gives empty data for an empty file and refuses data past 4 GiB or a bad base', () => {
    expect(readBin(new Uint8Array(0), 0).isEmpty).toBe(true);
    expect(code(() => readBin(new Uint8Array(16), 0xffff_fff8))).toBe('FORMAT_RANGE');
    expect(code(() => readBin(new Uint8Array(1), -1))).toBe('INVALID_ARGUMENT');
    expect(code(() => readBin(new Uint8Array(1), 0.5))).toBe('INVALID_ARGUMENT');
  });
});

describe('writeBin', () => {
  const data = SparseData.from([
    { address: 0x100, data: Uint8Array.of(1, 2) },
    { address: 0x104, data: Uint8Array.of(3) },
  ]);

  it('fills gaps with 0xFF between the data bounds', () => {
    expect([...writeBin(data)]).toEqual([1, 2, 0xff, 0xff, 3]);
  });

  it('uses the fill byte and the range asked for', () => {
    expect([...writeBin(data, { fill: 0, start: 0xfe, end: 0x106 })]).toEqual([0, 0, 1, 2, 0, 0, 3, 0]);
    expect([...writeBin(data, { start: 0x101, end: 0x103 })]).toEqual([2, 0xff]);
  });

  it('writes nothing for empty data and refuses a reversed range', () => {
    expect(writeBin(new SparseData()).length).toBe(0);
    expect(code(() => writeBin(data, { start: 0x200, end: 0x100 }))).toBe('INVALID_ARGUMENT');
  });
});
