/**
 * The compressed writer's planning helpers: how much each block of a zlib stream inflates to
 * (what the in-flight guard estimates the stub's work from), and the chunking of ranges for the
 * skip-unchanged comparison.
 */
import { deflate } from 'pako';
import { describe, expect, test } from 'vitest';
import { halfIncompressibleImage } from '../../../src/sim/esp/test-helpers';
import { SKIP_CHUNK, inflatedPerBlock, joinAdjacent, splitChunks } from './deflate-writer';

function blocksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('inflatedPerBlock', () => {
  test('counts every byte where the stub gets it, although pako hands out whole chunks only', () => {
    const image = halfIncompressibleImage();
    const blocks = blocksOf(deflate(image, { level: 9 }), 0x4000);
    const sizes = inflatedPerBlock(blocks);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(image.length);
    // Random data barely compresses: a 16 KiB block of it inflates to about 16 KiB, not 0 or 64 KiB.
    for (const n of sizes.slice(0, 8)) expect(n).toBeGreaterThan(0x3f00);
    for (const n of sizes.slice(0, 8)) expect(n).toBeLessThan(0x4100);
    // The whole text half comes out of the last block.
    expect(sizes.at(-1)).toBeGreaterThan(0x80000);
  });
});

describe('splitChunks and joinAdjacent', () => {
  test('split at 64 KiB boundaries and join back into the same ranges', () => {
    const data = new Uint8Array(0x25000).map((_, i) => i & 0xff);
    const ranges = [
      { address: 0x8000, data },
      { address: 0x40000, data: new Uint8Array(0x1000) },
    ];
    const chunks = splitChunks(ranges);
    // 0x8000 + 0x25000 ends at 0x2d000: cut at 0x10000 and 0x20000.
    expect(chunks.map((c) => [c.address, c.data.length])).toEqual([
      [0x8000, 0x8000],
      [0x10000, SKIP_CHUNK],
      [0x20000, 0xd000],
      [0x40000, 0x1000],
    ]);
    const joined = joinAdjacent(chunks);
    expect(joined.map((r) => [r.address, r.data.length])).toEqual([
      [0x8000, 0x25000],
      [0x40000, 0x1000],
    ]);
    expect(joined[0].data).toEqual(data);
  });
});
