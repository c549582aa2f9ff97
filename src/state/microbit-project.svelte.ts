/**
 * A micro:bit MicroPython project: its name, its Python files (main.py and modules), the
 * storage they take on the device (the same 20 KiB on V1 and V2, as python-editor-v3 offers),
 * opening .py and .hex files, and saving the Universal Hex named after the project. The
 * firmware comes from the {@link FirmwareStore}; hexes are built and read in the project
 * worker; the project is kept in local storage between visits.
 */
import type { MicrobitVersion } from '../core/microbit/board';
import { WebProgError } from '../core/errors';
import type { Segment } from '../core/memory/sparse-data';
import { imageFromProject, type ClassroomImage } from './classroom-image';
import { fileFlashSize } from '../core/microbit/fs-chunks';
import type { LogState } from './log.svelte';
import { describeError } from './error-text';
import type { FirmwareStore, LoadedFirmware } from './firmware-store';
import { PROJECT_FS_LIMIT, type FirmwareText, type ProjectFile } from './microbit-project-build';
import {
  MAIN_PY,
  checkModuleName,
  isThirdPartyModule,
  projectFileName,
  sortProjectFiles,
} from './microbit-project-names';
import {
  type ProjectContents,
  contentsOf,
  loadStoredProject,
  storeProject,
  withFile,
  withRenamedFile,
  withoutFile,
} from './microbit-project-files';
import { openIntoProject, type OpenedFile } from './microbit-project-open';
import { Questions } from './microbit-project-questions.svelte';
import type { ProjectBuilderClient } from './microbit-project-worker-client';
import { byteCount, groupDigits } from './text';

/** Share of the storage at which the meter starts warning. */
export const STORAGE_WARN_RATIO = 0.9;

/** The project every new visitor starts with. */
export const STARTER_MAIN_PY = `# Imports go at the top
from microbit import *


# Code in a 'while True:' loop repeats forever
while True:
    display.show(Image.HEART)
    sleep(1000)
    display.scroll('Hello')
`;

/** Default project name, as in python-editor-v3. */
export const UNTITLED_PROJECT = 'Untitled project';

/** The Web Storage calls the project uses (localStorage in the app, a Map in tests). */
export type ProjectStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** What the project needs from the outside world. */
export interface MicrobitProjectDependencies {
  /** Builds and reads hexes (the project worker). */
  builder: ProjectBuilderClient;
  /** MicroPython for each board. */
  firmware: Pick<
    FirmwareStore,
    'get' | 'useCustom' | 'clearCustom' | 'customLabel' | 'isAvailableOffline' | 'release'
  >;
  /** The session log. */
  log: Pick<LogState, 'info' | 'warn' | 'error'>;
  /** Hands a produced file to the person. */
  download: (name: string, bytes: Uint8Array) => void;
  /** Keeps the project between visits. */
  storage?: ProjectStorage;
  /** True when the browser believes it is online (default: always). */
  online?: () => boolean;
}

/** A file of the project as the list shows it. */
export interface ProjectFileInfo {
  /** File name. */
  name: string;
  /** Bytes of content (UTF-8). */
  contentSize: number;
  /** Flash the file takes on the device (whole 128-byte chunks). */
  flashSize: number;
  /** True for main.py, which can be neither renamed nor deleted. */
  isMain: boolean;
  /** True for a third-party module (`# microbit-module:` marker): shown read-only. */
  isModule: boolean;
}

/** A message shown at the top of the panel. */
export interface ProjectNotice {
  /** Severity. */
  kind: 'info' | 'warn' | 'error';
  /** The text. */
  text: string;
}

/** How full the storage is. */
export type StorageLevel = 'ok' | 'warn' | 'full';

/** Firmware progress shown while MicroPython downloads. */
export interface FirmwareProgress {
  /** "MicroPython 2.1.2 for micro:bit V2". */
  label: string;
  /** Bytes received. */
  done: number;
  /** Bytes expected. */
  total: number;
}

