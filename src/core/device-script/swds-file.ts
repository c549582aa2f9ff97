/**
 * Parses a CortexProg device script file (`.swds`) exactly as CortexProg's host does
 * (`tool/scriptfiles.c`; `/work/shared/reference/cortexprog-device-scripts.md` §1):
 *
 * ```
 * [ image: uploaded to loadAddr, header first ]
 * [ numCheckvals × { u32 addr, u32 mask, u32 value } ]
 * [ footer, 84 bytes: loadAddr, stagingAddr, numCheckvals, targetid,
 *   cpuidAnd[8], cpuidVal[8], u32 zero ]
 * [ ASCII name, no terminator ]
 * ```
 *
 * Scan back from the end to the first 0x00 byte (the last byte of the footer's zero word): the
 * name follows it, the footer is the 84 bytes ending there, the check values precede the
 * footer, and the uploaded size is the file offset of the first check value.
 */
import { WebProgError, formatAddress } from '../errors';
import { V1_HEADER_SIZE, readHeader, type ScriptHeader } from './header';

/** Bytes in the fixed footer. */
export const FOOTER_SIZE = 84;
/** Bytes per check value. */
export const CHECK_VALUE_SIZE = 12;
/** Number of ROM-table PID words matched. */
export const PID_WORDS = 8;

/** A word the host reads before choosing the script: `(word(address) & mask) === value`. */
export interface CheckValue {
  /** Address to read (unreadable means no match). */
  address: number;
  /** Mask applied to the word read. */
  mask: number;
  /** Expected masked value (mask = value = 0: the address only has to be readable). */
  value: number;
}

/** A parsed device script. */
export interface DeviceScript {
  /** Chip-family name from the end of the file. */
  name: string;
  /** File name it came from (for messages). */
  file: string;
  /** The part uploaded to `loadAddr` (header first). */
  image: Uint8Array;
  /** Where the image runs. */
  loadAddr: number;
  /** RAM buffer that receives one write block before `pageWrite`. */
  stagingAddr: number;
  /** SWD multidrop target id (read, not used for matching). */
  targetId: number;
  /** Words checked on the chip before the script is tried. */
  checkValues: CheckValue[];
  /** Masks for the ROM table's PID4..PID7, PID0..PID3. */
  pidMasks: number[];
  /** Expected masked PID4..PID7, PID0..PID3. */
  pidValues: number[];
  /** Entries offered by the header and the format version. */
  header: ScriptHeader;
}

/**
 * Parses `bytes` (a `.swds` file). Throws `FORMAT_INVALID` naming `file` and the field at fault
 * when the file has no footer, the check values do not fit, the footer's zero word is not zero,
 * the image is shorter than the 32-byte header, or an address is misaligned.
 */
export function parseSwds(bytes: Uint8Array, file: string): DeviceScript {
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `Device script ${file}: ${why}.`, { file });
  };
  let zeroAt = bytes.length - 1;
  while (zeroAt >= 0 && bytes[zeroAt] !== 0) zeroAt--;
  if (zeroAt < 0) fail('no footer (the file holds no zero byte)');
  const footer = zeroAt + 1 - FOOTER_SIZE;
  if (footer < 0) fail(`the file is too short for the ${FOOTER_SIZE}-byte footer`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (offset: number): number => view.getUint32(offset, true);
  if (word(footer + 0x50) !== 0) fail('the footer zero word is not zero');

  const numCheckvals = word(footer + 0x08);
  const checksStart = footer - numCheckvals * CHECK_VALUE_SIZE;
  if (numCheckvals > footer || checksStart < V1_HEADER_SIZE) {
    fail(`${numCheckvals} check values leave no room for the ${V1_HEADER_SIZE}-byte header`);
  }
  const checkValues: CheckValue[] = [];
  for (let i = 0; i < numCheckvals; i++) {
    const at = checksStart + i * CHECK_VALUE_SIZE;
    checkValues.push({ address: word(at), mask: word(at + 4), value: word(at + 8) });
  }

  const loadAddr = word(footer);
  const stagingAddr = word(footer + 0x04);
  if (loadAddr % 4 !== 0) fail(`load address ${formatAddress(loadAddr)} is not word-aligned`);
  if (stagingAddr % 4 !== 0) fail(`staging address ${formatAddress(stagingAddr)} is not word-aligned`);

  const image = bytes.slice(0, checksStart);
  return {
    name: latin1(bytes.subarray(zeroAt + 1)),
    file,
    image,
    loadAddr,
    stagingAddr,
    targetId: word(footer + 0x0c),
    checkValues,
    pidMasks: Array.from({ length: PID_WORDS }, (_, i) => word(footer + 0x10 + i * 4)),
    pidValues: Array.from({ length: PID_WORDS }, (_, i) => word(footer + 0x30 + i * 4)),
    header: readHeader(image),
  };
}

/** One character per byte (the name is plain ASCII in every known script). */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}
