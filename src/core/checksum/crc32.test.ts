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
