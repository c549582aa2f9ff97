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
  it('keeps sorted, separate segments (copied) and merges anything else', () => {
    const shared = new Uint8Array([1, 2, 3, 4]);
    const kept = SparseData.fromSorted([
      { address: 0x10, data: shared.subarray(0, 2) },
      { address: 0x20, data: shared.subarray(2) },
    ]);
    shared[2] = 99;
    expect([...kept.segments()[1].data]).toEqual([3, 4]);
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

describe('SparseData.fromRuns', () => {
  it('takes sorted runs laid end to end in one buffer', () => {
    const d = SparseData.fromRuns(Uint32Array.of(0x10, 0x20), Uint32Array.of(2, 1), bytes(1, 2, 3));
    expect(d.ranges()).toEqual([
      { start: 0x10, end: 0x12 },
      { start: 0x20, end: 0x21 },
    ]);
    expect([...d.read(0x10, 0x11, 0)]).toEqual([1, 2, ...new Array<number>(14).fill(0), 3]);
    expect(d.segmentCount).toBe(2);
  });

  it('refuses runs that touch, overlap, are empty or do not fill the buffer', () => {
    expect(() => SparseData.fromRuns(Uint32Array.of(0, 2), Uint32Array.of(2, 1), bytes(1, 2, 3))).toThrow(
      /ascending and apart/,
    );
    expect(() => SparseData.fromRuns(Uint32Array.of(0, 5), Uint32Array.of(0, 1), bytes(1))).toThrow(
      /ascending and apart/,
    );
    expect(() => SparseData.fromRuns(Uint32Array.of(0), Uint32Array.of(2), bytes(1, 2, 3))).toThrow(/3/);
  });
});

describe('SparseData storage', () => {
  it('leaves segments handed out unchanged by later writes and clears', () => {
    const d = SparseData.from([{ address: 0, data: bytes(1, 2, 3, 4) }]);
    const before = d.segments()[0].data;
    d.write(1, bytes(9, 9));
    d.clear(0, 1);
    d.write(4, bytes(5));
    expect([...before]).toEqual([1, 2, 3, 4]);
    expect([...d.read(0, 5, 0)]).toEqual([0, 9, 9, 4, 5]);
  });

  it('holds many separate one-byte runs in a few typed arrays (about 12 bytes each)', () => {
    const d = new SparseData();
    for (let i = 0; i < 10_000; i++) d.write(i * 2, bytes(i & 0xff));
    expect(d.segmentCount).toBe(10_000);
    expect(d.byteCount).toBe(10_000);
    expect(d.segmentAt(2 * 777)?.data[0]).toBe(777 & 0xff);
    expect(d.clone().equals(d)).toBe(true);
  });

  it('write, clear, slice and clone behave like a byte map (property)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        address: fc.integer({ min: 0, max: 200 }),
        data: fc.uint8Array({ minLength: 0, maxLength: 30 }),
      }),
      fc.record({
        kind: fc.constant('clear' as const),
        address: fc.integer({ min: 0, max: 200 }),
        length: fc.integer({ min: 0, max: 60 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.integer({ min: 0, max: 250 }), (ops, cut) => {
        const model = new Map<number, number>();
        const d = new SparseData();
        for (const o of ops) {
          if (o.kind === 'write') {
            d.write(o.address, o.data);
            o.data.forEach((v, i) => model.set(o.address + i, v));
          } else {
            d.clear(o.address, o.address + o.length);
            for (let a = o.address; a < o.address + o.length; a++) model.delete(a);
          }
        }
        const expected = (from: number, to: number): number[] =>
          Array.from({ length: 260 }, (_, a) =>
            a >= from && a < to && model.has(a) ? model.get(a)! : 0x100 - 1,
          );
        expect([...d.read(0, 260)]).toEqual(expected(0, 260));
        expect(d.byteCount).toBe(model.size);
        expect([...d.slice(cut, cut + 40).read(0, 260)]).toEqual(expected(cut, cut + 40));
        expect(d.clone().equals(d)).toBe(true);
        const segs = d.segments();
        expect(segs.length).toBe(d.segmentCount);
        for (let i = 1; i < segs.length; i++) {
          expect(segs[i].address).toBeGreaterThan(segs[i - 1].address + segs[i - 1].data.length);
        }
      }),
    );
  });
});
