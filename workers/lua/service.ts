/** The Lua worker's implementation of {@link LuaWorkerApi}. */
import { LuaFactory } from 'wasmoon';
import type { LuaValue, LuaWorkerApi } from './api';
import { runChunk } from './runner';
import { applySandbox } from './sandbox';

/** Memory a script may use before it fails with "not enough memory". */
export const SCRIPT_MEMORY_LIMIT = 64 * 1024 * 1024;

/**
 * Creates the Lua service. `wasmUrl` is where the Lua wasm is served from (Vite's `?url`
 * import in the browser; a file path in Node tests); never a CDN.
 */
export function createLuaService(wasmUrl: string | undefined, version: string): LuaWorkerApi {
  const factory = new LuaFactory(wasmUrl);
  return {
    async hello() {
      return { version, time: performance.now() };
    },
    async evaluate(code, chunkName = 'script.lua') {
      const engine = await factory.createEngine({
        enableProxy: false,
        injectObjects: false,
        traceAllocations: true,
      });
      try {
        engine.global.setMemoryMax(SCRIPT_MEMORY_LIMIT);
        applySandbox(engine);
        const values = await runChunk(engine, code, { chunkName });
        return values.map(toLuaValue);
      } finally {
        engine.global.close();
      }
    },
  };
}

/** Converts a value wasmoon returned into plain, cloneable data. */
function toLuaValue(value: unknown): LuaValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toLuaValue);
  if (typeof value === 'object') {
    const out: Record<string, LuaValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toLuaValue(v);
    return out;
  }
  return String(value);
}
