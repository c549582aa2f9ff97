/**
 * Natives: JS functions scripts call, registered as raw C closures (one shared dispatcher,
 * the native's key as upvalue) instead of wasmoon's function wrapper, which converts every
 * argument (≈ 3 µs per call; ≈ 0.2 µs here).
 *
 * A *blocking* native starts an async operation and yields the calling thread with
 * `lua_yieldk` and one shared continuation; the runner awaits the operation, and resuming
 * the thread runs the continuation, which pushes the results. To the script the call looks
 * blocking. Adapted from the "alternative 1" of the project's wasmoon notes (raw
 * `lua_yieldk` + one continuation), which replaces wasmoon's `promise:await()` (one wasm
 * table slot and ≈ 45 µs per call).
 *
 * A count hook watches a shared stop flag (a SharedArrayBuffer word): once it is set the hook
 * re-arms itself at every instruction and raises an error each time, so `pcall` loops end.
 */
import { WebProgError } from '../../../src/core/errors';
import { LuaCall, pushValue } from './lua-call';
import { HOOK_MASK_COUNT, LuaStrings, upvalueIndex, type LuaState, type RawLua } from './raw-lua';

/** What a native returns: values to push, or a {@link Blocking} operation. */
export type NativeResult = readonly unknown[] | Blocking;

/** A JS function scripts can call. */
export type NativeFn = (call: LuaCall) => NativeResult;

/** A native with its script-visible name. */
export interface NativeEntry {
  /** Name used in error messages, e.g. "mp.memory.read". */
  name: string;
  /** The implementation. */
  fn: NativeFn;
}

/** An async operation a blocking native waits for; resolves to the values the script gets. */
export class Blocking {
  constructor(readonly promise: Promise<readonly unknown[]>) {}
}

/** The message every stopped script fails with. */
export const STOP_MESSAGE = 'Script stopped.';

/** Instructions between two looks at the stop flag. */
const HOOK_INTERVAL = 1000;
/** Prefix of locations inside the runtime's own Lua chunks (loaded as "=mp"). */
const RUNTIME_CHUNK_PREFIX = 'mp:';
/** `LUA_MINSTACK`: free slots pushValue may use beyond the results (nested tables). */
const LUA_MINSTACK = 20;
/** Natives per scope (the key's low 16 bits). */
const SCOPE_CAPACITY = 0x10000;

interface PendingCall {
  name: string;
  settled: Promise<void>;
  outcome?: { values: readonly unknown[] } | { error: unknown };
}

/** The natives of one engine and the blocking call it waits for, if any. */
export class NativeScope {
  readonly natives: NativeEntry[] = [];
  /** The blocking call the script waits for. */
  pending?: PendingCall;
  /** Checks that `bytes` of byte strings may be handed to the script (throws when not). */
  reserve?: (bytes: number) => void;

  constructor(readonly id: number) {}

  /** True while a blocking call waits for its result or for the thread to take it. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }
}

/** Shared machinery of one wasm module: dispatcher, continuation, stop hook. */
export class NativeBridge {
  readonly strings: LuaStrings;
  private readonly scopes = new Map<number, NativeScope>();
  private nextScopeId = 1;
  private readonly dispatcher: number;
  private readonly continuation: number;
  private readonly hook: number;
  private stopFlag?: Int32Array;

  constructor(readonly raw: RawLua) {
    this.strings = new LuaStrings(raw);
    this.dispatcher = raw.addFunction((L: number) => this.dispatch(L), 'ii');
    this.continuation = raw.addFunction(
      (L: number, _status: number, context: number) => this.resumeBlocked(L, context),
      'iiii',
    );
    this.hook = raw.addFunction((L: number) => this.onHook(L), 'vii');
  }

  /** A new, empty scope for one engine. */
  createScope(): NativeScope {
    const scope = new NativeScope(this.nextScopeId++);
    this.scopes.set(scope.id, scope);
    return scope;
  }

  /** Forgets a scope; its natives fail if still called. */
  disposeScope(scope: NativeScope): void {
    this.scopes.delete(scope.id);
  }

  /** Pushes a table `{name = native, ...}` onto L's stack. */
  pushTable(L: LuaState, scope: NativeScope, natives: Readonly<Record<string, NativeEntry>>): void {
    const keys = Object.keys(natives);
    this.raw._lua_createtable(L, 0, keys.length);
    for (const key of keys) {
      if (scope.natives.length >= SCOPE_CAPACITY) throw new WebProgError('INTERNAL', 'Too many natives.');
      scope.natives.push(natives[key]!);
      this.raw._lua_pushinteger(L, BigInt(scope.id * SCOPE_CAPACITY + scope.natives.length - 1));
      this.raw._lua_pushcclosure(L, this.dispatcher, 1);
      this.strings.withCString(key, (pointer) => this.raw._lua_setfield(L, -2, pointer));
    }
  }

