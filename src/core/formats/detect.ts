/**
 * Tells file formats apart: by content first (ELF magic, UF2 magics, text starting with an
 * Intel Hex record, a Universal Hex's Block Start record, an S-record), then by the file name's
 * extension.
 */
import type { FileFormat } from './types';
import { isElf } from './elf';
import { UF2_MAGIC_START0, UF2_MAGIC_START1 } from './uf2';
import { isUniversalHex } from './universal-hex';
import { decodeText } from './text-codec';
import { looksLikeSrec } from './srec';

const HEX_EXTENSIONS = ['hex', 'ihex', 'ihx', 'h86', 'a43'];
const ELF_EXTENSIONS = ['elf', 'axf', 'out'];
const SREC_EXTENSIONS = ['srec', 's19', 's28', 's37', 'mot', 's', 'sx', 'mhx', 'exo'];

/**
 * The format of a file: content first, then the extension (`.hex` → Intel Hex even if the
 * content is broken, so the parser can say what is wrong); anything else is `bin`.
 */
export function detectFormat(name: string, bytes: Uint8Array): FileFormat {
  if (isElf(bytes)) return 'elf';
  if (isUf2(bytes)) return 'uf2';
  const head = decodeText(bytes.subarray(0, 2048));
  if (/^\s*:[0-9A-Fa-f]{10}/.test(head.charCodeAt(0) === 0xfeff ? head.slice(1) : head)) {
    return isUniversalHex(head) ? 'universal-hex' : 'intel-hex';
  }
  if (looksLikeSrec(head)) return 'srec';
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  if (HEX_EXTENSIONS.includes(extension)) return 'intel-hex';
  if (SREC_EXTENSIONS.includes(extension)) return 'srec';
  if (extension === 'uf2') return 'uf2';
  if (ELF_EXTENSIONS.includes(extension)) return 'elf';
  return 'bin';
}

/** True when `bytes` start with a UF2 block's two magic numbers. */
function isUf2(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0, true) === UF2_MAGIC_START0 && view.getUint32(4, true) === UF2_MAGIC_START1;
}
