import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { codeFromSize, sizeFromCode, trySizeFromCode } from './size-code';

const KiB = 1024;

/** Every row of the reference's size-code table. */
const TABLE: [size: number, code: number][] = [
  [512, 0x09],
  [1 * KiB, 0x0a],
  [4 * KiB, 0x0c],
  [16 * KiB, 0x0e],
  [64 * KiB, 0x10],
  [128 * KiB, 0x11],
  [20 * KiB, 0xac],
  [24 * KiB, 0xcc],
  [28 * KiB, 0xec],
  [48 * KiB, 0xcd],
  [96 * KiB, 0xce],
];

describe('FlashInfoRaw size code', () => {
  it.each(TABLE)('%i bytes ⇄ code %i', (size, code) => {
    expect(sizeFromCode(code)).toBe(size);
    expect(codeFromSize(size)).toBe(code);
  });

  it('decodes every power-of-two code 0..31', () => {
    for (let code = 0; code < 32; code++) expect(sizeFromCode(code)).toBe(2 ** code);
  });

  it('decodes multiplier codes 5, 6 and 7 with exponents up to 29', () => {
    expect(sizeFromCode((5 << 5) | 0)).toBe(5);
    expect(sizeFromCode((7 << 5) | 29)).toBe(7 * 2 ** 29);
    expect(sizeFromCode((6 << 5) | 1)).toBe(12);
  });

  it.each([
    ['multiplier 1', 0x20],
    ['multiplier 2', 0x4c],
    ['multiplier 3', 0x6c],
    ['multiplier 4', 0x8c],
    ['exponent 30', (5 << 5) | 30],
    ['exponent 31', (7 << 5) | 31],
  ])('rejects %s', (_why, code) => {
    expect(trySizeFromCode(code)).toBeUndefined();
    expect(() => sizeFromCode(code)).toThrowError(WebProgError);
  });

  it('rejects values that are not a byte', () => {
    expect(trySizeFromCode(256)).toBeUndefined();
    expect(trySizeFromCode(-1)).toBeUndefined();
    expect(trySizeFromCode(1.5)).toBeUndefined();
  });

  it.each([0, 3, 9, 11, 1.5, 13 * KiB, 2 ** 32])('cannot encode %s bytes', (size) => {
    expect(() => codeFromSize(size)).toThrowError(/cannot be written/);
  });

  it('writes a factor of 3 as 6 · 2^(e−1) and round-trips every valid code', () => {
    expect(codeFromSize(3 * 2 ** 14)).toBe((6 << 5) | 13);
    for (let code = 0; code < 256; code++) {
      const size = trySizeFromCode(code);
      if (size !== undefined) expect(sizeFromCode(codeFromSize(size))).toBe(size);
    }
  });
});
