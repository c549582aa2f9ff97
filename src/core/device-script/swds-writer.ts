/**
 * Writes a `.swds` file from its parts: the inverse of {@link parseSwds}. Used to make scripts
 * with unusual footers in tests, and by tools that wrap an existing image.
 */
import { WebProgError } from '../errors';
import { CHECK_VALUE_SIZE, FOOTER_SIZE, PID_WORDS, type CheckValue } from './swds-file';

/** The parts of a `.swds` file. */
export interface SwdsParts {
  /** Uploaded image, header first. */
  image: Uint8Array;
  /** Load address. */
  loadAddr: number;
  /** Staging address. */
  stagingAddr: number;
  /** Check values (default none). */
  checkValues?: readonly CheckValue[];
  /** Footer targetid (default 0). */
  targetId?: number;
  /** 8 PID masks (default all 0). */
  pidMasks?: readonly number[];
  /** 8 PID values (default all 0). */
  pidValues?: readonly number[];
  /** Family name: printable ASCII without NUL. */
  name: string;
}

/** Serialises `parts` as a `.swds` file. Throws `INVALID_ARGUMENT` for a bad name or PID list. */
export function encodeSwds(parts: SwdsParts): Uint8Array {
  const checks = parts.checkValues ?? [];
  const masks = parts.pidMasks ?? new Array<number>(PID_WORDS).fill(0);
  const values = parts.pidValues ?? new Array<number>(PID_WORDS).fill(0);
  if (masks.length !== PID_WORDS || values.length !== PID_WORDS) {
    throw new WebProgError('INVALID_ARGUMENT', `A device script needs ${PID_WORDS} PID masks and values.`);
  }
  if (!/^[\x20-\x7e]*$/.test(parts.name)) {
    throw new WebProgError('INVALID_ARGUMENT', `Device script name "${parts.name}" must be printable ASCII.`);
  }
  const checksAt = parts.image.length;
  const footerAt = checksAt + checks.length * CHECK_VALUE_SIZE;
  const bytes = new Uint8Array(footerAt + FOOTER_SIZE + parts.name.length);
  bytes.set(parts.image, 0);
  const view = new DataView(bytes.buffer);
  const put = (offset: number, value: number): void => view.setUint32(offset, value >>> 0, true);
  checks.forEach((c, i) => {
    put(checksAt + i * CHECK_VALUE_SIZE, c.address);
    put(checksAt + i * CHECK_VALUE_SIZE + 4, c.mask);
    put(checksAt + i * CHECK_VALUE_SIZE + 8, c.value);
  });
  put(footerAt, parts.loadAddr);
  put(footerAt + 0x04, parts.stagingAddr);
  put(footerAt + 0x08, checks.length);
  put(footerAt + 0x0c, parts.targetId ?? 0);
  for (let i = 0; i < PID_WORDS; i++) {
    put(footerAt + 0x10 + i * 4, masks[i]);
    put(footerAt + 0x30 + i * 4, values[i]);
  }
  put(footerAt + 0x50, 0);
  for (let i = 0; i < parts.name.length; i++) bytes[footerAt + FOOTER_SIZE + i] = parts.name.charCodeAt(i);
  return bytes;
}
