import { describe, expect, it } from 'vitest';
import { adler32, bcc, fletcher16, fletcher32, lrc } from './classic';

const text = (s: string) => new TextEncoder().encode(s);

describe('classic checksums', () => {
  it('Fletcher-16 matches the published values ("abcde" 0xC8F0, "abcdef" 0x2057, "abcdefgh" 0x0627)', () => {
    expect(fletcher16(text('abcde'))).toBe(0xc8f0);
    expect(fletcher16(text('abcdef'))).toBe(0x2057);
    expect(fletcher16(text('abcdefgh'))).toBe(0x0627);
  });

  it('Fletcher-32 matches the published values ("abcde" 0xF04FC729, "abcdef" 0x56502D2A, "abcdefgh" 0xEBE19591)', () => {
    expect(fletcher32(text('abcde'))).toBe(0xf04fc729);
    expect(fletcher32(text('abcdef'))).toBe(0x56502d2a);
    expect(fletcher32(text('abcdefgh'))).toBe(0xebe19591);
  });

  it('Adler-32 matches RFC 1950 and zlib ("Wikipedia" 0x11E60398, empty 1)', () => {
    expect(adler32(text('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    expect(adler32(new Uint8Array(100_000).fill(0xff))).toBe(0x149a302c); // Python zlib.adler32;
  });

  it('LRC is the two’s complement of the byte sum; BCC the XOR of the bytes', () => {
    // Modbus ASCII example frame 11 03 00 6B 00 03 → LRC 0x7E.
    expect(lrc(Uint8Array.of(0x11, 0x03, 0x00, 0x6b, 0x00, 0x03))).toBe(0x7e);
    expect(lrc(new Uint8Array(0))).toBe(0);
    expect(bcc(Uint8Array.of(0x02, 0x31, 0x32, 0x03))).toBe(0x02 ^ 0x31 ^ 0x32 ^ 0x03);
    expect(bcc(text('123456789'))).toBe(0x31);
  });
});
