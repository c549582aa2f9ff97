/**
 * The script panel's state: the Lua code being edited (opened from a `.lua` file, an example
 * or typed), runs through the page's script runner against the selected device, the output
 * console (levels and timestamps), the script's status-bar line, and the confirmation the
 * script (or a destructive backend call) is waiting for.
 */
import type {
  LogLevel as ScriptLogLevel,
  ScriptCallbacks,
  ScriptFile,
  ScriptShortcut,
} from '../../workers/lua/api';
import { describeError } from './error-text';
import type { LogState } from './log.svelte';
import type { Download } from './save.svelte';
import { exampleUrl } from './script-examples';
import type { ScriptRunner } from './script-runtime';
import type { ScriptWorkspace } from './script-workspace.svelte';
import { duration } from './text';

/** The last part of a path, splitting on both `/` and `\` (as MultiProg's paths are written). */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** One line of the script console. */
export interface ScriptLine {
  /** Increasing id (stable key). */
  id: number;
  /** Milliseconds since 1970. */
  time: number;
  /** Its level. */
  level: ScriptLogLevel;
  /** The text. */
  text: string;
}

/** A line of the script the last run failed on, marked in the editor. */
export interface ScriptErrorMark {
  /** 1-based line in the editor. */
  line: number;
  /** The error, as the console shows it. */
  message: string;
}

/** A question the script waits for. */
export interface ScriptQuestion {
  /** What to confirm. */
  message: string;
}

/** A file the script waits for the person to choose. */
export interface ScriptFileRequest {
  /** File types offered in the picker (".hex", or a list like ".hex,.bin"). */
  accept: string;
  /** The path the script named and the run had no file for ("C:/fw/app.hex"), if that is why. */
  wanted?: string;
  /** The name the chosen file gets for the script (the wanted path's base name). */
  keepAs?: string;
}

/** What the page tells a run about its current selection (`mp.config.get()`). */
export interface ScriptRunContext {
  /** The selected device's name, for the write confirmation ("micro:bit V2.00 · tupog"). */
  deviceName?: string;
  /** The current target, family, programmer, file and region (MultiProg's `mp.config` keys). */
  config: Record<string, string | number | boolean>;
}

/** Where the page keeps the saved-script shortcuts (`mp.app.*_script_shortcut`) between runs and visits. */
export interface ScriptShortcutStore {
  /** The saved list. */
  load(): ScriptShortcut[];
  /** Replaces the saved list. */
  save(shortcuts: readonly ScriptShortcut[]): void;
}

/** What the script panel needs from the page. */
export interface ScriptDependencies {
  /** The page's script runner (undefined: scripts cannot run here). */
  runner: ScriptRunner | undefined;
  /** The device id the script talks to (the selected device). */
  deviceId: () => string | undefined;
  /** The session log (start and end of runs are noted there too). */
  log: LogState;
  /** Fetches a text file of the site (the examples). */
  fetchText: (url: string) => Promise<string>;
  /** Offers a file as a download (Save .lua, files the script saves). */
  download: Download;
  /** The page's current selection, read when a run starts (default: nothing selected). */
  runContext?: () => ScriptRunContext;
  /** The granted workspace folder: its files go to runs, saved files into it (default: none). */
  workspace?: ScriptWorkspace;
  /** The saved-script shortcuts (default: kept for this page only). */
  shortcuts?: ScriptShortcutStore;
  /** Milliseconds since 1970 for console lines. */
  now?: () => number;
  /** Monotonic milliseconds for run durations. */
  clock?: () => number;
}

/** The script the panel starts with. */
export const STARTER_SCRIPT = `-- Lua script: the mp.* API is documented in docs/lua-api.html.
local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local target = mp.backend.get_target_info()
mp.log.info("Connected to " .. target.name)
`;

const MAX_LINES = 5000;

