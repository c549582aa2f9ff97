/**
 * The Lua virtual machine of the Lua worker: one wasm module (wasmoon 1.16, Lua 5.4) and a
 * fresh engine (Lua state) per script run, each with a memory cap, so a script that
 * allocates too much fails with "not enough memory" and never takes the page down, and no
 * state leaks from one run to the next.
 */
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { WebProgError } from '../../../src/core/errors';
import { NativeBridge, type NativeEntry, type NativeScope } from './native-bridge';
import { rawLuaOf } from './raw-lua';

/** Memory a script may use before it fails with "not enough memory". */
export const SCRIPT_MEMORY_LIMIT = 64 * 1024 * 1024;

/** `LUA_OK`. */
const LUA_OK = 0;

/** The wasm module and the native machinery shared by every engine. */
export class LuaVm {
  private constructor(
    private readonly factory: LuaFactory,
    /** Natives, blocking calls and the stop hook. */
    readonly bridge: NativeBridge,
  ) {}

  /**
   * Loads the Lua wasm from `wasmUrl` (Vite's `?url` import in the browser, never a CDN; in
   * Node, undefined loads it from the wasmoon package).
   */
  static async create(wasmUrl?: string): Promise<LuaVm> {
    const factory = new LuaFactory(wasmUrl);
    return new LuaVm(factory, new NativeBridge(await rawLuaOf(factory)));
  }

  /** A fresh engine with the standard libraries, capped at `memoryLimit` bytes. */
  async createEngine(memoryLimit = SCRIPT_MEMORY_LIMIT): Promise<ScriptEngine> {
    const engine = await this.factory.createEngine({
      enableProxy: false,
      injectObjects: false,
      traceAllocations: true,
    });
    engine.global.setMemoryMax(memoryLimit);
    return new ScriptEngine(engine, this.bridge, this.bridge.createScope(), memoryLimit);
  }
}

/** One Lua state plus its natives. Close it when the run ends. */
export class ScriptEngine {
  private closed = false;

  constructor(
    /** The wasmoon engine. */
    readonly engine: LuaEngine,
    /** The shared native machinery. */
    readonly bridge: NativeBridge,
    /** This engine's natives and pending blocking call. */
    readonly scope: NativeScope,
    /** Bytes the whole run may use (the Lua heap's cap may be lower while natives hold memory). */
    readonly memoryLimit = SCRIPT_MEMORY_LIMIT,
  ) {}

  /**
   * Runs a runtime chunk (sandbox, `mp` prelude) on the main state, synchronously, passing
   * one table of natives per entry of `nativeTables` as the chunk's arguments (`...`).
   * Chunks are named "=mp" so errors raised by natives they wrap point at the script's line.
   */
  exec(source: string, nativeTables: readonly Readonly<Record<string, NativeEntry>>[] = []): void {
    const global = this.engine.global;
    const L = global.address;
    const top = global.getTop();
    try {
      global.loadString(source, '=mp');
      for (const natives of nativeTables) this.bridge.pushTable(L, this.scope, natives);
      const status = global.lua.lua_pcallk(L, nativeTables.length, 0, 0, 0, null);
      if (status !== LUA_OK) {
        throw new WebProgError('INTERNAL', `Runtime chunk failed: ${this.bridge.strings.text(L, -1)}`);
      }
    } finally {
      global.setTop(top);
    }
  }

  /** Bytes the state uses now. */
  memoryUsed(): number {
    return this.engine.global.getMemoryUsed();
  }

  /** Caps the Lua heap at `max` bytes (allocations beyond fail with "not enough memory"). */
  setMemoryMax(max: number): void {
    this.engine.global.setMemoryMax(max);
  }

  /** Frees the state. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.disposeScope(this.scope);
    this.engine.global.close();
  }
}
