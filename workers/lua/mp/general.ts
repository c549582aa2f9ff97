/** `mp.log`, `mp.ui`, `mp.config` and `mp.app` natives (the Lua side adds formatting). */
import { WebProgError } from '../../../src/core/errors';
import { MP_API_VERSION } from '../spec';
import type { LogLevel } from '../api';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import { configNatives } from './config';
import { notify, type ScriptContext } from './context';
import { MAX_LOG_LINE } from './log-cap';
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
        const time = Date.now();
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
      args: () => [[...ctx.args]],
      script_api_version: () => [MP_API_VERSION],
    }),
  };
}
