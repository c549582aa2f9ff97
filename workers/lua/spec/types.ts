/**
 * Types of the `mp.*` API specification: one entry per function, from which the docs page and
 * the editor completions are generated and against which the bindings are checked.
 */

/** The modules of the `mp` table. */
export type MpModule = 'backend' | 'memory' | 'file' | 'checksum' | 'log' | 'ui' | 'config' | 'app';

/** One parameter of an `mp` function. */
export interface MpParam {
  /** Parameter name as the docs show it. */
  name: string;
  /** Lua type(s), e.g. "integer", "string|table", "region". */
  type: string;
  /** True when the parameter may be left out. */
  optional?: boolean;
  /** What it means. */
  description: string;
}

/** One function of the `mp` API. */
export interface MpFunction {
  /** Module, e.g. "backend" for `mp.backend.connect`. */
  module: MpModule;
  /** Function name within the module. */
  name: string;
  /** Parameters in call order. */
  params: MpParam[];
  /** What it returns, e.g. "ok: boolean, err: string?, code: string?". */
  returns: string;
  /** What it does. */
  description: string;
  /** A short Lua example. */
  example: string;
  /** True when the call waits for the device or the page (looks blocking to the script). */
  blocking?: boolean;
  /** MultiProg compatibility; filled in for every entry of `MP_API` (see `spec/compat.ts`). */
  compat?: MpCompat;
}

/** Shorthand for a parameter. */
export function param(name: string, type: string, description: string, optional = false): MpParam {
  return optional ? { name, type, description, optional } : { name, type, description };
}

/** The `ok, err, code` triple of blocking backend calls. */
export const OK_ERR = 'ok: boolean, err: string, code: string?';

/** How a function relates to MultiProg's documented API. */
export type MpCompatKind = 'multiprog' | 'webprog' | 'not-in-browser';

/** The compatibility mark the docs page shows for a function. */
export interface MpCompat {
  /**
   * `multiprog`: MultiProg's name, arguments, results and error convention; `webprog`: WebProg
   * only (no MultiProg function of that name); `not-in-browser`: MultiProg's name, but a browser
   * cannot do it, so it answers `nil, "Not Supported: …"` (or similar) and says why.
   */
  kind: MpCompatKind;
  /** Why, for `not-in-browser` (and any note on a difference). */
  reason?: string;
}
