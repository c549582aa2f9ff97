import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparseData } from './sparse-data';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('SparseData', () => {
  it('merges touching and overlapping writes; later writes win', () => {
    const d = new SparseData();
    d.write(10, bytes(1, 2, 3));
    d.write(13, bytes(4, 5));
    d.write(0, bytes(9));
    d.write(11, bytes(7));
    expect(d.ranges()).toEqual([
      { start: 0, end: 1 },
      { start: 10, end: 15 },
    ]);
    expect([...d.read(10, 5)]).toEqual([1, 7, 3, 4, 5]);
    expect(d.byteCount).toBe(6);
  });

  it('reads gaps as the fill value', () => {
    const d = SparseData.from([{ address: 4, data: bytes(1, 2) }]);
    expect([...d.read(2, 6, 0xee)]).toEqual([0xee, 0xee, 1, 2, 0xee, 0xee]);
  });

  it('copies written bytes', () => {
    const source = bytes(1, 2, 3);
    const d = new SparseData();
    d.write(0, source);
    source[0] = 99;
    expect(d.read(0, 1)[0]).toBe(1);
  });

  it('clears and slices ranges', () => {
    const d = SparseData.from([{ address: 0, data: new Uint8Array(10).fill(1) }]);
    d.clear(3, 5);
    expect(d.ranges()).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 10 },
    ]);
    expect(d.slice(2, 7).ranges()).toEqual([
      { start: 2, end: 3 },
      { start: 5, end: 7 },
    ]);
  });

  it('answers covers/intersects/segmentAt', () => {
    const d = SparseData.from([{ address: 100, data: new Uint8Array(10) }]);
    expect(d.covers(100, 10)).toBe(true);
    expect(d.covers(100, 11)).toBe(false);
    expect(d.intersects(0, 101)).toBe(true);
    expect(d.intersects(110, 200)).toBe(false);
    expect(d.segmentAt(109)?.address).toBe(100);
    expect(d.segmentAt(110)).toBeUndefined();
  });

  it('refuses ranges past 4 GiB and negative addresses', () => {
    const d = new SparseData();
    expect(() => d.write(0xffff_fff0, new Uint8Array(32))).toThrow(/4 GiB/);
    expect(() => d.write(-1, bytes(1))).toThrow(/Invalid address/);
    d.write(0xffff_fff0, new Uint8Array(16));
    expect(d.bounds()).toEqual({ start: 0xffff_fff0, end: 0x1_0000_0000 });
  });

  it('behaves like a byte map (property)', () => {
    const write = fc.record({
      address: fc.integer({ min: 0, max: 300 }),
      data: fc.uint8Array({ minLength: 0, maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 20 }), (writes) => {
        const model = new Map<number, number>();
        const d = new SparseData();
        for (const w of writes) {
          d.write(w.address, w.data);
          w.data.forEach((v, i) => model.set(w.address + i, v));
        }
        const read = d.read(0, 400, 0x100 - 1);
        for (let a = 0; a < 400; a++) expect(read[a]).toBe(model.has(a) ? model.get(a) : 0xff);
        expect(d.byteCount).toBe(model.size);
        // Segments are sorted, non-empty, and neither overlap nor touch.
        const segs = d.segments();
        for (let i = 1; i < segs.length; i++) {
          expect(segs[i].address).toBeGreaterThan(segs[i - 1].address + segs[i - 1].data.length);
        }
        expect(SparseData.from(segs).equals(d)).toBe(true);
      }),
    );
  });
});

describe('SparseData.fromSorted', () => {
  it('keeps sorted, separate segments as they are and merges anything else', () => {
    const shared = new Uint8Array([1, 2, 3, 4]);
    const kept = SparseData.fromSorted([
      { address: 0x10, data: shared.subarray(0, 2) },
      { address: 0x20, data: shared.subarray(2) },
    ]);
    expect(kept.segments()[1].data.buffer).toBe(shared.buffer);
    expect(kept.ranges()).toEqual([
      { start: 0x10, end: 0x12 },
      { start: 0x20, end: 0x22 },
    ]);
    const merged = SparseData.fromSorted([
      { address: 0x20, data: new Uint8Array([5]) },
      { address: 0x10, data: new Uint8Array([6, 7]) },
      { address: 0x12, data: new Uint8Array([8]) },
    ]);
    expect(merged.ranges()).toEqual([
      { start: 0x10, end: 0x13 },
      { start: 0x20, end: 0x21 },
    ]);
  });
});