/** The script panel's state. */
export class ScriptState {
  /** The code in the editor. */
  code = $state(STARTER_SCRIPT);
  /** Name used for saving and in error messages. */
  fileName = $state('script.lua');
  /** Text passed to a CortexProg special script's `init(params)` (empty: nil). */
  specialParams = $state('');
  /** Console lines of the current (or last) run. */
  lines = $state.raw<readonly ScriptLine[]>([]);
  /** True while a run is going on. */
  running = $state(false);
  /** True while Stop is waiting for the run to end. */
  stopping = $state(false);
  /** The script's status-bar line (`mp.ui.set_statusbar`). */
  status = $state.raw<{ label: string; value: string } | null>(null);
  /** The confirmation the script waits for. */
  question = $state.raw<ScriptQuestion | undefined>();
  /** The file the script waits for the person to choose. */
  fileRequest = $state.raw<ScriptFileRequest | undefined>();
  /** Files the person gave scripts (`mp.file.*`), and files scripts saved. */
  files = $state.raw<readonly ScriptFile[]>([]);
  /** Why the last example or file could not be opened. */
  error = $state<string | undefined>();
  /** The line the last run failed on (cleared by the next run or another script). */
  errorMark = $state.raw<ScriptErrorMark | undefined>();
  /**
   * "Allow this run to erase and program the device": each run then asks once, naming the
   * device, and starts with `mp.app.allow_hw_writes(true)` in force, so MultiProg scripts
   * that write without calling it run unchanged.
   */
  allowWrites = $state(false);

  private nextId = 1;
  private answer?: (yes: boolean) => void;
  private fileAnswer?: (file: ScriptFile | null) => void;
  private readonly now: () => number;
  private readonly clock: () => number;

  private readonly shortcuts: ScriptShortcutStore;

  constructor(private readonly deps: ScriptDependencies) {
    this.now = deps.now ?? (() => Date.now());
    this.clock = deps.clock ?? (() => performance.now());
    this.shortcuts = deps.shortcuts ?? memoryShortcuts();
  }

  /** The workspace folder scripts read and save files in (where the page offers one). */
  get workspace(): ScriptWorkspace | undefined {
    return this.deps.workspace;
  }

  /** True when scripts can run on this page. */
  get available(): boolean {
    return this.deps.runner !== undefined;
  }

  /** Replaces the code with a bundled example. */
  async loadExample(file: string): Promise<void> {
    try {
      this.code = await this.deps.fetchText(exampleUrl(file));
      this.fileName = file;
      this.error = undefined;
      this.errorMark = undefined;
    } catch (error) {
      this.error = this.deps.log.failure(`Open the example ${file}`, error);
    }
  }

  /** Replaces the code with an opened `.lua` file. */
  open(name: string, text: string): void {
    this.code = text;
    this.fileName = name;
    this.error = undefined;
    this.errorMark = undefined;
  }

  /** Offers the code as a `.lua` download. */
  save(): void {
    const name = /\.lua$/i.test(this.fileName) ? this.fileName : `${this.fileName}.lua`;
    this.deps.download(name, new TextEncoder().encode(this.code));
  }

  /** Adds files scripts may read (`mp.file.load`, …); a file of the same name is replaced. */
  addFiles(files: readonly ScriptFile[]): void {
    const names = files.map((f) => f.name);
    this.files = [...this.files.filter((f) => !names.includes(f.name)), ...files];
  }

  /** Removes a file from the scripts' files. */
  removeFile(name: string): void {
    this.files = this.files.filter((f) => f.name !== name);
  }

