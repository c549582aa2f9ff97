/**
 * Opening and saving files in any supported format: detect the format, read it into sparse
 * data with warnings, or write sparse data back out.
 */
import { WebProgError, toWebProgError } from '../errors';
import type { SparseData } from '../memory';
import type { LoadOptions, LoadedFile, SaveFormat, SaveOptions } from './types';
import { detectFormat } from './detect';
import { readIntelHex, writeIntelHex } from './intel-hex';
import { readUniversalHex, selectBoard } from './universal-hex';
import { readUf2, writeUf2 } from './uf2';
import { parseElf } from './elf';
import { readBin, writeBin } from './bin';
import { readSrec, writeSrec } from './srec';
import { decodeText, encodeText } from './text-codec';

/**
 * Opens a file of any supported format. For a Universal Hex `data` is the program for
 * `options.boardId` (or a board of the same micro:bit generation), else the first board.
 * Every failure is a `WebProgError` with `file` set to `name` (and `line` for text formats).
 */
export function loadFile(name: string, bytes: Uint8Array, options: LoadOptions = {}): LoadedFile {
  try {
    return load(name, bytes, options);
  } catch (error) {
    if (error instanceof WebProgError) {
      if (error.file !== undefined) throw error;
      throw new WebProgError(error.code, error.message, {
        address: error.address,
        line: error.line,
        file: name,
        cause: error.cause,
      });
    }
    throw toWebProgError(error, 'FORMAT_INVALID', { file: name });
  }
}

function load(name: string, bytes: Uint8Array, options: LoadOptions): LoadedFile {
  const format = detectFormat(name, bytes);
  switch (format) {
    case 'intel-hex': {
      const { data, warnings } = readIntelHex(decodeText(bytes), name);
      return { name, format, data, warnings };
    }
    case 'universal-hex': {
      const { boards, warnings } = readUniversalHex(decodeText(bytes), name);
      const chosen = options.boardId === undefined ? boards[0] : selectBoard(boards, options.boardId);
      return {
        name,
        format,
        data: chosen.data,
        boards: boards.map(({ boardId, data }) => ({ boardId, data })),
        warnings,
      };
    }
    case 'srec': {
      const { data, entry, warnings } = readSrec(decodeText(bytes), name);
      return entry === undefined ? { name, format, data, warnings } : { name, format, data, entry, warnings };
    }
    case 'uf2': {
      const { data, familyId, warnings } = readUf2(bytes);
      return familyId === undefined
        ? { name, format, data, warnings }
        : { name, format, data, familyId, warnings };
    }
    case 'elf': {
      const { data, entry } = parseElf(bytes);
      return { name, format, data, entry, warnings: [] };
    }
    case 'bin':
      return { name, format, data: readBin(bytes, options.binBase ?? 0), warnings: [] };
  }
}

/**
 * Writes sparse data as Intel Hex (`recordSize`), S-records (`recordSize`, `header`, `entry`),
 * a binary image (`fill`, default 0xFF) or UF2 (`familyId`); `start`/`end` limit the range
 * written.
 */
export function saveFile(data: SparseData, format: SaveFormat, options: SaveOptions = {}): Uint8Array {
  const { start, end } = options;
  const range =
    start === undefined && end === undefined ? data : data.slice(start ?? 0, end ?? 0x1_0000_0000);
  switch (format) {
    case 'intel-hex':
      return encodeText(writeIntelHex(range, { recordSize: options.recordSize === 32 ? 32 : 16 }));
    case 'srec':
      return encodeText(
        writeSrec(range, { recordSize: options.recordSize, header: options.header, entry: options.entry }),
      );
    case 'bin':
      return writeBin(data, { fill: options.fill, start, end });
    case 'uf2':
      return writeUf2(range, { familyId: options.familyId });
    default:
      throw new WebProgError('INVALID_ARGUMENT', `Cannot save in format "${String(format)}".`);
  }
}
