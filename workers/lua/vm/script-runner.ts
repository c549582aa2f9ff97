/**
 * Runs a script on a thread of its own instead of wasmoon's `doString` (which leaks the Lua
 * stack in 1.16) or `Thread.run` (which needs `setImmediate`). When the script waits in a
 * blocking native, the runner awaits the operation (raced against the abort signal) and
 * resumes the thread. Lua errors become `SCRIPT_ERROR` with the script's line; a stop
 * (signal or shared stop flag) becomes `CANCELLED`.
 */
import { LuaReturn } from 'wasmoon';
import { WebProgError } from '../../../src/core/errors';
import type { LuaValue } from '../api';
import { readLuaValues } from './lua-values';
import { pendingSettled, STOP_MESSAGE } from './native-bridge';
import type { ScriptEngine } from './lua-vm';

/** Options of {@link runChunk}. */
export interface RunChunkOptions {
  /** Name shown in error messages as `NAME:LINE: message`. */
  chunkName?: string;
  /** Stops the run while it waits for a blocking call (or between resumes). */
  signal?: AbortSignal;
  /** Shared stop flag (word 0 non-zero = stop), watched every 1000 instructions. */
  stopFlag?: Int32Array;
}

/**
 * Loads `code` as chunk `chunkName` and runs it to completion on a new thread of `engine`,
 * returning its return values as plain data (bounded: see {@link readLuaValues}).
 */
export async function runChunk(
  engine: ScriptEngine,
  code: string,
  options: RunChunkOptions = {},
): Promise<LuaValue[]> {
  const chunkName = options.chunkName ?? 'script.lua';
  const { signal, stopFlag } = options;
  const stopped = () =>
    Boolean(signal?.aborted) || (stopFlag !== undefined && Atomics.load(stopFlag, 0) !== 0);
  const global = engine.engine.global;
  const thread = global.newThread();
  const threadIndex = global.getTop();
  if (stopFlag) engine.bridge.watchStopFlag(thread.address, stopFlag);
  try {
    try {
      thread.loadString(code, '@' + chunkName);
    } catch (error) {
      throw scriptError(error instanceof Error ? error.message : String(error), chunkName);
    }
    let resume = thread.resume(0);
    while (resume.result === LuaReturn.Yield) {
      // Values yielded at the top level (a bare coroutine.yield) are dropped.
      if (resume.resultCount > 0) thread.pop(resume.resultCount);
      const settled = pendingSettled(engine.scope);
      if (settled) await untilSettledOrAborted(settled, signal);
      if (stopped()) throw stopError();
      resume = thread.resume(0);
    }
    if (resume.result !== LuaReturn.Ok) {
      if (stopped()) throw stopError();
      if (resume.result === LuaReturn.ErrorMem) {
        throw scriptError(
          `${chunkName}: not enough memory (a script may use ${memoryLimitText(engine)}).`,
          chunkName,
        );
      }
      throw scriptError(String(thread.indexToString(-1)), chunkName);
    }
    return readLuaValues(engine.bridge.raw, engine.bridge.strings, thread.address, 1, thread.getTop());
  } finally {
    if (stopFlag) engine.bridge.clearStopFlag(stopFlag);
    global.remove(threadIndex);
  }
}

function memoryLimitText(engine: ScriptEngine): string {
  return `${Math.round(engine.memoryLimit / (1024 * 1024))} MiB`;
}

function untilSettledOrAborted(settled: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return settled;
  if (signal.aborted) return Promise.reject(stopError());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(stopError());
    signal.addEventListener('abort', onAbort, { once: true });
    settled.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => undefined,
    );
  });
}

function stopError(): WebProgError {
  return new WebProgError('CANCELLED', STOP_MESSAGE);
}

/** A `SCRIPT_ERROR` for `message`, with the line when the message names one of the chunk. */
export function scriptError(message: string, chunkName: string): WebProgError {
  const text = message.split('\nstack traceback:')[0]!.trim();
  const match = new RegExp(`${escapeRegExp(chunkName)}:(\\d+):`).exec(text);
  return new WebProgError('SCRIPT_ERROR', text, {
    file: chunkName,
    line: match ? Number(match[1]) : undefined,
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
