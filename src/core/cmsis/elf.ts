/**
 * A minimal reader of 32-bit little-endian ELF files (what a CMSIS `.FLM` is): the section
 * headers with their names and the symbol table. Every offset is checked against the file, so
 * a truncated or damaged file gives a FORMAT_INVALID naming what is missing.
 */
import { WebProgError } from '../errors';
import { latin1 } from './bytes';

/** One section of an ELF file. */
export interface ElfSection {
  /** Name from the section-name string table. */
  name: string;
  /** sh_type (1 PROGBITS, 8 NOBITS, 2 SYMTAB, 3 STRTAB...). */
  type: number;
  /** sh_flags. */
  flags: number;
  /** sh_addr: where the section runs. */
  address: number;
  /** File offset of its bytes. */
  offset: number;
  /** Size in bytes. */
  size: number;
  /** The bytes (empty for NOBITS sections). */
  data: Uint8Array;
}

/** One symbol of the symbol table. */
export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** Index of the section the symbol is defined in (0 when undefined). */
  section: number;
}

/** A parsed ELF file. */
export interface ElfFile {
  /** e_machine (40 = ARM). */
  machine: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
}

/** sh_type of a section without file bytes (.bss-like). */
export const SHT_NOBITS = 8;
const SHT_SYMTAB = 2;

/** Parses a 32-bit little-endian ELF file; `file` names it in errors. */
export function parseElf(bytes: Uint8Array, file: string): ElfFile {
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `${file} is not a usable ELF file: ${why}.`, { file });
  };
  if (bytes.length < 52) fail(`it is ${bytes.length} bytes long, shorter than an ELF header`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    fail('it does not begin with the ELF magic');
  if (bytes[4] !== 1) fail('it is not a 32-bit ELF file');
  if (bytes[5] !== 1) fail('it is not little-endian');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const machine = u16(18);
  const shoff = u32(32);
  const shentsize = u16(46);
  const shnum = u16(48);
  const shstrndx = u16(50);
  if (shnum === 0) fail('it has no section headers');
  if (shentsize < 40) fail(`its section header size ${shentsize} is too small`);
  if (shoff + shnum * shentsize > bytes.length)
    fail(
      `its section headers end at ${shoff + shnum * shentsize}, past its end (${bytes.length} bytes): the file is truncated`,
    );
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = shoff + i * shentsize;
    return {
      nameOffset: u32(h),
      type: u32(h + 4),
      flags: u32(h + 8),
      address: u32(h + 12),
      offset: u32(h + 16),
      size: u32(h + 20),
      link: u32(h + 24),
      entsize: u32(h + 36),
    };
  });
  for (const [i, s] of raw.entries()) {
    if (s.type !== SHT_NOBITS && s.type !== 0 && s.offset + s.size > bytes.length)
      fail(
        `section ${i} ends at ${s.offset + s.size}, past the file's end (${bytes.length} bytes): the file is truncated`,
      );
  }
  if (shstrndx >= shnum) fail('its section-name table index is out of range');
  const strings = (table: number, at: number): string => {
    const t = raw[table];
    if (at >= t.size) fail(`a name offset ${at} lies outside its string table`);
    let end = t.offset + at;
    while (end < t.offset + t.size && bytes[end] !== 0) end++;
    return latin1(bytes.subarray(t.offset + at, end));
  };
  const sections: ElfSection[] = raw.map((s) => ({
    name: strings(shstrndx, s.nameOffset),
    type: s.type,
    flags: s.flags,
    address: s.address,
    offset: s.offset,
    size: s.size,
    data: s.type === SHT_NOBITS ? new Uint8Array(0) : bytes.subarray(s.offset, s.offset + s.size),
  }));
  const symbols: ElfSymbol[] = [];
  const symtab = raw.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    if (symtab.link >= shnum) fail('its symbol table names no string table');
    const size = symtab.entsize || 16;
    for (let at = symtab.offset; at + 16 <= symtab.offset + symtab.size; at += size) {
      symbols.push({
        name: strings(symtab.link, u32(at)),
        value: u32(at + 4),
        size: u32(at + 8),
        section: u16(at + 14),
      });
    }
  }
  return { machine, sections, symbols };
}
