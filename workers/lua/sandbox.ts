/**
 * Removes what a user script must not reach: files, modules, the debug library, bytecode.
 * Only `os.time/clock/date/difftime` stay of `os`; `load` accepts text chunks only.
 */
import type { ScriptEngine } from './vm/lua-vm';

const SANDBOX_PRELUDE = `
local os_keep = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime }
local raw_load = load
io = nil
package = nil
require = nil
dofile = nil
loadfile = nil
debug = nil
string.dump = nil
os = os_keep
load = function(chunk, name, _mode, ...)
  -- Forward env only when given: an explicit nil env would leave the chunk without globals.
  if select("#", ...) > 0 then return raw_load(chunk, name, "t", (...)) end
  return raw_load(chunk, name, "t")
end
`;

/** Applies the sandbox to a fresh engine's globals. */
export function applySandbox(engine: ScriptEngine): void {
  engine.exec(SANDBOX_PRELUDE);
}
