import { expect, test } from 'vitest';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { gapsIn, toSectorRanges } from './flash-ranges';

test('a partly covered sector is completed from the chip, reading only the words the image leaves out', async () => {
  const data = new SparseData();
  data.write(0x10000, new Uint8Array(0x1123).fill(0x11));
  const reads: [number, number][] = [];
  const chip = (address: number, size: number) => {
    reads.push([address, size]);
    return Promise.resolve(new Uint8Array(size).fill(0x22));
  };
  const [range] = await toSectorRanges(data, 0x400000, chip);
  expect(reads).toEqual([[0x11120, 0xee0]]);
  expect(range.address).toBe(0x10000);
  expect(range.data.length).toBe(0x2000);
  expect(range.data[0x1122]).toBe(0x11);
  expect(range.data[0x1123]).toBe(0x22);
  expect(gapsIn(data, 0x11000, 0x12000)).toEqual([{ start: 0x11123, end: 0x12000 }]);
});