const utf8 = new TextEncoder();

/** The micro:bit project panel's state. */
export class MicrobitProjectState {
  /** Project name (download file name). */
  name = $state(UNTITLED_PROJECT);
  /** File contents by name. Replaced (never mutated) on every change. */
  contents = $state.raw<ProjectContents>(contentsOf([[MAIN_PY, STARTER_MAIN_PY]]));
  /** The file shown in the editor. */
  selected = $state(MAIN_PY);
  /** A line the editor is asked to show (a traceback's); `seq` tells repeated requests apart. */
  revealed = $state<{ file: string; line: number; seq: number } | undefined>();
  /** Latest message for the person. */
  notice = $state.raw<ProjectNotice | undefined>();
  /** What is running: a download of the hex, opening files, loading firmware. */
  busy = $state<'save' | 'open' | 'classroom' | undefined>();
  /** Firmware download progress, while one runs. */
  firmwareProgress = $state.raw<FirmwareProgress | undefined>();
  /** Per board: where MicroPython will come from, in words. */
  firmwareStatus = $state.raw<Readonly<Record<MicrobitVersion, string>>>({ V1: '', V2: '' });
  /** Questions waiting for the person. */
  readonly questions = new Questions();

  /** Downloads under way, per board, shared by every caller (prefetch, Download, Send). */
  private readonly loading: Partial<Record<MicrobitVersion, Promise<LoadedFirmware>>> = {};
  /** True once the background fetch of both boards' MicroPython has run online. */
  private prefetched = false;

  /** Files in list order (main.py first) with their sizes. */
  readonly files: readonly ProjectFileInfo[] = $derived.by(() =>
    sortProjectFiles(this.contents.keys()).map((name) => {
      const content = this.contents.get(name) ?? '';
      const contentSize = utf8.encode(content).length;
      return {
        name,
        contentSize,
        flashSize: fileFlashSize(utf8.encode(name).length, contentSize),
        isMain: name === MAIN_PY,
        isModule: isThirdPartyModule(content),
      };
    }),
  );

  /** Storage the files take on the device, in bytes. */
  readonly storageUsed: number = $derived(this.files.reduce((n, f) => n + f.flashSize, 0));
  /** Storage the project may use, in bytes. */
  readonly storageSize = PROJECT_FS_LIMIT;
  /** How full the storage is: warns from 90 %, full above 100 %. */
  readonly storageLevel: StorageLevel = $derived(
    this.storageUsed > this.storageSize
      ? 'full'
      : this.storageUsed >= this.storageSize * STORAGE_WARN_RATIO
        ? 'warn'
        : 'ok',
  );
  /** The meter's words. */
  readonly storageText: string = $derived.by(() => {
    const { storageUsed: used, storageSize: size } = this;
    const percent = Math.round((used / size) * 100);
    if (used > size) {
      return `Storage full: the files need ${byteCount(used)} but only ${byteCount(size)} fit. Remove ${byteCount(used - size)} of code or files to download or send the project.`;
    }
    const left = `${groupDigits(used)} of ${byteCount(size)} used (${percent} %), ${byteCount(size - used)} left`;
    return this.storageLevel === 'warn' ? `Storage almost full: ${left}.` : `${left}.`;
  });

  constructor(private readonly deps: MicrobitProjectDependencies) {
    this.restore();
  }

  /** The content of a file ('' for unknown names). */
  content(name: string): string {
    return this.contents.get(name) ?? '';
  }

  /** The files as the worker takes them, main.py first. */
  projectFiles(): ProjectFile[] {
    return this.files.map((f) => ({ name: f.name, content: this.content(f.name) }));
  }

  /** Sets the project name; refuses an empty one. */
  rename(text: string): string | undefined {
    const name = text.trim();
    if (name === '') return 'The project name cannot be empty.';
    this.name = name;
    this.persist();
    return undefined;
  }

