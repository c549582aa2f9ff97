/**
 * Reads values off a Lua stack into plain, cloneable JS data (a run's return values), straight
 * through the raw C API: raw table walks (no metamethod runs), `lua_checkstack` before every
 * push, and bounds on nesting depth, value count and string bytes, so no returned structure
 * can overflow the Lua stack, hang the worker or fill the page's memory. (wasmoon's own
 * conversion pushes without checking the stack: a chain of 22 nested tables already wrote
 * past the thread's stack and trapped with "memory access out of bounds".)
 */
import { WebProgError } from '../../../src/core/errors';
import type { LuaValue } from '../api';
import { LuaTag, type LuaState, type LuaStrings, type RawLua } from './raw-lua';

/** How much a conversion may produce. */
export interface ValueLimits {
  /** Tables nested inside one another (the outermost table is depth 1). */
  maxDepth: number;
  /** Values in all (every table entry counts once, keys not included). */
  maxValues: number;
  /** Bytes of all strings (keys included). */
  maxBytes: number;
}

/** Bounds of a run's return values: far above what a script returns on purpose. */
export const RESULT_LIMITS: ValueLimits = {
  maxDepth: 64,
  maxValues: 1_000_000,
  maxBytes: 32 * 1024 * 1024,
};

/** Stack slots one table level needs: the table copy, key, value, key copy. */
const SLOTS_PER_LEVEL = 4;

const OTHER_TYPES: Record<number, string> = { 2: 'userdata', 6: 'function', 7: 'userdata', 8: 'thread' };

/**
 * Converts stack slots `first..first+count-1` of `L`: nil → null, numbers, booleans, strings
 * (UTF-8), tables → arrays when their keys are exactly 1..n, else objects with string keys;
 * functions, threads and userdata → `"<function>"` etc. A table that contains itself, or any
 * bound exceeded, fails with a `SCRIPT_ERROR` that says what was too big. The stack is left
 * as it was.
 */
export function readLuaValues(
  raw: RawLua,
  strings: LuaStrings,
  L: LuaState,
  first: number,
  count: number,
  limits: ValueLimits = RESULT_LIMITS,
): LuaValue[] {
  const top = raw._lua_gettop(L);
  const reader = new ValueReader(raw, strings, L, limits);
  try {
    const out: LuaValue[] = [];
    for (let i = 0; i < count; i++) out.push(reader.read(first + i, 0));
    return out;
  } finally {
    raw._lua_settop(L, top);
  }
}

class ValueReader {
  private values = 0;
  private bytes = 0;
  /** Tables being read, outermost first (to tell a cycle from a shared table). */
  private readonly open: number[] = [];

  constructor(
    private readonly raw: RawLua,
    private readonly strings: LuaStrings,
    private readonly L: LuaState,
    private readonly limits: ValueLimits,
  ) {}

  /** The value at absolute stack index `index`, inside `depth` tables. */
  read(index: number, depth: number): LuaValue {
    if (++this.values > this.limits.maxValues) {
      throw tooBig(`more than ${this.limits.maxValues.toLocaleString('en')} values`);
    }
    const type = this.raw._lua_type(this.L, index);
    switch (type) {
      case LuaTag.None:
      case LuaTag.Nil:
        return null;
      case LuaTag.Boolean:
        return this.raw._lua_toboolean(this.L, index) !== 0;
      case LuaTag.Number:
        return this.number(index);
      case LuaTag.String:
        return this.text(index);
      case LuaTag.Table:
        return this.table(index, depth + 1);
      default:
        return `<${OTHER_TYPES[type] ?? 'value'}>`;
    }
  }

  private number(index: number): number {
    if (this.raw._lua_isinteger(this.L, index)) return Number(this.raw._lua_tointegerx(this.L, index, 0));
    return this.raw._lua_tonumberx(this.L, index, 0);
  }

  /** The string at `index` (a string, never a number: `lua_tolstring` would convert it in place). */
  private text(index: number): string {
    const text = this.strings.text(this.L, index);
    this.bytes += text.length;
    if (this.bytes > this.limits.maxBytes) {
      throw tooBig(`more than ${Math.round(this.limits.maxBytes / (1024 * 1024))} MiB of text`);
    }
    return text;
  }

  private table(index: number, depth: number): LuaValue {
    if (depth > this.limits.maxDepth) throw tooBig(`tables nested more than ${this.limits.maxDepth} deep`);
    const pointer = this.raw._lua_topointer(this.L, index);
    if (this.open.includes(pointer)) throw tooBig('a table that contains itself');
    if (!this.raw._lua_checkstack(this.L, SLOTS_PER_LEVEL)) throw tooBig('tables nested too deep');
    this.open.push(pointer);
    const entries: [LuaValue, LuaValue][] = [];
    const keys: (number | string)[] = [];
    let sequence = true;
    this.raw._lua_pushnil(this.L);
    while (this.raw._lua_next(this.L, index) !== 0) {
      const top = this.raw._lua_gettop(this.L);
      const key = this.key(top - 1);
      keys.push(key);
      if (typeof key !== 'number') sequence = false;
      entries.push([key, this.read(top, depth)]);
      this.raw._lua_settop(this.L, top - 1);
    }
    this.open.pop();
    if (sequence && keys.length > 0) {
      const array: LuaValue[] = new Array<LuaValue>(keys.length).fill(null);
      let dense = true;
      for (const [key, value] of entries) {
        const i = (key as number) - 1;
        if (!Number.isInteger(i) || i < 0 || i >= keys.length) {
          dense = false;
          break;
        }
        array[i] = value;
      }
      if (dense) return array;
    }
    const object: Record<string, LuaValue> = {};
    for (const [key, value] of entries) object[String(key)] = value;
    return object;
  }

  /** A key as a number (Lua numbers) or a string, read without converting the slot. */
  private key(index: number): number | string {
    const type = this.raw._lua_type(this.L, index);
    if (type === LuaTag.Number) return this.number(index);
    if (type === LuaTag.String) return this.text(index);
    if (type === LuaTag.Boolean) return this.raw._lua_toboolean(this.L, index) !== 0 ? 'true' : 'false';
    const name = OTHER_TYPES[type] ?? (type === LuaTag.Table ? 'table' : 'value');
    return `${name}: 0x${this.raw._lua_topointer(this.L, index).toString(16)}`;
  }
}

function tooBig(what: string): WebProgError {
  return new WebProgError(
    'SCRIPT_ERROR',
    `The script ended, but its return values cannot be handed back: they hold ${what}. Return less (e.g. a count or a summary).`,
  );
}