  /**
   * Runs the code; resolves when the run has ended. Every line the script logged is in the
   * console, in order, before the closing line; a run that logged an error (e.g. "No programmer
   * is selected") or failed ends with an error line, never with "finished".
   */
  async run(): Promise<void> {
    const runner = this.deps.runner;
    if (this.running || !runner) return;
    this.running = true;
    this.lines = [];
    this.status = null;
    this.errorMark = undefined;
    const deviceId = this.deps.deviceId();
    const context = this.deps.runContext?.() ?? { config: {} };
    const allowHwWrites = this.allowWrites && deviceId !== undefined && (await this.askToWrite(context));
    if (this.allowWrites && !allowHwWrites) {
      this.add(
        'warn',
        deviceId
          ? `${this.fileName} was not started: writing to the device was not allowed.`
          : `${this.fileName} was not started: "Allow writes" needs a selected device.`,
      );
      this.running = false;
      return;
    }
    this.add('info', `Running ${this.fileName}${deviceId ? '' : ' (no device selected)'}…`);
    if (allowHwWrites)
      this.add('warn', `This run may erase and program ${context.deviceName ?? 'the device'}.`);
    const started = this.clock();
    const log = new RunLog();
    const folder = this.deps.workspace?.active ? this.deps.workspace : undefined;
    const files = await this.runFiles(folder);
    const saver = new FolderSaver(folder, (level, text) => this.add(level, text));
    try {
      const result = await runner.run(
        this.code,
        {
          chunkName: this.fileName,
          image: { regions: [], segments: [] },
          deviceId,
          allowHwWrites,
          config: { ...context.config },
          scriptShortcuts: this.shortcuts.load(),
          files,
          workspace: folder?.name,
          specialParams: this.specialParams.trim() === '' ? undefined : this.specialParams.trim(),
        },
        this.callbacks(log, saver),
      );
      if (result.scriptShortcuts) this.shortcuts.save(result.scriptShortcuts);
      // Log lines and saved files (today's log is saved as the run ends) travel on the
      // callbacks' own channel: take in every one still on its way before the closing line.
      await log.drained();
      await saver.done();
      const took = duration(this.clock() - started);
      if (result.ok && log.errors === 0) {
        this.add('info', `${this.fileName} finished in ${took}.`);
        this.deps.log.info(`Script ${this.fileName} finished in ${took}.`);
      } else if (result.ok) {
        const what = log.errors === 1 ? 'an error' : `${log.errors} errors`;
        this.add('error', `${this.fileName} ended with ${what} after ${took}.`);
        this.deps.log.error(`Script ${this.fileName} ended with ${what}: ${log.firstError}`);
      } else if (result.error?.code === 'CANCELLED') {
        this.add('warn', `${this.fileName} was stopped after ${took}.`);
        this.deps.log.warn(`Script ${this.fileName} was stopped.`);
      } else {
        const message = result.error?.message ?? 'The script failed.';
        this.add('error', message);
        this.deps.log.error(`Script ${this.fileName} failed: ${message}`);
        const line = result.error?.line;
        if (line !== undefined && (result.error?.file ?? this.fileName) === this.fileName) {
          this.errorMark = { line, message };
        }
      }
    } catch (error) {
      await log.drained();
      await saver.done();
      this.add('error', describeError(error).text);
      this.deps.log.failure(`Run ${this.fileName}`, error);
    } finally {
      this.settleQuestion(false);
      this.running = false;
      this.stopping = false;
    }
  }

  /** Stops the run (a waiting confirmation counts as "Cancel"). */
  async stop(): Promise<void> {
    if (!this.running || !this.deps.runner) return;
    this.stopping = true;
    this.settleQuestion(false);
    await this.deps.runner.stop();
  }

  /**
   * Answers the file request the script waits for (null: cancelled). A file chosen for a path
   * the script named joins "Files for scripts" under that path's base name, so the next runs
   * find it without asking.
   */
  provideFile(file: ScriptFile | null): void {
    const request = this.fileRequest;
    const answer = this.fileAnswer;
    this.fileRequest = undefined;
    this.fileAnswer = undefined;
    if (!answer) return;
    const given = file && request?.keepAs ? { name: request.keepAs, bytes: file.bytes } : file;
    if (given) this.addFiles([given]);
    answer(given);
  }

  /** Answers the confirmation the script waits for. */
  respond(yes: boolean): void {
    this.settleQuestion(yes);
  }

  /**
   * The files a run gets: the workspace folder's (when one is granted), then the panel's,
   * which win over a folder file of the same name.
   */
  private async runFiles(folder: ScriptWorkspace | undefined): Promise<ScriptFile[]> {
    if (!folder) return [...this.files];
    try {
      const { files, skipped } = await folder.files();
      if (skipped.length > 0)
        this.add(
          'warn',
          `Left out of the run for their size (over 16 MiB each or 256 MiB in all): ${skipped.join(', ')}.`,
        );
      const panel = this.files.map((f) => f.name);
      return [...files.filter((f) => !panel.includes(f.name)), ...this.files];
    } catch (error) {
      this.add('error', `The folder ${folder.name ?? ''} could not be read: ${describeError(error).text}`);
      return [...this.files];
    }
  }

  /** The one confirmation that lets this run write to the device. */
  private askToWrite(context: ScriptRunContext): Promise<boolean> {
    const device = context.deviceName ?? 'the selected device';
    return this.ask(
      `Allow ${this.fileName} to erase and program ${device} during this run? ` +
        'The script can then change the chip without asking again, as mp.app.allow_hw_writes(true) would.',
    );
  }

