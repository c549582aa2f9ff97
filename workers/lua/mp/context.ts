/** The state of one script run that the `mp.*` natives share. */
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import type { ProgressEvent } from '../../../src/core/progress';
import type { DeviceOperationsApi } from '../../device/device-api';
import type { ScriptCallbacks, ScriptFile, ScriptShortcut } from '../api';
import type { LogCap } from './log-cap';
import type { RunLogFile } from './log-file';
import type { LogTail } from './log-tail';
import type { RunMemory } from './run-memory';

/** One script run's state. */
export interface ScriptContext {
  /** The buffer (replaced by backend reads and by connect). */
  image: MemoryImage;
  /** Region the functions with an optional region use. */
  selectedRegion?: string;
  /** Regions the script made read-only (`mp.memory.set_writable`): writes there return false. */
  readOnlyRegions: Set<string>;
  /** Files the script may open, by name. */
  files: Map<string, Uint8Array>;
  /** Files the script saved, in the order first saved; the last version of each name only. */
  savedFiles: ScriptFile[];
  /** The run's memory budget (Lua heap and what natives hold). */
  memory: RunMemory;
  /** Bytes of data in the buffer when the run started (its growth counts against {@link memory}). */
  bufferBaseline: number;
  /** The run's log budget. */
  log: LogCap;
  /** The run's last log lines (`mp.app.log_tail`). */
  logTail: LogTail;
  /** Today's log in the workspace folder (`mp.app.log_path`); absent without a workspace. */
  logFile?: RunLogFile;
  /** The page's saved-script shortcuts, changed by `mp.app.*_script_shortcut` and handed back. */
  scriptShortcuts: ScriptShortcut[];
  /** The device worker's operations, when the page connected them. */
  device?: DeviceOperationsApi;
  /** The selected programmer. */
  deviceId?: string;
  /** Call id of every device call of this run (for `cancel`); calls never overlap. */
  deviceCallId: number;
  /** `mp.app.allow_hw_writes` state. */
  allowHwWrites: boolean;
  /** `mp.backend.set_id_code`: the ID code connect authenticates with (Renesas RA). */
  idCode?: string;
  /** The selection `mp.config.get()` returns and its setters change. */
  config: Record<string, string | number | boolean>;
  /** The workspace folder's path (the person granted it; `webprog run`: the current folder), if any. */
  workspace?: string;
  /** `mp.app.args()`. */
  args: readonly string[];
  /** The page's callbacks. */
  callbacks: ScriptCallbacks;
  /** Last progress event of a backend call. */
  lastProgress?: ProgressEvent;
  /** Aborted when the run is stopped. */
  signal: AbortSignal;
  /** App version. */
  version: string;
}

/** Calls a page callback without waiting; a failure is ignored (the page may be gone). */
export function notify(action: () => unknown): void {
  try {
    const result = action();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // The page's end of the callback proxy is gone; nothing to tell.
  }
}

/** Buffer writes at least this big check and update the memory budget (smaller ones are not worth a count). */
const LARGE_WRITE = 64 * 1024;

/**
 * Runs `write`, which may grow the buffer by up to `bytes`: a large one is first checked
 * against the run's memory budget, and the buffer's growth is counted after.
 */
export function growBuffer<T>(ctx: ScriptContext, bytes: number, write: () => T): T {
  if (bytes < LARGE_WRITE) return write();
  ctx.memory.reserve(bytes);
  const result = write();
  countBuffer(ctx);
  return result;
}

/** Counts the buffer's growth since the run started against the memory budget. */
export function countBuffer(ctx: ScriptContext): void {
  ctx.memory.track('buffer', Math.max(0, ctx.image.data.byteCount - ctx.bufferBaseline));
}
