/**
 * The legacy V1 "appended script": before the filesystem existed, editors stored one Python
 * script at 0x3E000 as `"MP"`, a u16 little-endian length and the UTF-8 code (block at most
 * 8 KiB, up to the end of V1 flash). Format from bbcmicrobit/micropython
 * `docs/devguide/hexformat.rst` and microbit-fs `micropython-appended.ts` (MIT).
 */
import { WebProgError } from '../errors';
import type { SparseData } from '../memory';
import { utf8Decode, utf8Encode } from './utf8';

/** Address of the appended script block. */
export const APPENDED_SCRIPT_ADDRESS = 0x3e000;
/** Largest appended script block (header included). */
export const APPENDED_SCRIPT_MAX_BLOCK = 0x2000;
const HEADER_LENGTH = 4;
/** Old DAPLink versions need whole 16-byte records, so the block is padded to 16 bytes. */
const BLOCK_ALIGN = 16;

/** True when `data` holds an "MP" block at 0x3E000. */
export function hasAppendedScript(data: SparseData): boolean {
  const header = data.read(APPENDED_SCRIPT_ADDRESS, 2);
  return header[0] === 0x4d && header[1] === 0x50;
}

/** Bytes the appended block occupies (header, code, padding to 16 bytes). */
export function appendedScriptBlockLength(codeLength: number): number {
  return Math.ceil((HEADER_LENGTH + codeLength) / BLOCK_ALIGN) * BLOCK_ALIGN;
}

/**
 * The script stored at 0x3E000, or undefined when there is none. NUL bytes are removed, as
 * the old editors padded with them.
 */
export function readAppendedScript(data: SparseData): string | undefined {
  if (!hasAppendedScript(data)) return undefined;
  const lengthBytes = data.read(APPENDED_SCRIPT_ADDRESS + 2, 2);
  const declared = lengthBytes[0] | (lengthBytes[1] << 8);
  const length = Math.min(declared, APPENDED_SCRIPT_MAX_BLOCK - HEADER_LENGTH);
  const code = data.read(APPENDED_SCRIPT_ADDRESS + HEADER_LENGTH, length, 0);
  return utf8Decode(code).replace(/\0/g, '');
}

/** Removes the appended script block (only the bytes it occupies). */
export function removeAppendedScript(data: SparseData): void {
  if (!hasAppendedScript(data)) return;
  const lengthBytes = data.read(APPENDED_SCRIPT_ADDRESS + 2, 2);
  const length = Math.min(
    appendedScriptBlockLength(lengthBytes[0] | (lengthBytes[1] << 8)),
    APPENDED_SCRIPT_MAX_BLOCK,
  );
  data.clear(APPENDED_SCRIPT_ADDRESS, APPENDED_SCRIPT_ADDRESS + length);
}

/**
 * Writes `code` as an appended script block into V1 MicroPython `data`.
 *
 * @throws WebProgError `FS_FULL` when the block would exceed 8 KiB.
 */
export function writeAppendedScript(data: SparseData, code: string): void {
  const bytes = utf8Encode(code);
  const blockLength = appendedScriptBlockLength(bytes.length);
  if (blockLength > APPENDED_SCRIPT_MAX_BLOCK) {
    throw new WebProgError(
      'FS_FULL',
      `The script is too long for the appended-script format: it needs ${blockLength} bytes but at most ${APPENDED_SCRIPT_MAX_BLOCK} fit.`,
    );
  }
  const block = new Uint8Array(blockLength);
  block[0] = 0x4d;
  block[1] = 0x50;
  block[2] = bytes.length & 0xff;
  block[3] = bytes.length >> 8;
  block.set(bytes, HEADER_LENGTH);
  data.write(APPENDED_SCRIPT_ADDRESS, block);
}
