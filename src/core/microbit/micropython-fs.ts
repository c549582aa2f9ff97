/**
 * The files of a micro:bit MicroPython project and the hexes that carry them.
 *
 * Unlike microbit-fs 0.10.0 (reference notes §5–§6) every write is checked at once: the name
 * (not empty, at most 120 UTF-8 bytes) and the free space, with the numbers in the message.
 * Files live in a `Map`, so any name (`__proto__`, `hasOwnProperty`) is just a name.
 *
 * @example
 * const fs = MicroPythonFs.fromHexes([v1HexText, v2HexText]);
 * fs.write('main.py', 'from microbit import *\ndisplay.scroll("hi")\n');
 * const universal = fs.exportUniversalHex(); // for V1 and V2
 * const forV2 = fs.exportIntelHex('V2');
 */
import { WebProgError } from '../errors';
import type { SparseData } from '../memory';
import { type BoardSelector, versionOfBoard } from './board-ids';
import { encodeFileName, fileFlashSize } from './fs-chunks';
import { loadMicroPythonHex } from './fs-hex';
import { type EncodedFile, MicroPythonImage } from './micropython-image';
import { utf8Decode, utf8Encode } from './utf8';

/** Options of a {@link MicroPythonFs}. */
export interface MicroPythonFsOptions {
  /**
   * Cap on the storage offered, in bytes (the Python Editor uses 20 KiB so V1 and V2 offer
   * the same). Must not exceed what every image holds.
   */
  maxFsSize?: number;
}

/** Options of {@link MicroPythonFs.importFilesFromHex}. */
export interface ImportOptions {
  /** Replace files that already exist (default false: fail if any would be replaced). */
  overwrite?: boolean;
  /** Remove every file first (default false). */
  formatFirst?: boolean;
}

/** One file as the UI lists it. */
export interface FsFileInfo {
  /** File name. */
  name: string;
  /** Length of the content in bytes. */
  contentSize: number;
  /** Flash the file takes (whole 128-byte chunks). */
  flashSize: number;
}

/** A MicroPython filesystem for one or more board images. */
export class MicroPythonFs {
  private readonly files = new Map<string, EncodedFile>();
  private readonly imageList: readonly MicroPythonImage[];
  private readonly capacity: number;

