/**
 * The classic small checksums MultiProg's `mp.checksum` offers beside CRCs: Fletcher-16,
 * Fletcher-32, Adler-32, the longitudinal redundancy check (LRC) and the block check character
 * (BCC). Definitions: Fletcher, "An Arithmetic Checksum for Serial Transmissions" (IEEE Trans.
 * Comm. 1982) with the modulo-255 / modulo-65535 sums; Adler-32 from RFC 1950 §9; LRC as the
 * two's complement of the 8-bit byte sum (Modbus ASCII, IEC 1155); BCC as the XOR of all bytes.
 */

/** Fletcher-16 over bytes: `(sum2 << 8) | sum1`, both sums modulo 255. */
export function fletcher16(bytes: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  for (let i = 0; i < bytes.length; i++) {
    sum1 = (sum1 + bytes[i]) % 255;
    sum2 = (sum2 + sum1) % 255;
  }
  return (sum2 << 8) | sum1;
}

/**
 * Fletcher-32 over 16-bit little-endian words (an odd last byte is padded with zero):
 * `(sum2 << 16) | sum1`, both sums modulo 65535. "abcde" → 0xF04FC729.
 */
export function fletcher32(bytes: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    const word = bytes[i] | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
    sum1 = (sum1 + word) % 65535;
    sum2 = (sum2 + sum1) % 65535;
  }
  return ((sum2 << 16) | sum1) >>> 0;
}

/** Adler-32 (RFC 1950): `(b << 16) | a`, a starting at 1, both modulo 65521. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Longitudinal redundancy check: the two's complement of the 8-bit sum of the bytes. */
export function lrc(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]) & 0xff;
  return -sum & 0xff;
}

/** Block check character: the XOR of all bytes. */
export function bcc(bytes: Uint8Array): number {
  let x = 0;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
  return x;
}
