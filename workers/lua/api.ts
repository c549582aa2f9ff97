/**
 * The Lua worker's API as the page sees it (through comlink). A run gets the page's buffer
 * and files, talks to the device worker over its own MessagePort, and hands the buffer back.
 */
import type { ErrorRecord } from '../../src/core/errors';
import type { ProgressEvent } from '../../src/core/progress';
import type { WorkerHello } from '../device/api';
import type { ImageDto } from '../device/device-api';

/** A value a Lua chunk returned, converted to plain data. */
export type LuaValue = null | boolean | number | string | LuaValue[] | { [key: string]: LuaValue };

/** A file a script can open or has saved. */
export interface ScriptFile {
  /** File name, e.g. "firmware.hex". */
  name: string;
  /** Its bytes. */
  bytes: Uint8Array;
}

/** A saved-script shortcut (`mp.app.list_script_shortcuts`): a script the page can start by name. */
export interface ScriptShortcut {
  /** Name shown for it. */
  name: string;
  /** The script it starts (its name in the page's script list, or a MultiProg path). */
  path: string;
}

/** Levels of `mp.log` (`success` is shown green, `notify` like warn but prominent). */
export type LogLevel = 'debug' | 'info' | 'success' | 'warn' | 'notify' | 'error';

/**
 * The page's side of a run, passed wrapped in `Comlink.proxy`. Calls without a result are
 * not awaited by the worker.
 */
export interface ScriptCallbacks {
  /** A log line (`mp.log.*`, `print`); `time` in ms since the epoch. */
  onLog(level: LogLevel, text: string, time: number): void | Promise<void>;
  /** `mp.ui.set_statusbar` (null: `reset_statusbar`). */
  onStatus(status: { label: string; value: string } | null): void | Promise<void>;
  /** `mp.app.confirm` and the confirmation before erase_segment and mass erase. */
  confirm(message: string): boolean | Promise<boolean>;
  /**
   * `mp.file.pick(accept)`: a file the person chose, or null when they cancelled. Also asked
   * when a script opens a path the run has no file for (`wanted`: the path the script named,
   * e.g. "C:/fw/app.hex"), so the person can point at it once.
   */
  pickFile?(accept: string, wanted?: string): ScriptFile | null | Promise<ScriptFile | null>;
  /** A file the script saved (`mp.file.save*`), to offer as a download. */
  onFileSaved?(file: ScriptFile): void | Promise<void>;
  /** Progress of backend operations. */
  onProgress?(event: ProgressEvent): void | Promise<void>;
}

/** What a run starts with. */
export interface ScriptRunOptions {
  /** Name in error messages (`NAME:LINE: message`); default "script.lua". */
  chunkName?: string;
  /** The page's buffer. */
  image: ImageDto;
  /** Files the person opened, available to `mp.file`. */
  files?: ScriptFile[];
  /** The selected programmer (a device id of the device worker). */
  deviceId?: string;
  /** Initial `mp.app.allow_hw_writes` state (default false). */
  allowHwWrites?: boolean;
  /** `mp.config.get()`. */
  config?: Record<string, string | number | boolean>;
  /**
   * The workspace folder the run's `files` come from and its saved files go to (its name in
   * the app, its path on the command line): `mp.app.documents_dir()`, `scripts_dir()`,
   * `home_dir()`, `desktop_dir()` and `config_dir()` give it, and the run's log lines are
   * appended to today's log in it (`mp.app.log_path()`, saved as the script's files are).
   * Absent: those answer "Not Supported" and no log file is written.
   */
  workspace?: string;
  /** The run's parameters, `mp.app.args()` (the command line's words after `--`). */
  args?: string[];
  /** The page's saved-script shortcuts (`mp.app.list_script_shortcuts`); the run hands back the changed list. */
  scriptShortcuts?: ScriptShortcut[];
  /** Call id used for every device call of the run, so the page can `cancel` it. */
  deviceCallId?: number;
  /** Shared stop flag: `Int32Array(stopFlag)[0] = 1` stops the run within ~1000 instructions. */
  stopFlag?: SharedArrayBuffer;
  /** Memory cap of the script in bytes (default 64 MiB). */
  memoryLimit?: number;
  /**
   * CortexProg special scripts: the text `init(params)` receives (CortexProg's `"{…}"`
   * argument without the braces); nil when absent.
   */
  specialParams?: string;
}

/** How a run ended. */
export interface ScriptRunResult {
  /** True when the script ran to its end. */
  ok: boolean;
  /** Why it failed: `SCRIPT_ERROR` (with line), `CANCELLED` (stopped)... */
  error?: ErrorRecord;
  /** What the script returned. */
  returns: LuaValue[];
  /** The buffer at the end of the run. */
  image: ImageDto;
  /** Files the script saved. */
  savedFiles: ScriptFile[];
  /** The saved-script shortcuts after the run (for the page to keep); absent when the run never started. */
  scriptShortcuts?: ScriptShortcut[];
}

/** What the Lua worker offers the page. */
export interface LuaWorkerApi {
  /** Answers at once; proves the worker is alive. */
  hello(): Promise<WorkerHello>;
  /** Runs a Lua chunk in a fresh sandboxed state (no `mp`) and returns its return values. */
  evaluate(code: string, chunkName?: string): Promise<LuaValue[]>;
  /** Runs a script with the `mp` API; one run at a time. */
  run(code: string, options: ScriptRunOptions, callbacks: ScriptCallbacks): Promise<ScriptRunResult>;
  /** Stops the current run if it is waiting (device call, sleep, confirm); see `LuaRunnerClient` for busy loops. */
  stop(): Promise<void>;
  /** The Lua worker's end of a MessageChannel whose other end exposes `DeviceOperationsApi`. */
  connectDevicePort(port: MessagePort): Promise<void>;
}
