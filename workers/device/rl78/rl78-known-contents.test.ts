import { describe, expect, it } from 'vitest';
import { flashRegion } from '../../../src/core/memory/region';
import { allBlocks } from './rl78-blocks';
import { Rl78KnownContents, programmedOver } from './rl78-known-contents';

const [b0, b1] = allBlocks([flashRegion('Code Flash', 0, 0x800, 0x400)]);

describe('Rl78KnownContents', () => {
  it('knows nothing at first, then compares remembered bytes exactly', () => {
    const known = new Rl78KnownContents();
    const bytes = new Uint8Array(0x400).map((_, i) => i & 0xff);
    expect(known.compare(b0, bytes)).toBe('unknown');
    known.remember(b0, bytes);
    bytes[0] = 0x55; // a copy was kept
    expect(known.compare(b0, bytes)).toBe('different');
    bytes[0] = 0;
    expect(known.compare(b0, bytes)).toBe('same');
    const swapped = bytes.slice();
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    expect(known.compare(b0, swapped)).toBe('different');
    expect(known.compare(b1, bytes)).toBe('unknown');
    expect(() => known.remember(b1, bytes.subarray(1))).toThrow(RangeError);
  });

  it('blank blocks, forgetting one block and forgetting all', () => {
    const known = new Rl78KnownContents();
    known.rememberBlank(b0);
    known.rememberBlank(b1);
    expect(known.isBlank(b0)).toBe(true);
    expect(known.compare(b0, new Uint8Array(0x400).fill(0xff))).toBe('same');
    known.forget(b0);
    expect(known.isBlank(b0)).toBe(false);
    expect(known.compare(b0, new Uint8Array(0x400).fill(0xff))).toBe('unknown');
    expect(known.size).toBe(1);
    known.remember(b0, new Uint8Array(0x400));
    expect(known.isBlank(b0)).toBe(false);
    known.forgetAll();
    expect(known.size).toBe(0);
    expect(known.isBlank(b1)).toBe(false);
  });

  it('hands out copies of known contents; programming over them gives old AND new', () => {
    const known = new Rl78KnownContents();
    expect(known.contents(b0)).toBeUndefined();
    expect(known.isKnown(b0)).toBe(false);
    const old = new Uint8Array(0x400).map((_, i) => (i * 37) & 0xff);
    known.remember(b0, old);
    const copy = known.contents(b0)!;
    expect(copy).toEqual(old);
    copy[0] ^= 0xff;
    expect(known.compare(b0, old)).toBe('same');
    expect(known.isKnown(b0)).toBe(true);

    expect(
      programmedOver(Uint8Array.of(0xff, 0xf0, 0x0f, 0x00), Uint8Array.of(0x5a, 0xff, 0x3c, 0xff)),
    ).toEqual(Uint8Array.of(0x5a, 0xf0, 0x0c, 0x00));
    expect(() => programmedOver(old, new Uint8Array(3))).toThrow(RangeError);
  });
});
