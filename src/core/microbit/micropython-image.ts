/**
 * One board's MicroPython runtime, ready to receive a filesystem: the runtime bytes with the
 * filesystem area emptied, where that area is, and cached hex text for the parts that never
 * change, so building a hex only encodes the filesystem pages.
 */
import { WebProgError } from '../errors';
import { SparseData } from '../memory';
import { MICROBIT_V1_BOARD_ID, MICROBIT_V2_BOARD_ID } from './board-ids';
import type { MicrobitVersion } from './board';
import type { DeviceMemInfo } from './device-mem-info';
import { getDeviceMemInfo } from './device-memory';
import { removeAppendedScript } from './appended-script';
import { CHUNK_LENGTH, ChunkMarker, fileChunkCount, writeFileChunks } from './fs-chunks';
import { type FsLayout, fsLayout } from './fs-layout';
import { intelHexRecords, parseIntelHexText, universalHexSection } from './hex-text';

/** A file as the filesystem stores it: UTF-8 name bytes and content. */
export interface EncodedFile {
  /** UTF-8 bytes of the name (at most 120). */
  nameBytes: Uint8Array;
  /** The content. */
  data: Uint8Array;
}

/** MicroPython for one micro:bit board version, without user files. */
export class MicroPythonImage {
  /** Board id used in Universal Hexes (0x9900/0x9901 for V1, 0x9903… for V2). */
  readonly boardId: number;
  /** Layout information read from the hex. */
  readonly memInfo: DeviceMemInfo;
  /** Where the filesystem chunks and spare page go. */
  readonly fsLayout: FsLayout;
  /** The runtime and everything else in the hex, with the filesystem area empty. */
  readonly data: SparseData;
  private readonly below: SparseData;
  private readonly above: SparseData;
  private cachedHex?: { below: string; above: string };
  private cachedSections?: { below: string; above: string };

  /**
   * Takes MicroPython bytes (copied). Files already in the filesystem area and a legacy
   * appended script are removed; read them first with `readFilesFromData` if needed.
   *
   * @param boardId defaults to 0x9900 for V1 and 0x9903 for V2.
   * @throws WebProgError `NOT_MICROPYTHON` when the data carries no MicroPython layout.
   */
  constructor(data: SparseData, boardId?: number) {
    const copy = data.clone();
    this.memInfo = getDeviceMemInfo(copy);
    if (this.memInfo.deviceVersion === 'V1') removeAppendedScript(copy);
    this.fsLayout = fsLayout(this.memInfo);
    copy.clear(this.fsLayout.startAddress, this.fsLayout.endAddress);
    this.data = copy;
    this.boardId = boardId ?? defaultBoardId(this.memInfo.deviceVersion);
    this.below = copy.slice(0, this.fsLayout.startAddress);
    this.above = copy.slice(this.fsLayout.endAddress, 0x1_0000_0000);
  }

  /** Builds an image from MicroPython Intel Hex text (not a Universal Hex). */
  static fromIntelHex(text: string, boardId?: number): MicroPythonImage {
    return new MicroPythonImage(parseIntelHexText(text), boardId);
  }

  /** The board version this image runs on. */
  get version(): MicrobitVersion {
    return this.memInfo.deviceVersion;
  }

  /** Filesystem capacity in bytes (chunks × 128). */
  get capacity(): number {
    return this.fsLayout.chunkCount * CHUNK_LENGTH;
  }

  /**
   * The filesystem bytes for `files`: chunks filled from chunk 1 in the given order, then the
   * persistent-data marker at the start of the spare page — the placement microbit-fs uses,
   * which the firmware reads as is.
   *
   * @throws WebProgError `FS_FULL` when the files need more chunks than the area holds.
   */
  fsData(files: Iterable<EncodedFile>): SparseData {
    const { chunkCount, startAddress, sparePageAddress } = this.fsLayout;
    const list = [...files];
    const needed = list.reduce((n, f) => n + fileChunkCount(f.nameBytes.length, f.data.length), 0);
    if (needed > chunkCount) {
      throw new WebProgError(
        'FS_FULL',
        `The files need ${needed * CHUNK_LENGTH} bytes of flash but the ${this.version} filesystem holds ${chunkCount * CHUNK_LENGTH}.`,
      );
    }
    const area = new Uint8Array(needed * CHUNK_LENGTH).fill(0xff);
    let next = 1;
    for (const f of list) {
      const count = fileChunkCount(f.nameBytes.length, f.data.length);
      const chunks = Array.from({ length: count }, (_, i) => next + i);
      writeFileChunks(area, f.nameBytes, f.data, chunks);
      next += count;
    }
    const fs = new SparseData();
    fs.write(startAddress, area);
    fs.write(sparePageAddress, new Uint8Array([ChunkMarker.persistentData]));
    return fs;
  }

  /** The whole image with `files` in its filesystem. */
  withFiles(files: Iterable<EncodedFile>): SparseData {
    const out = this.data.clone();
    for (const s of this.fsData(files).segments()) out.write(s.address, s.data);
    return out;
  }

  /**
   * Intel Hex text of the image with `files`: 16-byte records in ascending address order, LF
   * line ends, starting with an Extended Linear Address record and ending with EOF and a LF.
   */
  intelHex(files: Iterable<EncodedFile>): string {
    this.cachedHex ??= { below: intelHexRecords(this.below), above: intelHexRecords(this.above) };
    const fs = intelHexRecords(this.fsData(files));
    return this.cachedHex.below + fs + this.cachedHex.above + ':00000001FF\n';
  }

  /**
   * Universal Hex sections (spec v0.4.0, 512-byte aligned, no EOF) for this board with
   * `files`: one section for the part below the filesystem, one for the filesystem, one for
   * the part above it.
   */
  universalHexSections(files: Iterable<EncodedFile>): string {
    this.cachedSections ??= {
      below: this.below.isEmpty ? '' : universalHexSection(this.below, this.boardId),
      above: this.above.isEmpty ? '' : universalHexSection(this.above, this.boardId),
    };
    const fs = universalHexSection(this.fsData(files), this.boardId);
    return this.cachedSections.below + fs + this.cachedSections.above;
  }
}

function defaultBoardId(version: MicrobitVersion): number {
  return version === 'V1' ? MICROBIT_V1_BOARD_ID : MICROBIT_V2_BOARD_ID;
}
