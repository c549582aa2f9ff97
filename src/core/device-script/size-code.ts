/**
 * The one-byte size code of CortexProg's FlashInfoRaw (erase and write block sizes).
 *
 * - `code < 32`: size = 2^code.
 * - otherwise the top 3 bits `m = code >> 5` must be 5, 6 or 7 and the low 5 bits
 *   `e = code & 0x1F` below 30: size = m · 2^e.
 *
 * Source: CortexProg `tool/script.c` and its device-script documentation (see
 * `/work/shared/reference/cortexprog-device-scripts.md` §5.2).
 */
import { WebProgError } from '../errors';

/** Largest exponent allowed with a multiplier (the rule says `e < 30`). */
const MAX_EXPONENT = 29;

/** The size in bytes a size code stands for, or `undefined` when the code is invalid. */
export function trySizeFromCode(code: number): number | undefined {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) return undefined;
  if (code < 32) return 2 ** code;
  const multiplier = code >> 5;
  const exponent = code & 0x1f;
  if (multiplier < 5 || exponent > MAX_EXPONENT) return undefined;
  return multiplier * 2 ** exponent;
}

/**
 * The size in bytes a size code stands for. Throws `INVALID_ARGUMENT` for a code the format
 * does not define (multiplier 1–4, or exponent 30 or 31 with a multiplier).
 */
export function sizeFromCode(code: number): number {
  const size = trySizeFromCode(code);
  if (size === undefined) {
    throw new WebProgError('INVALID_ARGUMENT', `0x${hex2(code)} is not a valid flash block size code.`);
  }
  return size;
}

/**
 * The size code for `size` bytes: a power of two encodes as its log2; otherwise the size must be
 * 5, 6 or 7 times a power of two (3 · 2^e is written as 6 · 2^(e−1)). Throws `INVALID_ARGUMENT`
 * for sizes the format cannot describe.
 */
export function codeFromSize(size: number): number {
  if (Number.isInteger(size) && size >= 1) {
    let exponent = 0;
    let odd = size;
    while (odd % 2 === 0) {
      odd /= 2;
      exponent++;
    }
    if (odd === 1 && exponent < 32) return exponent;
    if (odd === 3 && exponent >= 1 && exponent - 1 <= MAX_EXPONENT) return (6 << 5) | (exponent - 1);
    if ((odd === 5 || odd === 7) && exponent <= MAX_EXPONENT) return (odd << 5) | exponent;
  }
  throw new WebProgError('INVALID_ARGUMENT', `${size} bytes cannot be written as a flash block size code.`);
}

function hex2(code: number): string {
  return Number.isInteger(code) && code >= 0
    ? code.toString(16).toUpperCase().padStart(2, '0')
    : String(code);
}
