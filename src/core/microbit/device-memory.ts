/**
 * Which layout description a hex carries: the V1 UICR block, the V2 Flash Regions Table, or
 * none — and whether it is a MakeCode hex, which deserves its own message ("open it in
 * MakeCode") rather than "not MicroPython".
 */
import { WebProgError } from '../errors';
import type { SparseData } from '../memory';
import type { DeviceMemInfo } from './device-mem-info';
import { readFlashRegionsMemInfo } from './flash-regions';
import { looksLikeIntelHex } from './hex-text';
import { hasMicroPythonUicr, readUicrMemInfo } from './uicr';

/**
 * Device memory information from whichever description the data carries: the UICR block
 * is tried first (V1), then the Flash Regions Table (V2), as microbit-fs does.
 *
 * @throws WebProgError `NOT_MICROPYTHON` with both reasons when neither is present.
 */
export function getDeviceMemInfo(data: SparseData): DeviceMemInfo {
  if (hasMicroPythonUicr(data)) return readUicrMemInfo(data);
  try {
    return readFlashRegionsMemInfo(data);
  } catch (error) {
    if (!(error instanceof WebProgError)) throw error;
    throw new WebProgError(
      'NOT_MICROPYTHON',
      `This hex does not contain MicroPython for the micro:bit. No MicroPython UICR data; ${lowerFirst(error.message)}`,
      { address: error.address, cause: error },
    );
  }
}

/** A MakeCode project stores its metadata in RAM addresses (0x2000xxxx) or 0x0E records. */
const MAKECODE_MARKERS = /^:020000042000DA\s*$|^:[0-9A-F]{6}0E/im;

/**
 * True for hexes written by MakeCode: their embedded project lives in records for
 * 0x2000xxxx (after or before the EOF record of V1 hexes) or in Universal Hex 0x0E "other
 * data" records — the test `isMakeCodeForV1Hex` of microbit-universal-hex makes, widened to
 * Universal Hexes.
 */
export function isMakeCodeHexText(text: string): boolean {
  return looksLikeIntelHex(text) && MAKECODE_MARKERS.test(text);
}

/**
 * Error for a hex that cannot be used as MicroPython: `MAKECODE_HEX` for MakeCode hexes,
 * `FORMAT_INVALID` for text that is not a hex, otherwise `cause` (or `NOT_MICROPYTHON`).
 */
export function notMicroPythonError(text: string, cause?: unknown): WebProgError {
  if (!looksLikeIntelHex(text)) {
    return new WebProgError('FORMAT_INVALID', 'This file is not an Intel Hex file.', { cause });
  }
  if (isMakeCodeHexText(text)) {
    return new WebProgError(
      'MAKECODE_HEX',
      'This hex file was made with MakeCode. Open it in the MakeCode editor (makecode.microbit.org) instead.',
      { cause },
    );
  }
  if (cause instanceof WebProgError) return cause;
  return new WebProgError('NOT_MICROPYTHON', 'This hex does not contain MicroPython for the micro:bit.', {
    cause,
  });
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
