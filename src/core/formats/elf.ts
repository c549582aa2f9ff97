/**
 * ELF executables (System V ABI, "Program Header" chapter): the bytes of every loadable
 * segment (PT_LOAD with file data) at its physical address, which is where a flasher puts
 * them (`arm-none-eabi-objcopy -O binary` does the same). 32- and 64-bit, either byte order.
 */
import { WebProgError, formatAddress } from '../errors';
import type { SparseData } from '../memory';
import { RunBuilder } from './run-builder';

/** The first four bytes of every ELF file: 0x7F 'E' 'L' 'F'. */
export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

const PT_LOAD = 1;
const PN_XNUM = 0xffff;
const ADDRESS_LIMIT = 0x1_0000_0000;

/** Field offsets and sizes that differ between 32- and 64-bit ELF. */
interface ElfLayout {
  headerSize: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  ph: { size: number; type: number; offset: number; paddr: number; filesz: number };
}

const ELF32: ElfLayout = {
  headerSize: 52,
  entry: 24,
  phoff: 28,
  phentsize: 42,
  phnum: 44,
  ph: { size: 32, type: 0, offset: 4, paddr: 12, filesz: 16 },
};

const ELF64: ElfLayout = {
  headerSize: 64,
  entry: 24,
  phoff: 32,
  phentsize: 54,
  phnum: 56,
  ph: { size: 56, type: 0, offset: 8, paddr: 24, filesz: 32 },
};

/** True when `bytes` start with the ELF magic number. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Reads the loadable segments of an ELF file at their physical addresses (p_paddr, p_filesz
 * bytes each) and the entry point. Throws `FORMAT_INVALID` for a truncated or malformed
 * file, `FORMAT_UNSUPPORTED` for an ELF without program headers (an object file),
 * `FORMAT_RANGE` for data past 4 GiB and `FORMAT_OVERLAP` for overlapping segments. Segments
 * that together hold more bytes than the file (file ranges read twice) are `FORMAT_INVALID`,
 * which keeps memory within about three times the file size.
 */
export function parseElf(bytes: Uint8Array): { data: SparseData; entry: number } {
  if (!isElf(bytes)) throw invalid('the file does not start with the ELF magic number.');
  if (bytes.length < 6) throw invalid('the ELF header is cut short.');
  const elfClass = bytes[4];
  const byteOrder = bytes[5];
  if (elfClass !== 1 && elfClass !== 2) throw invalid(`unknown ELF class ${elfClass} (expected 1 or 2).`);
  if (byteOrder !== 1 && byteOrder !== 2)
    throw invalid(`unknown ELF byte order ${byteOrder} (expected 1 or 2).`);
  const layout = elfClass === 1 ? ELF32 : ELF64;
  if (bytes.length < layout.headerSize) {
    throw invalid(`the ELF header is cut short (${bytes.length} of ${layout.headerSize} bytes).`);
  }
  const reader = new FieldReader(bytes, byteOrder === 1, elfClass === 2);
  const entry = reader.word(layout.entry);
  const phoff = reader.word(layout.phoff);
  const phentsize = reader.u16(layout.phentsize);
  const phnum = reader.u16(layout.phnum);
  if (phnum === 0) {
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      'This ELF file has no program headers: it is an object file, not a linked program.',
    );
  }
  if (phnum === PN_XNUM)
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      'ELF files with 65535 or more program headers are not supported.',
    );
  if (phentsize < layout.ph.size)
    throw invalid(`program header size ${phentsize} is below ${layout.ph.size}.`);
  if (phoff + phnum * phentsize > bytes.length) {
    throw invalid(
      `the program headers (${phnum} at byte ${phoff}) run past the end of the file (cut short?).`,
    );
  }
  const runs = new RunBuilder(phnum, bytes.length);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (reader.u32(at + layout.ph.type) !== PT_LOAD) continue;
    const offset = reader.word(at + layout.ph.offset);
    const paddr = reader.word(at + layout.ph.paddr);
    const filesz = reader.word(at + layout.ph.filesz);
    if (filesz === 0) continue;
    if (offset + filesz > bytes.length) {
      throw invalid(
        `segment ${i} (${filesz} bytes at byte ${offset}) runs past the end of the file (cut short?).`,
      );
    }
    if (paddr + filesz > ADDRESS_LIMIT) {
      throw new WebProgError(
        'FORMAT_RANGE',
        `ELF segment ${i}: ${filesz} bytes at 0x${paddr.toString(16).toUpperCase()} run past 4 GiB.`,
        paddr < ADDRESS_LIMIT ? { address: paddr } : {},
      );
    }
    if (runs.byteCount + filesz > bytes.length) {
      // Segments of a linked program hold disjoint parts of the file; segments that read the
      // same file bytes again and again would turn a small file into gigabytes of data.
      throw invalid(
        `the loadable segments up to segment ${i} hold more bytes than the file's ${bytes.length}: they read the same file bytes more than once.`,
      );
    }
    runs.add(paddr, bytes, i, offset, filesz);
  }
  const built = runs.finish();
  if (built.overlap !== undefined) {
    const { tag, earlierTag, address } = built.overlap;
    throw new WebProgError(
      'FORMAT_OVERLAP',
      `ELF segment ${tag}: data at ${formatAddress(address)} overlaps segment ${earlierTag}.`,
      { address },
    );
  }
  return { data: built.data, entry };
}

/** Reads header fields in the file's byte order; `word` is 4 or 8 bytes by class. */
class FieldReader {
  private readonly view: DataView;

  constructor(
    bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly wide: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(at: number): number {
    return this.view.getUint16(at, this.littleEndian);
  }

  u32(at: number): number {
    return this.view.getUint32(at, this.littleEndian);
  }

  /** An address or size; 64-bit values above 2^53 become inexact but stay out of range. */
  word(at: number): number {
    return this.wide ? Number(this.view.getBigUint64(at, this.littleEndian)) : this.u32(at);
  }
}

function invalid(reason: string): WebProgError {
  return new WebProgError('FORMAT_INVALID', `Not a valid ELF file: ${reason}`);
}
