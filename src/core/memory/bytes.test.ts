import { describe, expect, it } from 'vitest';
import { firstDifference, sameBytes } from './bytes';

describe('byte comparisons', () => {
  it('finds the first differing byte, a prefix end, or none', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(-1);
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 3))).toBe(1);
    expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(2);
    expect(firstDifference(new Uint8Array(0), new Uint8Array(0))).toBe(-1);
  });

  it('says two arrays are the same only when length and every byte match', () => {
    expect(sameBytes(Uint8Array.of(0xff, 0), Uint8Array.of(0xff, 0))).toBe(true);
    expect(sameBytes(Uint8Array.of(0xff, 0), Uint8Array.of(0xff, 1))).toBe(false);
    expect(sameBytes(Uint8Array.of(0xff), Uint8Array.of(0xff, 0xff))).toBe(false);
  });
});
