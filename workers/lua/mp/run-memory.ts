/**
 * One memory budget per script run, shared by the Lua heap and the `mp.*` natives. The Lua
 * allocator is capped at the budget minus what natives hold (saved files, the growth of the
 * buffer); a native checks the budget before it allocates, so `mp.file.save_bin_range(name, 0,
 * 0x40000000)` fails at once with the same "not enough memory" as a Lua table that grows too
 * big, instead of allocating 1 GiB in JS.
 */
import { WebProgError } from '../../../src/core/errors';

/** The Lua heap as the budget sees it (the run's engine, attached once it exists). */
export interface LuaHeap {
  /** Bytes the Lua state uses now. */
  used(): number;
  /** Caps the Lua allocator at `max` bytes. */
  setMax(max: number): void;
}

/** The error of a run over its budget; `limit` in bytes. */
export function notEnoughMemory(limit: number): WebProgError {
  return new WebProgError('SCRIPT_ERROR', `not enough memory (a script may use ${mib(limit)}).`);
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/** The budget of one run. */
export class RunMemory {
  private lua?: LuaHeap;
  private readonly held = new Map<string, number>();
  private heldTotal = 0;

  constructor(
    /** Bytes the run may use in all. */
    readonly limit: number,
  ) {}

  /** Puts the run's Lua heap under the budget. */
  attach(lua: LuaHeap): void {
    this.lua = lua;
    this.capLua();
  }

  /** Bytes in use: the Lua heap plus what natives hold. */
  used(): number {
    return (this.lua?.used() ?? 0) + this.heldTotal;
  }

  /** Bytes natives hold under `key`. */
  holding(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Throws "not enough memory" unless `bytes` more fit in the budget now. */
  reserve(bytes: number): void {
    if (!(bytes <= this.limit - this.used())) throw notEnoughMemory(this.limit);
  }

  /** Natives now hold `bytes` under `key` (replacing what they held there); throws when that does not fit. */
  hold(key: string, bytes: number): void {
    this.reserve(bytes - this.holding(key));
    this.track(key, bytes);
  }

  /** Records that natives hold `bytes` under `key`, without checking (for memory already taken). */
  track(key: string, bytes: number): void {
    this.heldTotal += bytes - this.holding(key);
    if (bytes > 0) this.held.set(key, bytes);
    else this.held.delete(key);
    this.capLua();
  }

  private capLua(): void {
    // wasmoon treats a cap of 0 as "no cap".
    this.lua?.setMax(Math.max(1, this.limit - this.heldTotal));
  }
}
