/**
 * Argument reading and value pushing for natives (JS functions called from Lua), straight on
 * the Lua stack through the raw C API.
 */
import { WebProgError } from '../../../src/core/errors';
import { LuaTag, type LuaState, type LuaStrings, type RawLua } from './raw-lua';

const TYPE_NAMES: Record<number, string> = {
  [LuaTag.None]: 'no value',
  [LuaTag.Nil]: 'nil',
  [LuaTag.Boolean]: 'boolean',
  2: 'userdata',
  [LuaTag.Number]: 'number',
  [LuaTag.String]: 'string',
  [LuaTag.Table]: 'table',
  [LuaTag.Function]: 'function',
  7: 'userdata',
  8: 'thread',
};

/** The arguments of one call of a native, read on demand. */
export class LuaCall {
  constructor(
    private readonly raw: RawLua,
    private readonly strings: LuaStrings,
    /** The calling thread. */
    readonly L: LuaState,
    /** The function's name as scripts write it, for error messages. */
    readonly name: string,
  ) {}

  /** Number of arguments passed. */
  get count(): number {
    return this.raw._lua_gettop(this.L);
  }

  /** The Lua type tag of argument `index` (1-based). */
  type(index: number): number {
    return this.raw._lua_type(this.L, index);
  }

  /** True when argument `index` is nil or absent. */
  isNil(index: number): boolean {
    return this.type(index) <= LuaTag.Nil;
  }

  /** A number argument. */
  number(index: number, what: string): number {
    if (this.type(index) !== LuaTag.Number) this.fail(index, what, 'number');
    return this.raw._lua_tonumberx(this.L, index, 0);
  }

  /** An integer argument (a float with an integral value is accepted). */
  integer(index: number, what: string): number {
    const value = this.number(index, what);
    if (!Number.isInteger(value)) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `bad argument '${what}' to '${this.name}' (${value} is not an integer)`,
      );
    }
    return value;
  }

  /** An optional integer argument. */
  optInteger(index: number, what: string, fallback: number): number;
  optInteger(index: number, what: string): number | undefined;
  optInteger(index: number, what: string, fallback?: number): number | undefined {
    return this.isNil(index) ? fallback : this.integer(index, what);
  }

  /** A string argument decoded as UTF-8. */
  string(index: number, what: string): string {
    if (this.type(index) !== LuaTag.String) this.fail(index, what, 'string');
    return this.strings.text(this.L, index);
  }

  /** A string argument cut to its first `maxBytes` bytes (see `LuaStrings.textPrefix`). */
  stringPrefix(index: number, what: string, maxBytes: number): { text: string; rest: number } {
    if (this.type(index) !== LuaTag.String) this.fail(index, what, 'string');
    return this.strings.textPrefix(this.L, index, maxBytes);
  }

  /** An optional string argument. */
  optString(index: number, what: string): string | undefined {
    return this.isNil(index) ? undefined : this.string(index, what);
  }

  /** A byte-string argument, binary-safe. */
  bytes(index: number, what: string): Uint8Array {
    if (this.type(index) !== LuaTag.String) this.fail(index, what, 'string');
    return this.strings.bytes(this.L, index);
  }

  /** A boolean argument (only `true` and `false` are accepted). */
  boolean(index: number, what: string): boolean {
    if (this.type(index) !== LuaTag.Boolean) this.fail(index, what, 'boolean');
    return this.raw._lua_toboolean(this.L, index) !== 0;
  }

  /** Argument `index` as an integer or a string (region index or name). */
  nameOrIndex(index: number, what: string): string | number {
    const type = this.type(index);
    if (type === LuaTag.String) return this.strings.text(this.L, index);
    if (type === LuaTag.Number) return this.integer(index, what);
    return this.fail(index, what, 'string or number');
  }

  private fail(index: number, what: string, expected: string): never {
    const got = TYPE_NAMES[this.type(index)] ?? 'value';
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `bad argument '${what}' to '${this.name}' (${expected} expected, got ${got})`,
    );
  }
}

/**
 * Pushes a JS value onto the Lua stack: `undefined`/`null` → nil, integers → Lua integers,
 * `Uint8Array` → byte string, arrays → sequences (1-based), plain objects → tables
 * (`undefined` fields are skipped).
 */
export function pushValue(raw: RawLua, strings: LuaStrings, L: LuaState, value: unknown): void {
  switch (typeof value) {
    case 'undefined':
      raw._lua_pushnil(L);
      return;
    case 'boolean':
      raw._lua_pushboolean(L, value ? 1 : 0);
      return;
    case 'number':
      if (Number.isSafeInteger(value)) raw._lua_pushinteger(L, BigInt(value));
      else raw._lua_pushnumber(L, value);
      return;
    case 'bigint':
      raw._lua_pushinteger(L, BigInt.asIntN(64, value));
      return;
    case 'string':
      strings.pushText(L, value);
      return;
    case 'object':
      if (value === null) raw._lua_pushnil(L);
      else if (value instanceof Uint8Array) strings.pushBytes(L, value);
      else if (Array.isArray(value)) {
        raw._lua_createtable(L, value.length, 0);
        value.forEach((item, i) => {
          pushValue(raw, strings, L, item);
          raw._lua_rawseti(L, -2, BigInt(i + 1));
        });
      } else {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        raw._lua_createtable(L, 0, entries.length);
        for (const [key, item] of entries) {
          pushValue(raw, strings, L, item);
          strings.withCString(key, (pointer) => raw._lua_setfield(L, -2, pointer));
        }
      }
      return;
    default:
      throw new WebProgError('INTERNAL', `Cannot pass a ${typeof value} to Lua.`);
  }
}
