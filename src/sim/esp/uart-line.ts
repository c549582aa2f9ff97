/**
 * What a UART receiver makes of bytes sent at a different baud rate. A receiver tolerates a
 * few percent of rate error; beyond that it samples the wrong bits, so each byte turns into
 * some other byte. The garbling here is deterministic (it depends on the byte, its position
 * and the two rates) so tests are repeatable; framing-error byte counts are not modeled.
 */

/** Largest relative baud mismatch a UART receiver tolerates (8N1, sampling at mid-bit). */
export const BAUD_TOLERANCE = 0.03;

/** Whether a receiver at `rxBaud` decodes bytes sent at `txBaud` correctly. */
export function baudMatches(txBaud: number, rxBaud: number): boolean {
  return Math.abs(txBaud - rxBaud) / rxBaud <= BAUD_TOLERANCE;
}

/** The bytes a receiver at `rxBaud` sees when `bytes` are sent at `txBaud`. */
export function receiveAtBaud(bytes: Uint8Array, txBaud: number, rxBaud: number): Uint8Array {
  if (baudMatches(txBaud, rxBaud)) return bytes;
  const out = new Uint8Array(bytes.length);
  let state = (txBaud * 31 + rxBaud) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    // xorshift32 mixed with the byte: never the original byte.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const garbled = (bytes[i] ^ (state & 0xff) ^ 0x5a) & 0xff;
    out[i] = garbled === bytes[i] ? garbled ^ 0x80 : garbled;
  }
  return out;
}