  /** Shows `file` in the editor at `line` (a traceback's); false when the project has no such file. */
  reveal(file: string, line: number): boolean {
    if (!this.contents.has(file)) return false;
    this.select(file);
    this.revealed = { file, line, seq: (this.revealed?.seq ?? 0) + 1 };
    return true;
  }

  /** Shows a file in the editor. */
  select(name: string): void {
    if (this.contents.has(name)) this.selected = name;
  }

  /** Replaces a file's content (the editor calls this as the person types). */
  edit(name: string, content: string): void {
    if (!this.contents.has(name) || this.contents.get(name) === content) return;
    this.setContents(withFile(this.contents, name, content));
  }

  /**
   * Adds an empty module named `typed` (".py" added) and shows it.
   *
   * @returns the warning worth showing (upper case) or the error that stopped it.
   */
  addFile(typed: string): { error?: string; warning?: string } {
    const check = checkModuleName(typed.trim(), this.contents.keys());
    if (!check.fileName) return { error: check.error };
    const needed = fileFlashSize(utf8.encode(check.fileName).length, 0);
    if (this.storageUsed + needed > this.storageSize) {
      return { error: `There is no storage space left for ${check.fileName} (${byteCount(needed)} needed).` };
    }
    this.setContents(withFile(this.contents, check.fileName, ''));
    this.selected = check.fileName;
    this.deps.log.info(`micro:bit project: added ${check.fileName}.`);
    return { warning: check.warning };
  }

  /** Renames a module (main.py keeps its name). Returns a warning or the error that stopped it. */
  renameFile(from: string, typed: string): { error?: string; warning?: string } {
    if (from === MAIN_PY) return { error: 'main.py cannot be renamed: the micro:bit runs it at start.' };
    if (!this.contents.has(from)) return { error: `${from} is not in the project.` };
    const others = [...this.contents.keys()].filter((n) => n !== from);
    const check = checkModuleName(typed.trim(), others);
    if (!check.fileName) return { error: check.error };
    this.setContents(withRenamedFile(this.contents, from, check.fileName));
    if (this.selected === from) this.selected = check.fileName;
    this.deps.log.info(`micro:bit project: renamed ${from} to ${check.fileName}.`);
    return { warning: check.warning };
  }

  /** Deletes a module after asking. Resolves true when it was deleted. */
  async deleteFile(name: string): Promise<boolean> {
    if (name === MAIN_PY || !this.contents.has(name)) return false;
    const answer = await this.questions.ask({
      title: `Delete ${name}?`,
      message: `Permanently delete ${name} from the project?`,
      choices: [{ id: 'delete', label: 'Delete', primary: true, destructive: true }],
    });
    if (answer !== 'delete') return false;
    this.setContents(withoutFile(this.contents, name));
    if (this.selected === name) this.selected = MAIN_PY;
    this.deps.log.info(`micro:bit project: deleted ${name}.`);
    return true;
  }

  /** Downloads one Python file as it is. */
  downloadFile(name: string): void {
    if (!this.contents.has(name)) return;
    this.deps.download(name, utf8.encode(this.content(name)));
  }

