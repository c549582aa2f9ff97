/**
 * The part of wasmoon's emscripten module (Lua 5.4 C API compiled to wasm) that the runtime
 * calls directly. wasmoon's own JS wrappers convert every argument and result (3–5 µs per
 * call, strings cut at NUL); calling the C API directly costs ≈ 0.2 µs and keeps byte strings
 * intact. Raw APIs that take or return `lua_Integer` use BigInt (64-bit integers).
 */
import type { LuaFactory } from 'wasmoon';

/** A `lua_State *` (an address in wasm memory). */
export type LuaState = number;

/** The raw C API functions and heap views the runtime uses. */
export interface RawLua {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  _lua_gettop(L: LuaState): number;
  _lua_settop(L: LuaState, index: number): void;
  _lua_type(L: LuaState, index: number): number;
  _lua_tolstring(L: LuaState, index: number, lengthPointer: number): number;
  _lua_tonumberx(L: LuaState, index: number, isNumberPointer: number): number;
  _lua_tointegerx(L: LuaState, index: number, isNumberPointer: number): bigint;
  _lua_isinteger(L: LuaState, index: number): number;
  _lua_toboolean(L: LuaState, index: number): number;
  _lua_rawlen(L: LuaState, index: number): number;
  _lua_next(L: LuaState, index: number): number;
  _lua_checkstack(L: LuaState, n: number): number;
  _lua_topointer(L: LuaState, index: number): number;
  _lua_pushnil(L: LuaState): void;
  _lua_pushboolean(L: LuaState, value: number): void;
  _lua_pushinteger(L: LuaState, value: bigint): void;
  _lua_pushnumber(L: LuaState, value: number): void;
  _lua_pushlstring(L: LuaState, pointer: number, length: number): number;
  _lua_pushcclosure(L: LuaState, fn: number, upvalues: number): void;
  _lua_createtable(L: LuaState, arrayCount: number, hashCount: number): void;
  _lua_setfield(L: LuaState, index: number, keyPointer: number): void;
  _lua_rawseti(L: LuaState, index: number, n: bigint): void;
  _lua_isyieldable(L: LuaState): number;
  _lua_yieldk(L: LuaState, results: number, context: number, continuation: number): number;
  _lua_error(L: LuaState): number;
  _lua_sethook(L: LuaState, hook: number, mask: number, count: number): void;
  _luaL_where(L: LuaState, level: number): void;
}

/** Lua type tags (`lua_type`). */
export const LuaTag = {
  None: -1,
  Nil: 0,
  Boolean: 1,
  Number: 3,
  String: 4,
  Table: 5,
  Function: 6,
} as const;

/** `LUA_REGISTRYINDEX` of wasmoon's build (LUAI_MAXSTACK = 1 000 000). */
const LUA_REGISTRYINDEX = -1_001_000;

/** `lua_upvalueindex(n)`. */
export function upvalueIndex(n: number): number {
  return LUA_REGISTRYINDEX - n;
}

/** `LUA_MASKCOUNT`: call the hook every `count` instructions. */
export const HOOK_MASK_COUNT = 8;

/** The raw module behind a factory (loads the wasm on first use). */
export async function rawLuaOf(factory: LuaFactory): Promise<RawLua> {
  const wasm = await factory.getLuaModule();
  return wasm.module as unknown as RawLua;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Binary-safe string transfer between JS and the Lua stack, through one scratch word for
 * lengths. `HEAPU8` is re-read after every allocation: wasm memory growth replaces it.
 */
export class LuaStrings {
  private readonly lengthPointer: number;

  constructor(private readonly raw: RawLua) {
    this.lengthPointer = raw._malloc(4);
  }

  /** The bytes of the string at `index` (numbers are converted as Lua does). */
  bytes(L: LuaState, index: number): Uint8Array {
    const pointer = this.raw._lua_tolstring(L, index, this.lengthPointer);
    const length = this.raw.HEAPU32[this.lengthPointer >> 2]!;
    return this.raw.HEAPU8.slice(pointer, pointer + length);
  }

  /** The string at `index` decoded as UTF-8. */
  text(L: LuaState, index: number): string {
    const pointer = this.raw._lua_tolstring(L, index, this.lengthPointer);
    const length = this.raw.HEAPU32[this.lengthPointer >> 2]!;
    return decoder.decode(this.raw.HEAPU8.subarray(pointer, pointer + length));
  }

  /**
   * At most the first `maxBytes` bytes of the string at `index`, decoded as UTF-8 (a
   * character cut in two becomes U+FFFD), and how many bytes were left out.
   */
  textPrefix(L: LuaState, index: number, maxBytes: number): { text: string; rest: number } {
    const pointer = this.raw._lua_tolstring(L, index, this.lengthPointer);
    const length = this.raw.HEAPU32[this.lengthPointer >> 2]!;
    const taken = Math.min(length, maxBytes);
    return { text: decoder.decode(this.raw.HEAPU8.subarray(pointer, pointer + taken)), rest: length - taken };
  }

  /** Pushes `bytes` as a Lua string. */
  pushBytes(L: LuaState, bytes: Uint8Array): void {
    const pointer = this.raw._malloc(Math.max(1, bytes.length));
    try {
      this.raw.HEAPU8.set(bytes, pointer);
      this.raw._lua_pushlstring(L, pointer, bytes.length);
    } finally {
      this.raw._free(pointer);
    }
  }

  /** Pushes `text` as a UTF-8 Lua string. */
  pushText(L: LuaState, text: string): void {
    this.pushBytes(L, encoder.encode(text));
  }

  /** Runs `fn` with `text` as a NUL-terminated C string in wasm memory. */
  withCString<T>(text: string, fn: (pointer: number) => T): T {
    const bytes = encoder.encode(text);
    const pointer = this.raw._malloc(bytes.length + 1);
    try {
      this.raw.HEAPU8.set(bytes, pointer);
      this.raw.HEAPU8[pointer + bytes.length] = 0;
      return fn(pointer);
    } finally {
      this.raw._free(pointer);
    }
  }
}
