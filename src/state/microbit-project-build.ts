/**
 * The heavy part of micro:bit projects — building hexes and reading opened ones — as plain
 * functions over plain data, so it can run in a worker (`microbit-project-worker.ts`) and in
 * Node tests alike. Building the first filesystem over both MicroPython hexes takes about
 * 0.4 s, so the parsed firmware is kept per firmware hash and reused.
 */
import { WebProgError } from '../core/errors';
import type { MicrobitVersion } from '../core/microbit/board';
import { loadMicroPythonHex } from '../core/microbit/fs-hex';
import { MicroPythonFs } from '../core/microbit/micropython-fs';
import type { Segment } from '../core/memory/sparse-data';

/** Storage offered to a project, as python-editor-v3 does: the same 20 KiB on V1 and V2. */
export const PROJECT_FS_LIMIT = 20 * 1024;

/** A project file as it crosses to the worker. */
export interface ProjectFile {
  /** File name, e.g. "main.py". */
  name: string;
  /** Content (UTF-8 text). */
  content: string;
}

/** Firmware as it crosses to the worker: its hash (cache key) and Intel Hex text. */
export interface FirmwareText {
  /** Board version. */
  board: MicrobitVersion;
  /** SHA-256, identifies the firmware. */
  sha256: string;
  /** Intel Hex text. */
  text: string;
}

/** Files read from an opened hex. */
export interface OpenedHex {
  /** The files, in the order the hex holds them. */
  files: ProjectFile[];
  /** True when `main.py` came from a legacy appended script. */
  appendedScript: boolean;
  /** Board versions the hex carries MicroPython for. */
  boards: MicrobitVersion[];
}

/** Builds micro:bit hexes and reads opened ones; keeps parsed firmware between calls. */
export class ProjectBuilder {
  private readonly filesystems = new Map<string, MicroPythonFs>();

  /**
   * The Universal Hex of a project: MicroPython V1 and V2 with `files`, as python-editor-v3
   * saves it.
   *
   * @throws WebProgError `FS_FULL` when the files exceed {@link PROJECT_FS_LIMIT}.
   */
  universalHex(firmware: readonly FirmwareText[], files: readonly ProjectFile[]): string {
    return this.filesystem(firmware, files).exportUniversalHex();
  }

  /** The Intel Hex for one board (for a person who wants a single-board file). */
  intelHex(firmware: FirmwareText, files: readonly ProjectFile[]): string {
    return this.filesystem([firmware], files).exportIntelHex(firmware.board);
  }

  /** The bytes to flash to one board: its MicroPython with `files`, as segments. */
  flashSegments(firmware: FirmwareText, files: readonly ProjectFile[]): Segment[] {
    const data = this.filesystem([firmware], files).exportData(firmware.board);
    return data.segments().map((s) => ({ address: s.address, data: s.data }));
  }

  /**
   * Reads the files of a MicroPython hex (Intel or Universal, with a filesystem or a legacy
   * appended script).
   *
   * @throws WebProgError `FS_FILE_NOT_FOUND` ("No appended code found in the hex file") when
   *   it holds no file; `MAKECODE_HEX`, `NOT_MICROPYTHON`, `FORMAT_INVALID`, `FS_CORRUPT` as
   *   `loadMicroPythonHex` throws them.
   */
  openHex(text: string): OpenedHex {
    const loaded = loadMicroPythonHex(text);
    if (loaded.files.size === 0) {
      throw new WebProgError(
        'FS_FILE_NOT_FOUND',
        'No appended code found in the hex file: it holds MicroPython but no Python files.',
      );
    }
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const files: ProjectFile[] = [];
    for (const [name, bytes] of loaded.files) {
      let content: string;
      try {
        content = decoder.decode(bytes);
      } catch (cause) {
        throw new WebProgError('FS_CORRUPT', `${name} in the hex is not UTF-8 text.`, { file: name, cause });
      }
      files.push({ name, content });
    }
    return { files, appendedScript: loaded.appendedScript, boards: loaded.images.map((i) => i.version) };
  }

  /** A filesystem over `firmware` (parsed once per hash set) holding exactly `files`. */
  private filesystem(firmware: readonly FirmwareText[], files: readonly ProjectFile[]): MicroPythonFs {
    const key = firmware.map((f) => f.sha256).join('+');
    let fs = this.filesystems.get(key);
    if (!fs) {
      const images = firmware.flatMap((f) => loadMicroPythonHex(f.text).images);
      // A person's own (older) MicroPython may offer less than the project limit.
      const limit = Math.min(PROJECT_FS_LIMIT, ...images.map((i) => i.capacity));
      fs = new MicroPythonFs(images, { maxFsSize: limit });
      this.filesystems.set(key, fs);
    }
    fs.format();
    for (const f of files) fs.write(f.name, f.content);
    return fs;
  }
}
