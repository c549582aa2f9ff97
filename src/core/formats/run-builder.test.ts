import { describe, expect, it } from 'vitest';
import { RunBuilder } from './run-builder';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('RunBuilder', () => {
  it('joins ascending, touching data into one segment', () => {
    const runs = new RunBuilder();
    for (let i = 0; i < 1000; i++)
      expect(runs.add(0x100 + i * 16, new Uint8Array(16).fill(i & 0xff))).toBeUndefined();
    const data = runs.finish();
    expect(data.ranges()).toEqual([{ start: 0x100, end: 0x100 + 16000 }]);
    expect(data.read(0x100 + 16 * 999, 1)[0]).toBe(999 & 0xff);
  });

  it('places out-of-order data by address and joins what touches', () => {
    const runs = new RunBuilder();
    runs.add(0x20, bytes(3, 4));
    runs.add(0x10, bytes(1));
    runs.add(0x22, bytes(5));
    runs.add(0x1e, bytes(9, 9));
    runs.add(0x11, bytes(2));
    const data = runs.finish();
    expect(data.ranges()).toEqual([
      { start: 0x10, end: 0x12 },
      { start: 0x1e, end: 0x23 },
    ]);
    expect([...data.read(0x1e, 5)]).toEqual([9, 9, 3, 4, 5]);
  });

  it('reports the first overlapping address', () => {
    const runs = new RunBuilder();
    runs.add(0x10, new Uint8Array(16));
    runs.add(0x40, new Uint8Array(16));
    expect(runs.add(0x18, new Uint8Array(4))).toBe(0x18); // inside the first
    expect(runs.add(0x08, new Uint8Array(16))).toBe(0x10); // runs into the first
    expect(runs.add(0x20, new Uint8Array(0x30))).toBe(0x40); // continues the first into the second
    expect(runs.add(0x50, new Uint8Array(1))).toBeUndefined(); // touches the end of the second
    expect(runs.finish().byteCount).toBe(33);
  });
});