  /**
   * @param images MicroPython for each board (at most one per board version).
   * @throws WebProgError `INVALID_ARGUMENT` with no image, two images for one version, or a
   *   `maxFsSize` larger than an image holds.
   */
  constructor(images: MicroPythonImage | readonly MicroPythonImage[], options: MicroPythonFsOptions = {}) {
    const list = Array.isArray(images) ? [...images] : [images as MicroPythonImage];
    if (list.length === 0)
      throw new WebProgError('INVALID_ARGUMENT', 'At least one MicroPython image is needed.');
    const versions = new Set(list.map((i) => i.version));
    if (versions.size !== list.length) {
      throw new WebProgError('INVALID_ARGUMENT', 'Give at most one MicroPython image per board version.');
    }
    this.imageList = list.sort((a, b) => a.version.localeCompare(b.version));
    const available = Math.min(...list.map((i) => i.capacity));
    if (options.maxFsSize !== undefined && options.maxFsSize > available) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `The storage limit (${formatBytes(options.maxFsSize)} bytes) is larger than the MicroPython hex allows (${formatBytes(available)} bytes).`,
      );
    }
    this.capacity = options.maxFsSize ?? available;
  }

  /**
   * A filesystem over blank MicroPython hexes (Intel Hex or Universal Hex text, or
   * `{hex, boardId}` to set the Universal Hex board id). Files already in them are dropped.
   */
  static fromHexes(
    hexes: readonly (string | { hex: string; boardId?: number })[],
    options: MicroPythonFsOptions = {},
  ): MicroPythonFs {
    const images: MicroPythonImage[] = [];
    for (const h of hexes) {
      const text = typeof h === 'string' ? h : h.hex;
      const loaded = loadMicroPythonHex(text);
      if (typeof h !== 'string' && h.boardId !== undefined && loaded.images.length === 1) {
        images.push(new MicroPythonImage(loaded.images[0].data, h.boardId));
      } else {
        images.push(...loaded.images);
      }
    }
    return new MicroPythonFs(images, options);
  }

  /** A filesystem over the MicroPython in `hex` holding the files found in it. */
  static fromHex(hex: string, options: MicroPythonFsOptions = {}): MicroPythonFs {
    const loaded = loadMicroPythonHex(hex);
    const fs = new MicroPythonFs(loaded.images, options);
    fs.replaceAll(loaded.files);
    return fs;
  }

  /** The board images, V1 first. */
  get images(): readonly MicroPythonImage[] {
    return this.imageList;
  }

  /**
   * Creates or replaces a file. Strings are stored as UTF-8.
   *
   * @throws WebProgError `FS_INVALID_NAME` for an empty name or one over 120 UTF-8 bytes.
   * @throws WebProgError `FS_FULL` when the file does not fit; the message gives the free space.
   */
  write(name: string, content: string | Uint8Array): void {
    const nameBytes = encodeFileName(name);
    const data = toBytes(content);
    const needed = fileFlashSize(nameBytes.length, data.length);
    const free = this.getStorageRemaining() + (this.has(name) ? this.size(name) : 0);
    if (needed > free) {
      throw new WebProgError(
        'FS_FULL',
        `There is not enough space for ${name}: it needs ${formatBytes(needed)} bytes of flash but only ${formatBytes(free)} bytes are free.`,
        { file: name },
      );
    }
    this.files.set(name, { nameBytes, data });
  }

  /** The content of a file decoded as UTF-8. @throws WebProgError `FS_FILE_NOT_FOUND`. */
  read(name: string): string {
    return utf8Decode(this.get(name).data);
  }

  /** A copy of a file's bytes. @throws WebProgError `FS_FILE_NOT_FOUND`. */
  readBytes(name: string): Uint8Array {
    return this.get(name).data.slice();
  }

  /** Deletes a file. @throws WebProgError `FS_FILE_NOT_FOUND`. */
  remove(name: string): void {
    this.get(name);
    this.files.delete(name);
  }

  /** True when the file exists. */
  exists(name: string): boolean {
    return this.has(name);
  }

  /** File names in the order they were first written. */
  ls(): string[] {
    return [...this.files.keys()];
  }

  /** Every file with its sizes, in the order of {@link ls}. */
  list(): FsFileInfo[] {
    return [...this.files].map(([name, f]) => ({
      name,
      contentSize: f.data.length,
      flashSize: fileFlashSize(f.nameBytes.length, f.data.length),
    }));
  }

  /** Flash a file takes in bytes (whole chunks). @throws WebProgError `FS_FILE_NOT_FOUND`. */
  size(name: string): number {
    const f = this.get(name);
    return fileFlashSize(f.nameBytes.length, f.data.length);
  }

  /** Length of a file's content in bytes. @throws WebProgError `FS_FILE_NOT_FOUND`. */
  contentSize(name: string): number {
    return this.get(name).data.length;
  }

  /** Removes every file. */
  format(): void {
    this.files.clear();
  }

  /** Bytes of flash the files use. */
  getStorageUsed(): number {
    let used = 0;
    for (const f of this.files.values()) used += fileFlashSize(f.nameBytes.length, f.data.length);
    return used;
  }

  /** Bytes of flash still free. */
  getStorageRemaining(): number {
    return this.capacity - this.getStorageUsed();
  }

  /** Bytes of flash the filesystem offers. */
  getStorageSize(): number {
    return this.capacity;
  }

  /**
   * Imports the files of a MicroPython hex (Intel or Universal, with files or a legacy
   * appended script, which becomes `main.py`). All or nothing: on error nothing changes.
   *
   * @returns the imported names.
   * @throws WebProgError `FS_FILE_NOT_FOUND` when the hex holds no file.
   * @throws WebProgError `FS_FILE_EXISTS` when a file exists and `overwrite` is off.
   * @throws WebProgError `FS_FULL` when the files do not fit.
   * @throws the errors of {@link loadMicroPythonHex} for hexes that are not MicroPython.
   */
  importFilesFromHex(hex: string, options: ImportOptions = {}): string[] {
    const { files } = loadMicroPythonHex(hex);
    if (files.size === 0) {
      throw new WebProgError('FS_FILE_NOT_FOUND', 'The hex file does not contain any files to import.');
    }
    if (!options.formatFirst && !options.overwrite) {
      const clashes = [...files.keys()].filter((n) => this.has(n));
      if (clashes.length > 0) {
        throw new WebProgError(
          'FS_FILE_EXISTS',
          `Files "${clashes.join(', ')}" from the hex already exist.`,
          {
            file: clashes[0],
          },
        );
      }
    }
    this.replaceAll(files, options.formatFirst ? new Map() : this.files);
    return [...files.keys()];
  }

  /** The image for a board. @throws WebProgError `INVALID_ARGUMENT` when there is none. */
  image(board: BoardSelector): MicroPythonImage {
    const byId = typeof board === 'number' ? this.imageList.find((i) => i.boardId === board) : undefined;
    const version = versionOfBoard(board);
    const image = byId ?? this.imageList.find((i) => i.version === version);
    if (!image) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `There is no MicroPython for micro:bit ${version} in this project.`,
      );
    }
    return image;
  }

  /** The bytes to flash to a board: its MicroPython with these files. */
  exportData(board: BoardSelector): SparseData {
    return this.image(board).withFiles(this.files.values());
  }

  /** Intel Hex for one board (by id, or 'V1'/'V2'), as DAPLink and the Python Editor read it. */
  exportIntelHex(board: BoardSelector): string {
    return this.image(board).intelHex(this.files.values());
  }

  /**
   * A Universal Hex (sections layout) for every board image, V1 first.
   *
   * @throws WebProgError `INVALID_ARGUMENT` unless there are images for both V1 and V2.
   */
  exportUniversalHex(): string {
    if (this.imageList.length < 2) {
      throw new WebProgError('INVALID_ARGUMENT', 'A Universal Hex needs MicroPython for both V1 and V2.');
    }
    return this.imageList.map((i) => i.universalHexSections(this.files.values())).join('') + ':00000001FF\n';
  }

  /** Sets the files to `base` plus `files` (which win), validating names and space as a whole. */
  private replaceAll(files: Map<string, Uint8Array>, base: Map<string, EncodedFile> = new Map()): void {
    const staged = new Map(base);
    for (const [name, data] of files)
      staged.set(name, { nameBytes: encodeFileName(name), data: data.slice() });
    let needed = 0;
    for (const f of staged.values()) needed += fileFlashSize(f.nameBytes.length, f.data.length);
    if (needed > this.capacity) {
      throw new WebProgError(
        'FS_FULL',
        `There is not enough space for the files in this hex: they need ${formatBytes(needed)} bytes of flash but only ${formatBytes(this.capacity)} bytes are available.`,
      );
    }
    this.files.clear();
    for (const [name, f] of staged) this.files.set(name, f);
  }

  private has(name: string): boolean {
    return this.files.has(name);
  }

  private get(name: string): EncodedFile {
    const f = this.files.get(name);
    if (!f) throw new WebProgError('FS_FILE_NOT_FOUND', `File "${name}" does not exist.`, { file: name });
    return f;
  }
}

function toBytes(content: string | Uint8Array): Uint8Array {
  if (typeof content === 'string') return utf8Encode(content);
  if (content instanceof Uint8Array) return content.slice();
  throw new WebProgError('INVALID_ARGUMENT', 'File content must be a string or a Uint8Array.');
}

/** 1280 → "1,280". */
function formatBytes(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
