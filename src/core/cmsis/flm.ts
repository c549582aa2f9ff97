/**
 * Loads a CMSIS flash algorithm from its `.FLM` file (an ELF file): the execution regions
 * PrgCode (code) and PrgData (RW data, then ZI data zero-filled) become one position-
 * independent image, the entry points come from the symbols Init, UnInit, EraseChip,
 * EraseSector, ProgramPage and the optional Verify and BlankCheck, and the flash description
 * from the symbol FlashDevice (section DevDscr).
 */
import { WebProgError } from '../errors';
import { checkEntries, type CmsisAlgorithm, type CmsisEntries } from './algorithm';
import { parseElf, SHT_NOBITS, type ElfFile } from './elf';
import { parseFlashDevice } from './flash-device';

const ENTRY_SYMBOLS: [keyof CmsisEntries, string, boolean][] = [
  ['init', 'Init', false],
  ['uninit', 'UnInit', false],
  ['eraseChip', 'EraseChip', false],
  ['eraseSector', 'EraseSector', true],
  ['programPage', 'ProgramPage', true],
  ['verify', 'Verify', false],
  ['blankCheck', 'BlankCheck', false],
];

/** Parses a `.FLM`; `file` names it in errors (FORMAT_INVALID for anything unusable). */
export function parseFlm(bytes: Uint8Array, file: string): CmsisAlgorithm {
  const elf = parseElf(bytes, file);
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `${file} is not a CMSIS flash algorithm: ${why}.`, { file });
  };
  if (elf.machine !== 40) fail(`it is for machine ${elf.machine}, not ARM`);
  const code = elf.sections.find((s) => s.name === 'PrgCode' && s.type !== SHT_NOBITS);
  if (!code) fail('it has no PrgCode section');
  const data = elf.sections.filter((s) => s.name === 'PrgData');
  const dataStart = data.length > 0 ? Math.min(...data.map((s) => s.address)) : code!.address + code!.size;
  const end = Math.max(code!.address + code!.size, ...data.map((s) => s.address + s.size));
  if (dataStart < code!.address + code!.size && data.length > 0) fail('its PrgData overlaps PrgCode');
  const instructions = new Uint8Array(end - code!.address);
  instructions.set(code!.data, 0);
  for (const s of data) if (s.type !== SHT_NOBITS) instructions.set(s.data, s.address - code!.address);
  const symbol = (name: string) => elf.symbols.find((s) => s.name === name && s.section !== 0);
  const entries: Partial<CmsisEntries> = {};
  for (const [key, name, required] of ENTRY_SYMBOLS) {
    const sym = symbol(name);
    if (!sym) {
      if (required) fail(`it has no ${name} function`);
      continue;
    }
    entries[key] = (sym.value & ~1) - code!.address;
  }
  const device = flashDeviceBytes(elf, file);
  const flash = parseFlashDevice(device, file);
  const algo: CmsisAlgorithm = {
    name: file.replace(/^.*[\\/]/, '').replace(/\.flm$/i, ''),
    instructions,
    dataSectionOffset: dataStart - code!.address,
    entries: entries as CmsisEntries,
    flash,
  };
  checkEntries(algo);
  return algo;
}

/** The bytes of the FlashDevice symbol (its section DevDscr, from the symbol's address). */
function flashDeviceBytes(elf: ElfFile, file: string): Uint8Array {
  const sym = elf.symbols.find((s) => s.name === 'FlashDevice' && s.section !== 0);
  const section = sym ? elf.sections[sym.section] : elf.sections.find((s) => s.name === 'DevDscr');
  if (!section || section.type === SHT_NOBITS) {
    throw new WebProgError('FORMAT_INVALID', `${file} has no FlashDevice description (section DevDscr).`, {
      file,
    });
  }
  const from = sym ? sym.value - section.address : 0;
  if (from < 0 || from >= section.data.length) {
    throw new WebProgError('FORMAT_INVALID', `${file}: the FlashDevice symbol lies outside its section.`, {
      file,
    });
  }
  return section.data.subarray(from);
}
