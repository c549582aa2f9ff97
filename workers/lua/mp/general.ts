/** `mp.log`, `mp.ui`, `mp.config` and `mp.app` natives (the Lua side adds formatting). */
import { WebProgError } from '../../../src/core/errors';
import { MP_API_VERSION } from '../spec';
import type { LogLevel } from '../api';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import { configNatives } from './config';
import { baseName } from './file-paths';
import { notify, type ScriptContext } from './context';
import { MAX_LOG_LINE } from './log-cap';
import { LOG_FILE_WAITING } from './log-file';
import { natives } from './natives';

/** Characters of a status bar label or value, and of a confirmation question. */
const MAX_STATUS_TEXT = 1024;
const MAX_QUESTION = 4096;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters cut]` : text;
}

const LEVELS: ReadonlySet<string> = new Set<LogLevel>([
  'debug',
  'info',
  'success',
  'warn',
  'notify',
  'error',
]);

/** Longest `mp.app.sleep` (one day), to catch unit mistakes. */
const MAX_SLEEP_MS = 24 * 3600 * 1000;

/** Resolves after `ms`, or rejects with CANCELLED when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<readonly unknown[]> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WebProgError('CANCELLED', 'Script stopped.'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve([]);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Most saved-script shortcuts a run keeps. */
const MAX_SHORTCUTS = 256;

/** MultiProg's folder functions that give the workspace folder when the person granted one. */
const WORKSPACE_FOLDERS = new Set(['config_dir', 'scripts_dir', 'home_dir', 'desktop_dir', 'documents_dir']);

/** MultiProg's folder functions, and what a browser cannot show of the computer. */
const NO_FOLDER: Record<string, string> = {
  exe_dir: 'the folder of a program (WebProg is a web page)',
  exe_path: 'the path of a program (WebProg is a web page)',
  config_dir: 'a configuration folder (settings live in the browser storage)',
  scripts_dir: 'a scripts folder (scripts live in the browser storage)',
  temp_dir: "the computer's temporary folder",
  home_dir: "the person's home folder",
  desktop_dir: "the person's desktop folder",
  documents_dir: "the person's documents folder",
};

/**
 * The browser (or Node, under the command line and tests) the run is in, with MultiProg's
 * fields (`os`, `os_version`, `kernel`, `kernel_version`, `cpu_arch`, `hostname`) filled with
 * what the page can see: a web page cannot see the computer's name or kernel, so those are "".
 */
function osInfo(): Record<string, string | number> {
  const nav = (
    globalThis as {
      navigator?: {
        userAgent?: string;
        platform?: string;
        language?: string;
        hardwareConcurrency?: number;
        userAgentData?: { platform?: string };
      };
    }
  ).navigator;
  const proc = (
    globalThis as { process?: { versions?: { node?: string }; platform?: string; arch?: string } }
  ).process;
  const unknown = { os_version: '', kernel: '', kernel_version: '', hostname: '' };
  if (proc?.versions?.node) {
    return {
      name: 'node',
      version: proc.versions.node,
      platform: proc.platform ?? '',
      arch: proc.arch ?? '',
      cores: nav?.hardwareConcurrency ?? 0,
      os: proc.platform ?? '',
      cpu_arch: proc.arch ?? '',
      ...unknown,
    };
  }
  return {
    name: 'browser',
    user_agent: nav?.userAgent ?? '',
    platform: nav?.platform ?? '',
    language: nav?.language ?? '',
    cores: nav?.hardwareConcurrency ?? 0,
    os: nav?.userAgentData?.platform || nav?.platform || '',
    cpu_arch: '',
    ...unknown,
  };
}

/** Natives of the small modules, keyed by module. */
export function generalNatives(
  ctx: ScriptContext,
): Record<'log' | 'ui' | 'config' | 'app', Record<string, NativeEntry>> {
  return {
    log: natives('mp.log', {
      write: (c) => {
        const level = c.string(1, 'level');
        if (!LEVELS.has(level)) throw new WebProgError('INVALID_ARGUMENT', `Unknown log level "${level}".`);
        const { text: read, rest } = c.stringPrefix(2, 'text', MAX_LOG_LINE);
        const text = ctx.log.line(read, rest);
        if (text === undefined) return [];
        ctx.logTail.add(level, text);
        const time = Date.now();
        if (ctx.logFile) {
          ctx.logFile.add(level, text, time);
          ctx.memory.track(LOG_FILE_WAITING, ctx.logFile.waiting * 2);
        }
        notify(() => ctx.callbacks.onLog(level as LogLevel, text, time));
        return [];
      },
    }),
    ui: natives('mp.ui', {
      set_statusbar: (c) => {
        const status = {
          label: cut(c.string(1, 'label'), MAX_STATUS_TEXT),
          value: cut(c.string(2, 'value'), MAX_STATUS_TEXT),
        };
        notify(() => ctx.callbacks.onStatus(status));
        return [];
      },
      reset_statusbar: () => {
        notify(() => ctx.callbacks.onStatus(null));
        return [];
      },
    }),
    config: configNatives(ctx),
    app: natives('mp.app', {
      allow_hw_writes: (c) => {
        ctx.allowHwWrites = c.boolean(1, 'allow');
        return [];
      },
      hw_writes_allowed: () => [ctx.allowHwWrites],
      confirm: (c) => {
        const message = cut(c.string(1, 'message'), MAX_QUESTION);
        return new Blocking(Promise.resolve(ctx.callbacks.confirm(message)).then((yes) => [Boolean(yes)]));
      },
      sleep: (c) => {
        const ms = c.integer(1, 'ms');
        if (ms < 0 || ms > MAX_SLEEP_MS)
          throw new WebProgError('INVALID_ARGUMENT', `Cannot sleep ${ms} ms (0 to ${MAX_SLEEP_MS}).`);
        return new Blocking(sleep(ms, ctx.signal));
      },
      version: () => [ctx.version],
      build_info: () => [
        {
          version: ctx.version,
          script_api_version: MP_API_VERSION,
          script_api: MP_API_VERSION,
          lua: 'Lua 5.4 (wasmoon)',
          platform: 'web',
          compiler: 'TypeScript',
          // Not recorded in this build; WebProg is not a Qt program.
          git_hash: '',
          build_time: '',
          qt_version: '',
        },
      ],
      os_info: () => [osInfo()],
      log_path: () =>
        ctx.logFile
          ? [ctx.logFile.path]
          : [
              undefined,
              'Not Supported: without a workspace folder the log is not a file (grant one in the script panel; mp.app.log_tail gives the last lines).',
            ],
      log_tail: (c) => {
        const n = c.optInteger(1, 'n', 50);
        return [ctx.logTail.last(n).join('\n')];
      },
      list_script_shortcuts: () => [ctx.scriptShortcuts.map((s) => ({ ...s }))],
      add_script_shortcut: (c) => {
        const path = c.string(1, 'path');
        const name = c.optString(2, 'name') ?? baseName(path).replace(/\.lua$/i, '');
        if (!path.trim()) return [false, 'The script path is empty.'];
        if (ctx.scriptShortcuts.some((s) => s.name === name))
          return [false, `A shortcut named "${name}" exists already.`];
        if (ctx.scriptShortcuts.length >= MAX_SHORTCUTS)
          return [false, `At most ${MAX_SHORTCUTS} shortcuts.`];
        ctx.scriptShortcuts.push({ name: cut(name, MAX_STATUS_TEXT), path: cut(path, MAX_STATUS_TEXT) });
        return [true, ''];
      },
      remove_script_shortcut: (c) => {
        const key = c.string(1, 'name');
        const at = ctx.scriptShortcuts.findIndex((s) => s.name === key || s.path === key);
        if (at < 0) return [false, `No shortcut named "${key}".`];
        ctx.scriptShortcuts.splice(at, 1);
        return [true, ''];
      },
      get_env: () => [undefined, 'Not Supported: a web page has no environment variables.'],
      cleanup_ipc_dir: () => [true, ''],
      ...Object.fromEntries(
        Object.entries(NO_FOLDER).map(([fn, what]) => [
          fn,
          () =>
            ctx.workspace !== undefined && WORKSPACE_FOLDERS.has(fn)
              ? [ctx.workspace]
              : [
                  undefined,
                  `Not Supported: a web page cannot see ${what}${WORKSPACE_FOLDERS.has(fn) ? ' (grant a workspace folder in the script panel)' : ''}.`,
                ],
        ]),
      ),
      args: () => [[...ctx.args]],
      script_api_version: () => [MP_API_VERSION],
    }),
  };
}
