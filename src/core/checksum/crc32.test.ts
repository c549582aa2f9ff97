import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';

const CHECK_INPUT = new TextEncoder().encode('123456789');

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value over "123456789"', () => {
    expect(crc32(CHECK_INPUT)).toBe(0xcbf43926);
  });

  it('is 0 for no bytes and returns an unsigned number', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    const v = crc32(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(v).toBe(0xffffffff);
    expect(v).toBeGreaterThan(0);
  });

  it('agrees with zlib on random data of every length class (tail and 8-byte blocks)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with zlib on a 1 MiB buffer', () => {
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    expect(crc32(big)).toBe(zlibCrc32(big));
  });

  it('agrees with zlib on views at every alignment, of lengths around the 16-byte blocks', () => {
    // The word path reads an Int32Array view of the 4-byte-aligned middle: the head and tail
    // bytes, the view's start and the seed must all line up with the byte-by-byte CRC.
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 4200 }),
        fc.nat({ max: 7 }),
        fc.nat({ max: 7 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (bytes, cutStart, cutEnd, seed) => {
          const view = bytes.subarray(Math.min(cutStart, bytes.length), Math.max(0, bytes.length - cutEnd));
          expect(crc32(view)).toBe(zlibCrc32(view));
          // zlib returns 0 for a buffer without storage whatever the seed (its `buf == Z_NULL`
          // case); an empty piece leaves a running CRC unchanged here, as chaining needs.
          expect(crc32(view, seed)).toBe(view.length > 0 ? zlibCrc32(view, seed) : seed);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with zlib on every length from 0 to 200 at every byte offset 0 to 7', () => {
    const backing = new Uint8Array(256);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 167 + 13) & 0xff;
    for (let offset = 0; offset < 8; offset++) {
      for (let length = 0; length <= 200; length++) {
        const view = backing.subarray(offset, offset + length);
        expect(crc32(view), `offset ${offset}, length ${length}`).toBe(zlibCrc32(view));
      }
    }
  });

  it('agrees with zlib on an odd-length view at an odd offset of a shared buffer', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(70_001));
    for (let i = 0; i < shared.length; i++) shared[i] = (Math.imul(i, 2246822519) >>> 13) & 0xff;
    const view = shared.subarray(3, 3 + 65_537);
    expect(crc32(view)).toBe(zlibCrc32(Uint8Array.from(view)));
  });

  it('chains through its seed like zlib: crc32(b, crc32(a)) === crc32(a ++ b)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const joined = new Uint8Array(a.length + b.length);
        joined.set(a);
        joined.set(b, a.length);
        expect(crc32(b, crc32(a))).toBe(crc32(joined));
        expect(crc32(b, crc32(a))).toBe(zlibCrc32(b, zlibCrc32(a)));
      }),
    );
  });

  it('reads only the bytes of a view, at any byte offset', () => {
    const backing = new Uint8Array(64).map((_, i) => i * 7);
    const view = backing.subarray(3, 3 + 21);
    expect(crc32(view)).toBe(zlibCrc32(Uint8Array.from(view)));
  });
});
