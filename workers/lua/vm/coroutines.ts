/**
 * Blocking calls inside the script's own coroutines. A blocking native yields the coroutine
 * it runs in; plain `coroutine.resume` would hand that yield to the script. The replacement
 * below (after the project's wasmoon notes, "coroutine fix") sees that the coroutine stopped
 * because a blocking call waits, passes the wait outward (up to the runner, which awaits the
 * operation), then resumes the coroutine so the call returns its results. `coroutine.wrap`
 * is rebuilt on the new `resume`.
 */
import type { ScriptEngine } from './lua-vm';

const COROUTINE_PRELUDE = `
local native = ...
local waiting = native.waiting
local co_create, co_resume, co_status, co_yield = coroutine.create, coroutine.resume, coroutine.status, coroutine.yield
local pack, unpack = table.pack, table.unpack

local function resume(co, ...)
  local r = pack(co_resume(co, ...))
  while r[1] and r.n == 1 and co_status(co) == "suspended" and waiting() do
    co_yield()
    r = pack(co_resume(co))
  end
  return unpack(r, 1, r.n)
end

coroutine.resume = resume
coroutine.wrap = function(f)
  local co = co_create(f)
  return function(...)
    local r = pack(resume(co, ...))
    if not r[1] then
      local e = r[2]
      if type(e) == "string" then error(e, 2) else error(e, 0) end
    end
    return unpack(r, 2, r.n)
  end
end
`;

/** Replaces `coroutine.resume` and `coroutine.wrap` in `engine`'s globals. */
export function installCoroutineFix(engine: ScriptEngine): void {
  engine.exec(COROUTINE_PRELUDE, [
    { waiting: { name: 'coroutine.resume', fn: () => [engine.scope.waiting] } },
  ]);
}