  /**
   * Watches `flag` (word 0 non-zero = stop) on thread L and the coroutines it creates. One
   * flag at a time: the worker runs one script at a time.
   */
  watchStopFlag(L: LuaState, flag: Int32Array): void {
    this.stopFlag = flag;
    this.raw._lua_sethook(L, this.hook, HOOK_MASK_COUNT, HOOK_INTERVAL);
  }

  /** Stops watching the flag set by {@link watchStopFlag}. */
  clearStopFlag(flag: Int32Array): void {
    if (this.stopFlag === flag) this.stopFlag = undefined;
  }

  private dispatch(L: LuaState): number {
    const key = Number(this.raw._lua_tointegerx(L, upvalueIndex(1), 0));
    const scope = this.scopes.get(Math.floor(key / SCOPE_CAPACITY));
    const native = scope?.natives[key % SCOPE_CAPACITY];
    if (!scope || !native) return this.raise(L, 'This function belongs to a script that has ended.');
    let result: NativeResult | undefined;
    let failure: string | undefined;
    try {
      result = native.fn(new LuaCall(this.raw, this.strings, L, native.name));
    } catch (error) {
      // emscripten's longjmp (a Lua error raised below us) is not an Error: let it unwind.
      if (!(error instanceof Error)) throw error;
      failure = error.message;
    }
    if (failure !== undefined || result === undefined) return this.raise(L, failure ?? 'no result');
    if (result instanceof Blocking) return this.block(L, scope, native.name, result);
    return this.pushResults(L, scope, result);
  }

  private block(L: LuaState, scope: NativeScope, name: string, blocking: Blocking): number {
    if (!this.raw._lua_isyieldable(L)) {
      // Let the operation finish unobserved; the script gets a clear error instead.
      blocking.promise.catch(() => undefined);
      return this.raise(
        L,
        `${name} waits for the device or the page, which is not possible inside a table.sort comparator, a string.gsub callback or a metamethod.`,
      );
    }
    const pending: PendingCall = { name, settled: Promise.resolve() };
    pending.settled = blocking.promise.then(
      (values) => {
        pending.outcome = { values };
      },
      (error: unknown) => {
        pending.outcome = { error };
      },
    );
    scope.pending = pending;
    return this.raw._lua_yieldk(L, 0, scope.id, this.continuation);
  }

  private resumeBlocked(L: LuaState, scopeId: number): number {
    const scope = this.scopes.get(scopeId);
    const pending = scope?.pending;
    if (!scope || !pending?.outcome) return this.raise(L, 'A blocking call was resumed before it finished.');
    scope.pending = undefined;
    const outcome = pending.outcome;
    if ('error' in outcome) {
      const error = outcome.error;
      return this.raise(L, error instanceof Error ? error.message : String(error));
    }
    return this.pushResults(L, scope, outcome.values);
  }

  /** Pushes a native's results, after checking the scope's budget for the byte strings among them. */
  private pushResults(L: LuaState, scope: NativeScope, values: readonly unknown[]): number {
    if (scope.reserve) {
      const bytes = values.reduce<number>((n, v) => n + (v instanceof Uint8Array ? v.length : 0), 0);
      try {
        if (bytes > 0) scope.reserve(bytes);
      } catch (error) {
        return this.raise(L, error instanceof Error ? error.message : String(error));
      }
    }
    if (!this.raw._lua_checkstack(L, values.length + LUA_MINSTACK)) return this.raise(L, 'too many results');
    for (const value of values) pushValue(this.raw, this.strings, L, value);
    return values.length;
  }

  private onHook(L: LuaState): void {
    if (!this.stopFlag || Atomics.load(this.stopFlag, 0) === 0) return;
    this.raw._lua_sethook(L, this.hook, HOOK_MASK_COUNT, 1);
    this.strings.pushText(L, STOP_MESSAGE);
    this.raw._lua_error(L);
  }

  /** Raises a Lua error `where: message`, where = the script line that called the native. */
  private raise(L: LuaState, message: string): number {
    let where = this.where(L, 1);
    if (where.startsWith(RUNTIME_CHUNK_PREFIX)) where = this.where(L, 2);
    this.strings.pushText(L, where + message);
    return this.raw._lua_error(L);
  }

  private where(L: LuaState, level: number): string {
    this.raw._luaL_where(L, level);
    const text = this.strings.text(L, -1);
    this.raw._lua_settop(L, -2);
    return text;
  }
}

/** Reads `pending.settled` for the runner. */
export function pendingSettled(scope: NativeScope): Promise<void> | undefined {
  return scope.pending && !scope.pending.outcome ? scope.pending.settled : undefined;
}
