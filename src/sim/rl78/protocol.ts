/**
 * The byte-level vocabulary of the RL78 boot firmware's serial programming protocol
 * ("RL78 Protocol A", Renesas application note R01AN0815): control characters, command and
 * status codes, and the frames both sides exchange. This is the simulator's own reading of the
 * application note; the host backend has its own.
 *
 * - Command frame: `SOH LEN COM data… SUM ETX`, LEN = 1 + data length (LEN 0 = 256).
 * - Data frame: `STX LEN data… SUM ETB|ETX` (ETX on the last frame of a transfer).
 * - SUM: two's complement of the byte sum of LEN, COM and data (of LEN and data in data frames).
 * - Addresses: 24-bit little-endian.
 */

/** Start of a command frame. */
export const SOH = 0x01;
/** Start of a data frame. */
export const STX = 0x02;
/** End of a command frame or of the last data frame. */
export const ETX = 0x03;
/** End of a data frame that is followed by another. */
export const ETB = 0x17;

/** The mode byte that selects single-wire UART communication on TOOL0. */
export const MODE_SINGLE_WIRE = 0x3a;
/** The mode byte that selects two-wire UART communication on TOOLTxD / TOOLRxD. */
export const MODE_TWO_WIRE = 0x00;

/** Command codes (R01AN0815 §1.3.1). */
export const Command = {
  reset: 0x00,
  verify: 0x13,
  blockErase: 0x22,
  blockBlankCheck: 0x32,
  programming: 0x40,
  baudRateSet: 0x9a,
  securitySet: 0xa0,
  securityGet: 0xa1,
  securityRelease: 0xa2,
  checksum: 0xb0,
  siliconSignature: 0xc0,
} as const;

/** Status codes (R01AN0815 §1.3.2). */
export const Status = {
  commandNumberError: 0x04,
  parameterError: 0x05,
  ack: 0x06,
  checksumError: 0x07,
  verifyError: 0x0f,
  protectError: 0x10,
  nack: 0x15,
  eraseError: 0x1a,
  blankError: 0x1b,
  writeError: 0x1c,
} as const;

/** Baud Rate Set's rate codes: the index is the code. */
export const BAUD_RATES: readonly number[] = [115_200, 250_000, 500_000, 1_000_000];

/** Two's complement of the byte sum of `bytes`, as in every frame's SUM field. */
export function frameSum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum - b) & 0xff;
  return sum;
}

/** A status or data frame from the chip: `STX LEN data SUM ETX|ETB`. */
export function dataFrame(data: Uint8Array, last = true): Uint8Array {
  const out = new Uint8Array(data.length + 4);
  out[0] = STX;
  out[1] = data.length & 0xff;
  out.set(data, 2);
  out[data.length + 2] = frameSum(out.subarray(1, data.length + 2));
  out[data.length + 3] = last ? ETX : ETB;
  return out;
}

/** A 24-bit little-endian address at `offset` of `bytes`. */
export function readAddress(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16);
}
