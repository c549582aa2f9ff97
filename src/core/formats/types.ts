/** The public types of the file-format layer. */
import type { SparseData } from '../memory';

/** A format WebProg can open. */
export type FileFormat = 'intel-hex' | 'universal-hex' | 'srec' | 'bin' | 'uf2' | 'elf';

/** A format WebProg can write. */
export type SaveFormat = 'intel-hex' | 'srec' | 'bin' | 'uf2';

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
  /** ELF and S-records: entry point (the S-records' termination record's start address). */
  entry?: number;
  /** Things a person should know, e.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/** How to write a file. */
export interface SaveOptions {
  /** Data bytes per record: Intel Hex 16 or 32, S-records 1–250 (default 16). */
  recordSize?: number;
  /** Binary: value of bytes without data (default 0xFF). */
  fill?: number;
  /** First address to write (default: the data's start). */
  start?: number;
  /** One past the last address to write (default: the data's end). */
  end?: number;
  /** UF2: family id written in every block. */
  familyId?: number;
  /** S-records: text of the S0 header record. */
  header?: string;
  /** S-records: start address of the termination record (default 0). */
  entry?: number;
}