  private ask(message: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.settleQuestion(false);
      this.answer = resolve;
      this.question = { message };
    });
  }

  /** Empties the console. */
  clearConsole(): void {
    this.lines = [];
  }

  private settleQuestion(yes: boolean): void {
    this.provideFile(null);
    const answer = this.answer;
    this.answer = undefined;
    this.question = undefined;
    answer?.(yes);
  }

  private add(level: ScriptLogLevel, text: string, time = this.now()): void {
    const line: ScriptLine = { id: this.nextId++, time, level, text };
    const kept = this.lines.length >= MAX_LINES ? this.lines.slice(1 - MAX_LINES) : this.lines;
    this.lines = [...kept, line];
  }

  private callbacks(log: RunLog, saver: FolderSaver): ScriptCallbacks {
    return {
      onLog: (level, text, time) => {
        log.seen(level, text);
        this.add(level, text, time);
      },
      onStatus: (status) => {
        this.status = status;
      },
      confirm: (message) => this.ask(message),
      pickFile: (accept, wanted) =>
        new Promise<ScriptFile | null>((resolve) => {
          this.settleQuestion(false);
          this.fileAnswer = resolve;
          this.fileRequest = { accept, wanted, keepAs: wanted === undefined ? undefined : baseName(wanted) };
        }),
      onFileSaved: (file) => {
        if (saver.active) {
          saver.save(file, () => {
            this.addFiles([file]);
            this.deps.download(file.name, file.bytes);
          });
          return;
        }
        this.addFiles([file]);
        this.deps.download(file.name, file.bytes);
      },
    };
  }
}

/**
 * Writes the files a run saves into the workspace folder, one after another in the order the
 * script saved them (an `append_text` per line writes the file again each time), and says so
 * once per file; a file the folder refuses is offered as a download instead.
 */
class FolderSaver {
  private queue: Promise<void> = Promise.resolve();
  private readonly told: string[] = [];

  constructor(
    private readonly folder: ScriptWorkspace | undefined,
    private readonly say: (level: ScriptLogLevel, text: string) => void,
  ) {}

  /** True when saved files go to a folder. */
  get active(): boolean {
    return this.folder !== undefined;
  }

  /** Queues a write; `fallback` runs when the folder refuses it. */
  save(file: ScriptFile, fallback: () => void): void {
    const folder = this.folder!;
    this.queue = this.queue.then(async () => {
      try {
        await folder.save(file);
        if (!this.told.includes(file.name)) {
          this.told.push(file.name);
          this.say('info', `Saved ${file.name} in the folder ${folder.name ?? ''}.`);
        }
      } catch (error) {
        this.say(
          'error',
          `${file.name} could not be written to the folder ${folder.name ?? ''}: ${describeError(error).text} It is offered as a download.`,
        );
        fallback();
      }
    });
  }

  /** Resolves when every queued write has ended. */
  done(): Promise<void> {
    return this.queue;
  }
}

/** Shortcuts kept in memory only (tests, pages without storage). */
function memoryShortcuts(): ScriptShortcutStore {
  let saved: ScriptShortcut[] = [];
  return {
    load: () => saved.map((s) => ({ ...s })),
    save: (list) => {
      saved = list.map((s) => ({ name: s.name, path: s.path }));
    },
  };
}

/** How long the console waits for log lines still on their way after a run ended. */
const DRAIN_QUIET_TURNS = 2;
/** Most turns the drain waits in all (a script still logging from elsewhere cannot hold the end up). */
const DRAIN_MAX_TURNS = 50;

/**
 * What one run logged: counts errors and tells when lines stopped arriving. The worker posts
 * log lines on the callbacks' MessagePort and the result on another, so the result can overtake
 * lines posted before it; `drained` waits for event-loop turns until no line came in for
 * {@link DRAIN_QUIET_TURNS} turns in a row.
 */
class RunLog {
  /** Error lines logged so far. */
  errors = 0;
  /** The first error line. */
  firstError = '';
  private arrived = 0;

  /** Notes a line. */
  seen(level: ScriptLogLevel, text: string): void {
    this.arrived++;
    if (level === 'error') {
      if (this.errors === 0) this.firstError = text;
      this.errors++;
    }
  }

  /** Resolves once lines have stopped arriving. */
  async drained(): Promise<void> {
    let quiet = 0;
    for (let turn = 0; turn < DRAIN_MAX_TURNS && quiet < DRAIN_QUIET_TURNS; turn++) {
      const before = this.arrived;
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      quiet = this.arrived === before ? quiet + 1 : 0;
    }
  }
}