  /**
   * Opens dropped or chosen files: one .hex replaces the project (after asking), .py files
   * replace main.py or are added as modules (after asking when it is not obvious).
   */
  async open(files: readonly OpenedFile[]): Promise<void> {
    if (this.busy || files.length === 0) return;
    this.busy = 'open';
    try {
      const result = await openIntoProject(files, {
        builder: this.deps.builder,
        questions: this.questions,
        contents: this.contents,
        storageSize: this.storageSize,
      });
      if (result.contents) {
        this.setContents(result.contents);
        if (result.projectName) this.name = result.projectName;
        this.selected = result.select ?? (this.contents.has(this.selected) ? this.selected : MAIN_PY);
        this.persist();
      }
      if (result.notice?.kind === 'error') this.deps.log.error(result.notice.text);
      else if (result.notice) this.deps.log.info(result.notice.text);
      if (result.notice) this.show(result.notice);
    } catch (error) {
      this.fail(`Open ${files.map((f) => f.name).join(', ')}`, error);
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * Builds the Universal Hex (V1 and V2) in the project worker and downloads it as
   * `<project name>.hex`. Resolves with the hex text, or undefined on failure.
   */
  async save(): Promise<string | undefined> {
    if (this.busy) return undefined;
    if (this.storageLevel === 'full') {
      this.show({ kind: 'error', text: this.storageText });
      return undefined;
    }
    this.busy = 'save';
    const fileName = projectFileName(this.name, 'hex');
    try {
      const firmware = [await this.firmwareText('V1'), await this.firmwareText('V2')];
      const hex = await this.deps.builder.universalHex(firmware, this.projectFiles());
      this.deps.download(fileName, utf8.encode(hex));
      const text = `Saved ${fileName}: Universal Hex for micro:bit V1 and V2 with ${this.files.length === 1 ? '1 file' : `${this.files.length} files`}.`;
      this.deps.log.info(text);
      this.show({ kind: 'info', text });
      return hex;
    } catch (error) {
      this.fail(`Save ${fileName}`, error);
      return undefined;
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * The project as classroom mode flashes it: MicroPython with the files, for V1 and V2. A
   * version whose MicroPython cannot be had (offline, not cached) is left out with a warning;
   * resolves undefined (notice shown) when neither can be built.
   */
  async classroomImage(): Promise<ClassroomImage | undefined> {
    if (this.busy) return undefined;
    if (this.storageLevel === 'full') {
      this.show({ kind: 'error', text: this.storageText });
      return undefined;
    }
    this.busy = 'classroom';
    const name = `${this.name} (MicroPython project)`;
    const data: Partial<Record<MicrobitVersion, Segment[]>> = {};
    const missing: string[] = [];
    let failure: unknown;
    try {
      for (const board of ['V1', 'V2'] as const) {
        try {
          data[board] = await this.deps.builder.flashSegments(
            await this.firmwareText(board),
            this.projectFiles(),
          );
        } catch (error) {
          failure ??= error;
          missing.push(board);
        }
      }
      if (missing.length === 2) {
        this.fail('Build the project for classroom mode', failure);
        return undefined;
      }
      if (missing.length === 1) {
        this.show({
          kind: 'warn',
          text: `Classroom mode gets the project for micro:bit ${missing[0] === 'V1' ? 'V2' : 'V1'} only: MicroPython for ${missing[0]} is not available (${describeError(failure).text}).`,
        });
      }
      return imageFromProject(name, data);
    } finally {
      this.busy = undefined;
    }
  }

  /**
   * MicroPython for a board as the worker takes it, downloading it (with progress) on first
   * use. Callers asking while a download of the same board runs share it; `signal` only ends
   * this caller's wait.
   */
  async firmwareText(board: MicrobitVersion, signal?: AbortSignal): Promise<FirmwareText> {
    const fw = await untilAborted(this.loadFirmware(board), signal, board);
    this.setFirmwareStatus(board, fw);
    return { board, sha256: fw.sha256, text: fw.text };
  }

  /**
   * Fetches MicroPython for V1 and V2 in the background, the first time the micro:bit view
   * opens online, so Download and Send work offline afterwards. Does nothing offline (the next
   * open tries again) or once it has run. A board whose download fails says what to do in its
   * status line; nothing is shown as an error, since nothing was asked for yet.
   */
  async prefetchFirmware(): Promise<void> {
    if (this.prefetched || !(this.deps.online?.() ?? true)) return;
    this.prefetched = true;
    await this.refreshFirmwareStatus();
    for (const board of ['V1', 'V2'] as const) {
      if (await this.deps.firmware.isAvailableOffline(board)) continue;
      try {
        await this.firmwareText(board);
      } catch (error) {
        this.deps.log.warn(
          `MicroPython for micro:bit ${board} was not fetched in advance. ${describeError(error).detail}`,
        );
        this.firmwareStatus = {
          ...this.firmwareStatus,
          [board]: `Could not be downloaded: open a MicroPython hex for ${board} you have, or try again online`,
        };
      }
    }
  }

  private loadFirmware(board: MicrobitVersion): Promise<LoadedFirmware> {
    const running = this.loading[board];
    if (running) return running;
    const label = `MicroPython for micro:bit ${board}`;
    const load = this.deps.firmware
      .get(board, { onProgress: (done, total) => (this.firmwareProgress = { label, done, total }) })
      .then((fw) => {
        if (fw.source === 'download')
          this.deps.log.info(`Downloaded ${fw.label}; it is kept for offline use.`);
        return fw;
      })
      .finally(() => {
        delete this.loading[board];
        if (this.firmwareProgress?.label === label) this.firmwareProgress = undefined;
      });
    this.loading[board] = load;
    return load;
  }

  /** Reads which firmware each board will use (cached, to download, the person's own). */
  async refreshFirmwareStatus(): Promise<void> {
    for (const board of ['V1', 'V2'] as const) {
      const custom = await this.deps.firmware.customLabel(board);
      const release = this.deps.firmware.release(board);
      const offline = await this.deps.firmware.isAvailableOffline(board);
      const label = `MicroPython ${release.version} for micro:bit ${board}`;
      this.firmwareStatus = {
        ...this.firmwareStatus,
        [board]: custom
          ? `Your own: ${custom}`
          : offline
            ? `${label}, available offline`
            : `${label}, downloaded on first use`,
      };
    }
  }

  /** Uses the person's own MicroPython hex for its board version. */
  async useOwnFirmware(file: OpenedFile): Promise<void> {
    try {
      const fw = await this.deps.firmware.useCustom(file.name, file.bytes);
      this.setFirmwareStatus(fw.board, fw);
      const text = `micro:bit ${fw.board} projects now use ${fw.label}.`;
      this.deps.log.info(text);
      this.show({ kind: 'info', text });
    } catch (error) {
      this.fail(`Use ${file.name} as MicroPython`, error);
    }
  }

  /** Goes back to the catalogue MicroPython for `board`. */
  async useReleaseFirmware(board: MicrobitVersion): Promise<void> {
    await this.deps.firmware.clearCustom(board);
    await this.refreshFirmwareStatus();
  }

  /** Shows a message at the top of the panel. */
  show(notice: ProjectNotice | undefined): void {
    this.notice = notice;
  }

  /** Logs a failure and shows it in the panel. */
  fail(action: string, error: unknown): void {
    const text = `${action} failed. ${describeError(error).text}`;
    this.deps.log.error(text);
    this.show({ kind: 'error', text });
  }

  private setFirmwareStatus(board: MicrobitVersion, fw: LoadedFirmware): void {
    const text = fw.source === 'custom' ? `Your own: ${fw.label}` : `${fw.label}, available offline`;
    this.firmwareStatus = { ...this.firmwareStatus, [board]: text };
  }

  private setContents(next: ProjectContents): void {
    this.contents = next;
    this.persist();
  }

  private persist(): void {
    storeProject(this.deps.storage, { name: this.name, contents: this.contents, selected: this.selected });
  }

  private restore(): void {
    const saved = loadStoredProject(this.deps.storage, MAIN_PY);
    if (!saved?.contents) return;
    this.contents = saved.contents;
    if (saved.name) this.name = saved.name;
    if (saved.selected) this.selected = saved.selected;
  }
}

/** `work`, or a `CANCELLED` error as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  board: MicrobitVersion,
): Promise<T> {
  if (!signal) return work;
  const cancelled = () =>
    new WebProgError('CANCELLED', `Loading MicroPython for micro:bit ${board} was cancelled.`);
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
