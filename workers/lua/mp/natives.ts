/** Helpers to build the `mp.*` native tables. */
import type { LuaCall } from '../vm/lua-call';
import type { NativeEntry, NativeResult } from '../vm/native-bridge';

/** Names each function of `fns` as `prefix.key` for error messages. */
export function natives(
  prefix: string,
  fns: Record<string, (call: LuaCall) => NativeResult>,
): Record<string, NativeEntry> {
  const out: Record<string, NativeEntry> = {};
  for (const [key, fn] of Object.entries(fns)) out[key] = { name: `${prefix}.${key}`, fn };
  return out;
}

/** The message and code of anything thrown. */
export function describeError(error: unknown): { message: string; code: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, code: typeof code === 'string' ? code : 'INTERNAL' };
  }
  return { message: String(error), code: 'INTERNAL' };
}
