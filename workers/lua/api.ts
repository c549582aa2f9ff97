/** The Lua worker's API as the page sees it (through comlink). */
import type { WorkerHello } from '../device/api';

/** A value a Lua chunk returned, converted to plain data. */
export type LuaValue = null | boolean | number | string | LuaValue[] | { [key: string]: LuaValue };

/** What the Lua worker offers the page. */
export interface LuaWorkerApi {
  /** Answers at once; proves the worker is alive. */
  hello(): Promise<WorkerHello>;
  /** Runs a Lua chunk in a fresh sandboxed state and returns its return values. */
  evaluate(code: string, chunkName?: string): Promise<LuaValue[]>;
}
