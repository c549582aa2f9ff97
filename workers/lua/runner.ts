/**
 * Runs a Lua chunk on a thread of its own instead of wasmoon's `doString` (which leaks the
 * Lua stack in 1.16, see the reference notes). Yielded JS promises are awaited and the thread
 * resumed; an AbortSignal stops the run at the next yield.
 */
import { LuaReturn, type LuaEngine } from 'wasmoon';
import { WebProgError, throwIfCancelled } from '../../src/core/errors';

/** Options of {@link runChunk}. */
export interface RunOptions {
  /** Name shown in error messages as `NAME:LINE: message`. */
  chunkName?: string;
  /** Stops the run at its next yield. */
  signal?: AbortSignal;
}

/**
 * Loads `code` as a chunk named `chunkName` and runs it to completion on a new thread of
 * `engine`, returning its return values. Lua errors become `SCRIPT_ERROR` with the line.
 */
export async function runChunk(
  engine: LuaEngine,
  code: string,
  options: RunOptions = {},
): Promise<unknown[]> {
  const chunkName = options.chunkName ?? 'script.lua';
  const main = engine.global;
  const thread = main.newThread();
  const threadIndex = main.getTop();
  try {
    try {
      thread.loadString(code, '@' + chunkName);
    } catch (error) {
      throw scriptError(error, chunkName);
    }
    let resume = thread.resume(0);
    while (resume.result === LuaReturn.Yield) {
      throwIfCancelled(options.signal);
      if (resume.resultCount > 0) {
        const yielded: unknown = thread.getValue(-1);
        thread.pop(resume.resultCount);
        if (yielded instanceof Promise) await yielded;
      }
      throwIfCancelled(options.signal);
      resume = thread.resume(0);
    }
    if (resume.result !== LuaReturn.Ok) {
      const message = thread.getValue(-1);
      throw scriptError(message, chunkName);
    }
    return thread.getStackValues();
  } finally {
    main.remove(threadIndex);
  }
}

function scriptError(error: unknown, chunkName: string): WebProgError {
  const message = error instanceof Error ? error.message : String(error);
  const match = new RegExp(`${escapeRegExp(chunkName)}:(\\d+):`).exec(message);
  return new WebProgError('SCRIPT_ERROR', message, {
    file: chunkName,
    line: match ? Number(match[1]) : undefined,
    cause: error instanceof Error ? error : undefined,
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
