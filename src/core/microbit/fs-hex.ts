/**
 * Reading a MicroPython hex someone hands us: Intel Hex or Universal Hex, with or without
 * files in its filesystem, or with a legacy appended script — into per-board MicroPython
 * images (files removed) and the files.
 */
import { WebProgError } from '../errors';
import type { SparseData } from '../memory';
import { hasAppendedScript, readAppendedScript } from './appended-script';
import { versionOfBoardId } from './board-ids';
import type { DeviceMemInfo } from './device-mem-info';
import { getDeviceMemInfo, notMicroPythonError } from './device-memory';
import { CHUNK_LENGTH, ChunkMarker, readFsArea } from './fs-chunks';
import { fsLayout } from './fs-layout';
import {
  type BoardHexData,
  isUniversalHexText,
  looksLikeIntelHex,
  parseIntelHexText,
  parseUniversalHexText,
} from './hex-text';
import { MicroPythonImage } from './micropython-image';
import { utf8Encode } from './utf8';

/** The name a legacy appended script gets when it is imported. */
export const MAIN_FILE = 'main.py';

/** Files found in one board's MicroPython data. */
export interface DataFiles {
  /** Layout information of that data. */
  memInfo: DeviceMemInfo;
  /** The files, in the order of their first chunks (an appended script last, as main.py). */
  files: Map<string, Uint8Array>;
  /** True when a legacy appended script was found. */
  appendedScript: boolean;
}

/**
 * Reads the files stored in MicroPython `data`: the filesystem chunks (with the spare page
 * at the top, as editors write it, or at the bottom, as the firmware may leave it after a
 * sweep) and, for V1, a legacy appended script, returned as `main.py` unless the filesystem
 * already holds one.
 *
 * @throws WebProgError `NOT_MICROPYTHON` when the data has no MicroPython layout.
 * @throws WebProgError `FS_CORRUPT` when the chunks do not form valid files.
 */
export function readFilesFromData(data: SparseData): DataFiles {
  const memInfo = getDeviceMemInfo(data);
  const appended = memInfo.deviceVersion === 'V1' && hasAppendedScript(data);
  const layout = fsLayout(memInfo, appended);
  const spareAtBottom =
    data.read(layout.startAddress, 1)[0] === ChunkMarker.persistentData &&
    data.read(layout.sparePageAddress, 1)[0] !== ChunkMarker.persistentData;
  const base = spareAtBottom ? layout.startAddress + layout.pageSize : layout.startAddress;
  const files = readFsArea(data.read(base, layout.chunkCount * CHUNK_LENGTH), layout.chunkCount);
  if (appended && !files.has(MAIN_FILE)) {
    files.set(MAIN_FILE, utf8Encode(readAppendedScript(data) ?? ''));
  }
  return { memInfo, files, appendedScript: appended };
}

/** A MicroPython hex split into board images and files. */
export interface LoadedHex {
  /** True when the input was a Universal Hex. */
  universal: boolean;
  /** One image per board, V1 first, files removed. */
  images: MicroPythonImage[];
  /** The files (the same in every board part). */
  files: Map<string, Uint8Array>;
  /** True when a legacy appended script was found. */
  appendedScript: boolean;
}

/**
 * Loads a MicroPython Intel Hex or Universal Hex (for V1, V2 or both), with or without files.
 *
 * @throws WebProgError `FORMAT_INVALID` for text that is not a hex.
 * @throws WebProgError `MAKECODE_HEX` for a MakeCode hex.
 * @throws WebProgError `NOT_MICROPYTHON` for any other hex without MicroPython.
 * @throws WebProgError `FS_CORRUPT` when the filesystem is damaged or the boards of a
 *   Universal Hex hold different files.
 */
export function loadMicroPythonHex(text: string): LoadedHex {
  if (!looksLikeIntelHex(text)) throw notMicroPythonError(text);
  const universal = isUniversalHexText(text);
  let parts: BoardHexData[];
  try {
    parts = universal ? parseUniversalHexText(text) : [{ boardId: -1, data: parseIntelHexText(text) }];
  } catch (error) {
    throw notMicroPythonError(text, error);
  }
  const loaded: { image: MicroPythonImage; found: DataFiles }[] = [];
  for (const part of parts) {
    let found: DataFiles;
    try {
      found = readFilesFromData(part.data);
    } catch (error) {
      if (error instanceof WebProgError && error.code === 'FS_CORRUPT') throw error;
      throw notMicroPythonError(text, error);
    }
    const boardId = part.boardId >= 0 ? part.boardId : undefined;
    const idVersion = boardId === undefined ? undefined : versionOfBoardId(boardId);
    if (boardId !== undefined && idVersion !== undefined && idVersion !== found.memInfo.deviceVersion) {
      throw new WebProgError(
        'NOT_MICROPYTHON',
        `The part for board 0x${boardId.toString(16)} holds MicroPython for ${found.memInfo.deviceVersion}.`,
      );
    }
    loaded.push({ image: new MicroPythonImage(part.data, boardId), found });
  }
  loaded.sort((a, b) => a.image.version.localeCompare(b.image.version));
  const files = loaded[0].found.files;
  for (const other of loaded.slice(1)) {
    if (!sameFiles(files, other.found.files)) {
      throw new WebProgError(
        'FS_CORRUPT',
        'The V1 and V2 parts of this Universal Hex hold different files (mismatch in the different hexes).',
      );
    }
  }
  return {
    universal,
    images: loaded.map((l) => l.image),
    files,
    appendedScript: loaded.some((l) => l.found.appendedScript),
  };
}

function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, data] of a) {
    const other = b.get(name);
    if (!other || other.length !== data.length || other.some((v, i) => v !== data[i])) return false;
  }
  return true;
}
