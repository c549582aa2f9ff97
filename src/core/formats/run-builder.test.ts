import { describe, expect, it } from 'vitest';
import { RunBuilder } from './run-builder';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function finished(runs: RunBuilder) {
  const built = runs.finish();
  if (built.overlap !== undefined) throw new Error(`unexpected overlap at ${built.overlap.address}`);
  return built.data;
}

describe('RunBuilder', () => {
  it('joins ascending, touching data into one segment', () => {
    const runs = new RunBuilder();
    for (let i = 0; i < 1000; i++) runs.add(0x100 + i * 16, new Uint8Array(16).fill(i & 0xff));
    const data = finished(runs);
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
    const data = finished(runs);
    expect(data.ranges()).toEqual([
      { start: 0x10, end: 0x12 },
      { start: 0x1e, end: 0x23 },
    ]);
    expect([...data.read(0x1e, 5)]).toEqual([9, 9, 3, 4, 5]);
  });

  it('copies what it is given (a reader may reuse its record buffer)', () => {
    const runs = new RunBuilder();
    const scratch = bytes(1, 2);
    runs.add(0x10, scratch);
    scratch[0] = 7;
    runs.add(0x12, scratch);
    expect([...finished(runs).read(0x10, 4)]).toEqual([1, 2, 7, 2]);
  });

  it('reports the first record (in the order added) that overlaps an earlier one, and where', () => {
    const cases: {
      records: [number, number][];
      overlap: { address: number; tag: number; earlierTag: number };
    }[] = [
      {
        records: [
          [0x10, 16],
          [0x40, 16],
          [0x18, 4],
        ],
        overlap: { address: 0x18, tag: 2, earlierTag: 0 },
      }, // inside the first
      {
        records: [
          [0x10, 16],
          [0x40, 16],
          [0x08, 16],
        ],
        overlap: { address: 0x10, tag: 2, earlierTag: 0 },
      }, // runs into the first
      {
        records: [
          [0x10, 16],
          [0x40, 16],
          [0x20, 0x30],
        ],
        overlap: { address: 0x40, tag: 2, earlierTag: 1 },
      }, // into the second
      // Record 3 overlaps record 2 and record 4 overlaps record 0: record 3 is the first to blame.
      {
        records: [
          [0x100, 8],
          [0x10, 8],
          [0x50, 8],
          [0x54, 8],
          [0x104, 1],
        ],
        overlap: { address: 0x54, tag: 3, earlierTag: 2 },
      },
      // Descending records, the last one lands on the first.
      {
        records: [
          [0x30, 2],
          [0x20, 2],
          [0x10, 2],
          [0x31, 1],
        ],
        overlap: { address: 0x31, tag: 3, earlierTag: 0 },
      },
    ];
    for (const { records, overlap } of cases) {
      const runs = new RunBuilder();
      records.forEach(([address, length], tag) => runs.add(address, new Uint8Array(length), tag));
      expect(runs.finish().overlap).toEqual(overlap);
    }
    const touching = new RunBuilder();
    touching.add(0x40, new Uint8Array(16));
    touching.add(0x50, new Uint8Array(1)); // touches the end: no overlap
    touching.add(0x3f, new Uint8Array(1)); // touches the start
    expect(finished(touching).byteCount).toBe(18);
  });

  // Issue 14 item 6: a 1 MB hex of 75,000 one-byte records 2 bytes apart made the builder
  // hold 307 MB (at least 4 KiB per run).
  it('holds memory proportional to the data for many one-byte runs, in either order', () => {
    for (const descending of [false, true]) {
      const runs = new RunBuilder();
      const count = 75_000;
      for (let k = 0; k < count; k++) {
        const i = descending ? count - 1 - k : k;
        runs.add(0x1000 + 2 * i, bytes(i & 0xff));
      }
      // A hex file of these records is 14 bytes per record (":01AAAA00DDCC\n").
      const fileSize = count * 14;
      expect(runs.allocatedBytes).toBeLessThan(4 * fileSize);
      const data = finished(runs);
      expect(data.segments().length).toBe(count);
      expect(data.read(0x1000 + 2 * 1234, 1)[0]).toBe(1234 & 0xff);
      // The segments share one buffer of exactly the data's size.
      const buffers = new Set(data.segments().map((s) => s.data.buffer));
      expect([...buffers].map((b) => b.byteLength)).toEqual([count]);
    }
  });

  // Records in any order are sorted once, by a radix sort (the reader-level reproducer of the
  // 4 s splice placement is in pathological.test.ts).
  it('places shuffled records anywhere in 4 GiB, equal addresses in the order added', () => {
    const address = (i: number): number => 3 * i + (i % 7) * 0x2000_0000;
    for (const count of [1000, 100_003]) {
      const runs = new RunBuilder(count, count);
      // A fixed permutation: multiplying by an odd number modulo a power of two.
      const size = 2 ** Math.ceil(Math.log2(count));
      for (let k = 0; k < size; k++) {
        const i = (Math.imul(k, 0x9e3779b1) >>> 0) % size;
        if (i < count) runs.add(address(i), bytes(i & 0xff, (i >> 8) & 0xff), i);
      }
      const data = finished(runs);
      const expected = Array.from({ length: count }, (_, i) => i).sort((a, b) => address(a) - address(b));
      expect(data.segments().map((s) => s.address)).toEqual(expected.map(address));
      expect(data.segments().every((s, k) => s.data[0] === (expected[k] & 0xff))).toBe(true);
    }
    const twice = new RunBuilder();
    twice.add(0x20, bytes(1), 7);
    twice.add(0x10, bytes(1), 8);
    twice.add(0x20, bytes(2), 9);
    expect(twice.finish().overlap).toEqual({ address: 0x20, tag: 9, earlierTag: 7 });
  });
});
