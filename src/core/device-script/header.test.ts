import { describe, expect, it } from 'vitest';
import { BUFFERS_MAGIC, RING_MAGIC, V2_MAGIC, readHeader } from './header';

/** A 0x40-byte header: version 2, the given words from 0x2C on. */
function header(words: Record<number, number>): Uint8Array {
  const image = new Uint8Array(0x40);
  const view = new DataView(image.buffer);
  view.setUint32(0x20, V2_MAGIC, true);
  for (const [offset, value] of Object.entries(words)) view.setUint32(Number(offset), value, true);
  return image;
}

describe('readHeader: staging buffers', () => {
  it('reads the second staging buffer and the further ones ("WPB2", "WPBN")', () => {
    const h = readHeader(
      header({ 0x2c: BUFFERS_MAGIC, 0x30: 0x20005000, 0x34: RING_MAGIC, 0x38: 5, 0x3c: 0x4000 }),
    );
    expect(h.secondStagingAddr).toBe(0x20005000);
    expect(h.furtherStaging).toEqual({ count: 5, stride: 0x4000 });
  });

  it('has no further buffers without "WPBN", or without a second buffer', () => {
    expect(readHeader(header({ 0x2c: BUFFERS_MAGIC, 0x30: 0x20002000 })).furtherStaging).toBeUndefined();
    const noSecond = readHeader(header({ 0x34: RING_MAGIC, 0x38: 5, 0x3c: 0x4000 }));
    expect(noSecond.secondStagingAddr).toBeUndefined();
    expect(noSecond.furtherStaging).toBeUndefined();
  });

  it('ignores a "WPBN" with a zero, unaligned or absurd count or stride', () => {
    for (const [count, stride] of [
      [0, 0x4000],
      [5, 0],
      [5, 0x4002],
      [1000, 0x4000],
    ]) {
      const h = readHeader(
        header({ 0x2c: BUFFERS_MAGIC, 0x30: 0x20005000, 0x34: RING_MAGIC, 0x38: count, 0x3c: stride }),
      );
      expect(h.secondStagingAddr).toBe(0x20005000);
      expect(h.furtherStaging).toBeUndefined();
    }
  });
});
