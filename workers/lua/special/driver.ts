/**
 * CortexProg special scripts: a script that defines the global functions `init(params)` and
 * `main(step, haveDbg, haveCpu, haveScpt)` is, after its chunk has run, driven through
 * CortexProg's steps (`tool/main.c`): `init` says what it needs (TOOL_OP_* flags), then
 * `main` is called at every step while the connection comes up — probe opened, debug port
 * initialised, CPU attached, device script loaded — and a step whose `main` returns false
 * ends the run with an error.
 *
 * Differences from CortexProg, because the device worker loads and initialises a device
 * script in one go: at TOOL_OP_STEP_POST_SCRIPT the script has already been initialised.
 * Asking for the CPU or a device script implies the debugger (CortexProg needs both flags).
 */
import type { ScriptContext } from '../mp/context';
import { describeError, natives } from '../mp/natives';
import { Blocking, type NativeEntry } from '../vm/native-bridge';
import type { ScriptEngine } from '../vm/lua-vm';
import { runChunk, type RunChunkOptions } from '../vm/script-runner';
import { SPECIAL_GLOBALS } from './constants';
import { specialNatives, type SpecialLink } from './natives';

const SPECIAL_PRELUDE = `
local fns, link = ...
for name, fn in pairs(fns) do _G[name] = fn end
local warn, tointeger, fmt, tostring, type, error = mp.log.warn, math.tointeger, string.format, tostring, type, error
local STEP_NAMES = { [0] = "PRE_DEBUGGER", "PRE_DEBUGGER_ID", "PRE_CPUID", "PRE_SCRIPT", "POST_SCRIPT", "POST_SCRIPT_INIT", "MAIN" }

local function fail(text) error("special script: " .. text, 0) end

-- Result of bringing up one part: true, or false when it was only wanted (or a failure when needed).
local function bring_up(needed, what, ok, err)
  if ok then return true end
  if needed then fail("the " .. what .. " is needed but not available: " .. tostring(err)) end
  warn("special script: continuing without the " .. what .. ": " .. tostring(err))
  return false
end

local rawget, globals = rawget, _G
_WEBPROG_SPECIAL = function()
  _WEBPROG_SPECIAL = nil
  -- Raw reads: a script may guard its globals with a strict __index that errors on unknown names.
  local init, main = rawget(globals, "init"), rawget(globals, "main")
  if type(init) ~= "function" or type(main) ~= "function" then return false end
  local flags = init(link.params())
  if flags == nil then fail("init() failed (it returned nil)") end
  flags = type(flags) == "number" and tointeger(flags) or nil
  if flags == nil or flags < 0 or flags > 0xFFFFFFFF then fail("init() returned a bad value") end

  local needs_script = flags & 0x1E0 ~= 0
  local wants_script = needs_script or flags & 0x010 ~= 0
  local needs_cpu = needs_script or flags & 0x008 ~= 0
  local wants_cpu = needs_cpu or wants_script or flags & 0x004 ~= 0
  local needs_dbg = needs_cpu or flags & 0x002 ~= 0
  local wants_dbg = needs_dbg or wants_cpu or flags & 0x001 ~= 0

  local function step(n)
    if not main(n, link.have()) then
      fail(fmt("main() returned false at step %d (TOOL_OP_STEP_%s)", n, STEP_NAMES[n]))
    end
  end

  step(0)
  local dbg = wants_dbg and bring_up(needs_dbg, "debugger", link.open_debugger())
  step(1)
  if dbg then dbg = bring_up(needs_dbg, "debugger", link.init_debugger()) end
  step(2)
  local cpu = dbg and wants_cpu and bring_up(needs_cpu, "CPU", link.attach_cpu())
  step(3)
  if cpu and wants_script then bring_up(needs_script, "device script", link.load_script()) end
  step(4)
  local ops = link.supported_ops()
  if flags & 0x040 ~= 0 and ops & 4 == 0 then fail("the device script cannot write blocks") end
  if flags & 0x080 ~= 0 and ops & 2 == 0 then fail("the device script cannot erase blocks") end
  if flags & 0x100 ~= 0 and ops & 1 == 0 then fail("the device script cannot erase the whole chip") end
  step(5)
  step(6)
  return true
end
`;

const CONSTANTS = Object.entries(SPECIAL_GLOBALS)
  .map(([name, value]) => `${name} = ${value}`)
  .join('\n');

/** The natives that bring the connection up step by step. */
function linkNatives(ctx: ScriptContext, link: SpecialLink, params: string | undefined) {
  const attach = (work: () => Promise<void>): Blocking =>
    new Blocking(
      work().then(
        () => [true],
        (error: unknown) => [false, describeError(error).message],
      ),
    );
  const debug = ctx.device?.debug.bind(ctx.device);
  const attachStage = async (stage: 'debugger' | 'cpu' | 'script' | 'init') => {
    if (!debug || !ctx.deviceId) throw new Error('No programmer is selected: choose one in the app first.');
    return debug(ctx.deviceId, { op: 'attach', stage }, { callId: ctx.deviceCallId });
  };
  return natives('special', {
    params: () => [params],
    have: () => [link.dbg, link.cpu, link.scpt],
    open_debugger: () =>
      attach(async () => {
        await attachStage('debugger');
        link.dbg = true;
      }),
    init_debugger: () =>
      attach(async () => {
        await attachStage('cpu');
        link.dbgReady = true;
      }),
    attach_cpu: () => {
      link.cpu = link.dbgReady;
      return link.cpu ? [true] : [false, 'the debug port is not initialised'];
    },
    load_script: () =>
      attach(async () => {
        await attachStage('script');
        await attachStage('init');
        const { info } = await debug!(ctx.deviceId!, { op: 'info' }, { callId: ctx.deviceCallId });
        link.info = info;
        link.scpt = info !== undefined;
      }),
    supported_ops: () => [link.info?.supportedOps ?? 0],
  });
}

/** Installs the CortexProg globals (constants and functions) and the step driver. */
export function installSpecial(engine: ScriptEngine, ctx: ScriptContext, params?: string): void {
  const link: SpecialLink = { dbg: false, dbgReady: false, cpu: false, scpt: false };
  const fns: Record<string, NativeEntry> = specialNatives(ctx, link);
  engine.exec(CONSTANTS);
  engine.exec(SPECIAL_PRELUDE, [fns, linkNatives(ctx, link, params)]);
}

/**
 * After the script's chunk has run: drives it through CortexProg's steps when it defined
 * `init` and `main`. Resolves to true when it did, false for ordinary scripts.
 */
export async function runSpecialSteps(engine: ScriptEngine, options: RunChunkOptions): Promise<boolean> {
  const [ran] = await runChunk(
    engine,
    'local run = rawget(_G, "_WEBPROG_SPECIAL")\nreturn run ~= nil and run()',
    options,
  );
  return ran === true;
}
