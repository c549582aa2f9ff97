/** The public types of the file-format layer. */
import type { SparseData } from '../memory';

/** A format WebProg can open. */
export type FileFormat = 'intel-hex' | 'universal-hex' | 'bin' | 'uf2' | 'elf';

/** A format WebProg can write. */
export type SaveFormat = 'intel-hex' | 'bin' | 'uf2';

/** How to open a file. */
export interface LoadOptions {
  /** Address where a raw binary starts (default 0). */
  binBase?: number;
  /** Board id whose program to take from a Universal Hex (default: the first board). */
  boardId?: number;
}

/** An opened file. */
export interface LoadedFile {
  /** File name as given. */
  name: string;
  /** Detected format. */
  format: FileFormat;
  /** The bytes to program, at their absolute addresses. */
  data: SparseData;
  /** Universal Hex: every board's data, in file order. */
  boards?: { boardId: number; data: SparseData }[];
  /** UF2: family id of the blocks read. */
  familyId?: number;
  /** ELF: entry point. */
  entry?: number;
  /** Things a person should know, e.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/** How to write a file. */
export interface SaveOptions {
  /** Intel Hex data bytes per record (default 16). */
  recordSize?: 16 | 32;
  /** Binary: value of bytes without data (default 0xFF). */
  fill?: number;
  /** First address to write (default: the data's start). */
  start?: number;
  /** One past the last address to write (default: the data's end). */
  end?: number;
  /** UF2: family id written in every block. */
  familyId?: number;
}
