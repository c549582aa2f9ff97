/**
 * The Lua abuse suite (issue 14): escapes, memory bombs in Lua and through the natives, deep
 * structures, runaway calls and bad arguments to every `mp.*` function. Whatever a script
 * does, it ends with a clear error (or a Stop ends it), and the worker stays usable: the
 * next script runs and gives the right answer. Every script here ends in well under a second
 * on an idle machine; limits on time are far above that.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { imageToDto } from '../device/image-dto';
import type { ScriptCallbacks } from './api';
import { LuaRunnerClient } from './lua-runner-client';
import { MP_API, qualifiedName } from './spec';
import { FAKE_DEVICE_ID, FakeDevice, fakeImage } from './testing/fake-device';
import { connectFakeDevice, startNodeLuaWorker } from './testing/node-lua-workers';
import { createTestRunner } from './testing/run-script';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const runner = createTestRunner();

/** The worker still runs plain Lua and the mp API correctly. */
async function expectUsable(): Promise<void> {
  const next = await runner.run(
    'mp.memory.write_at(0x100, "ab") return 6 * 7, mp.memory.read_raw_at(0x100, 2)',
  );
  expect(next.error).toBeUndefined();
  expect(next.returns).toEqual([42, 'ab']);
}

/** Runs `code`, expects a failure with `code` and a message matching `message`, then a usable worker. */
async function expectFails(code: string, errorCode: string, message: RegExp): Promise<void> {
  const result = await runner.run(code);
  expect(result.ok, code).toBe(false);
  expect(result.error?.code, code).toBe(errorCode);
  expect(result.error?.message, code).toMatch(message);
  await expectUsable();
}

describe('escapes', () => {
  it.each([
    ['io', 'return io.open("/etc/passwd")'],
    ['require', 'return require("io")'],
    ['package.loadlib', 'return package.loadlib("libc.so.6", "system")'],
    ['debug.getregistry', 'return debug.getregistry()'],
    ['os.execute', 'return os.execute("id")'],
    ['binary chunks', 'return assert(load("\\27Lua\\x54\\0"))()'],
    ['string.dump', 'return string.dump(print)'],
    ['collectgarbage("count") is harmless, but debug.sethook is gone', 'return debug.sethook()'],
  ])('blocks %s', async (_name, code) => {
    await expectFails(code, 'SCRIPT_ERROR', /.+/);
  });

  it('keeps nothing a script changes for the next run (globals, string metatable, mp, print)', async () => {
    const first = await runner.run(`
      getmetatable("").__index.upper = function() return "pwned" end
      string.rep = nil
      mp.memory.read_at = function() return "forged" end
      print = nil
      setmetatable(_G, { __index = function() error("trap") end })
      leaked = true
      return ("a"):upper()`);
    expect(first.returns).toEqual(['pwned']);
    const next = await runner.run(
      'return ("a"):upper(), type(string.rep), rawget(_G, "leaked"), type(print), mp.memory.read_byte_at(0)',
    );
    expect(next.returns).toEqual(['A', 'function', null, 'function', 0xff]);
  });

  it('runs a script that guards its globals with a strict __index to its end', async () => {
    const result = await runner.run(`
      setmetatable(_G, { __index = function(_, k) error("undefined global " .. tostring(k), 2) end })
      return 6 * 7`);
    expect(result.error).toBeUndefined();
    expect(result.returns).toEqual([42]);
  });

  it('offers no way from a native to another run: a native kept from an earlier run fails clearly', async () => {
    // The script cannot carry a function out of its run (return values are data), so the next
    // run only ever sees its own natives.
    const first = await runner.run('return mp.memory.read_at, coroutine.create(print)');
    expect(first.returns).toEqual(['<function>', '<thread>']);
    await expectUsable();
  });
});

describe('memory bombs', () => {
  it.each([
    ['doubling a string', 'local s = "x" while true do s = s .. s end'],
    ['a table of strings', 'local t, s = {}, ("x"):rep(1e6) for i = 1, 1e9 do t[i] = s .. i end'],
    ['string.rep of 1 TiB', 'return #("x"):rep(2^40)'],
    ['string.rep with a separator', 'return #("x"):rep(2^28, "yy")'],
    [
      'table.concat of a huge table',
      'local t = {} for i = 1, 2^26 do t[i] = "ab" end return #table.concat(t)',
    ],
    [
      'a table of byte values to write_at',
      'local t = {} for i = 1, 2^27 do t[i] = 0 end mp.memory.write_at(0, t)',
    ],
    ['coroutines', 'local t = {} for i = 1, 1e9 do t[i] = coroutine.create(print) end'],
  ])('ends %s with "not enough memory"', async (_name, code) => {
    await expectFails(code, 'SCRIPT_ERROR', /not enough memory|too large|overflow/);
  });

  it.each([
    ['mp.file.save_bin_range of 1 GiB', 'mp.file.save_bin_range("a.bin", 0, 0x40000000)'],
    ['mp.file.save_bin_range of 2^53 bytes', 'mp.file.save_bin_range("a.bin", 0, 2^53)'],
    [
      'append_text of 20 MB, 40 times',
      'local s = ("x"):rep(20e6) for i = 1, 40 do mp.file.append_text("a.txt", s) end',
    ],
    [
      'write_text of many big files',
      'local s = ("x"):rep(8e6) for i = 1, 100 do mp.file.write_text(i .. ".txt", s) end',
    ],
  ])('ends %s through the natives with "not enough memory"', async (_name, code) => {
    await expectFails(code, 'SCRIPT_ERROR', /not enough memory \(a script may use 64 MiB\)/);
  });

  it('keeps 60 prints of 20 MB to 60 short lines', async () => {
    const result = await runner.run('local s = ("x"):rep(20e6) for i = 1, 60 do print(s) end');
    expect(result.ok).toBe(true);
    expect(result.logs.reduce((n, l) => n + l.length, 0)).toBeLessThan(60 * 17 * 1024);
    await expectUsable();
  });
});

describe('deep structures', () => {
  it.each([
    ['deep recursion', 'local function f(n) return f(n + 1) + 1 end return f(1)', /stack overflow/],
    [
      'a deep returned table',
      'local t = {} for i = 1, 1e5 do t = {t} end return t',
      /nested more than 64 deep/,
    ],
    ['a cyclic returned table', 'local t = {} t[1] = t return t', /contains itself/],
    ['deep string.format nesting', 'return string.format(("%s"):rep(1e6), 1)', /.+/],
    [
      'a deep pattern',
      'return string.find("x", ("("):rep(1000) .. "x" .. (")"):rep(1000))',
      /too many captures|pattern too complex/,
    ],
    [
      'deeply nested coroutines',
      'local function f(n) return coroutine.wrap(function() return f(n + 1) end)() end return f(1)',
      /overflow|too many|C stack/,
    ],
    [
      'a deep table handed to a native',
      'local t = {} for i = 1, 1e5 do t = {t} end mp.memory.write_at(0, t)',
      /table of byte values/,
    ],
    [
      'a deep table to print',
      'local t = {} for i = 1, 1e5 do t = {t} end print(t) error("printed")',
      /printed/,
    ],
  ])('ends %s with a clear error', async (_name, code, message) => {
    await expectFails(code, 'SCRIPT_ERROR', message);
  });

  it('hands back a wide but shallow table in full', async () => {
    const result = await runner.run('local t = {} for i = 1, 1e5 do t[i] = i end return t');
    expect((result.returns[0] as number[]).length).toBe(1e5);
    await expectUsable();
  });
});

describe('bad arguments to every mp.* function', () => {
  // Each function of the spec is called through pcall with every argument list below. Every
  // call must return or fail with a message a person can read: never a JS exception's text
  // leaking out of a native, never a wedged worker.
  const BAD_ARGUMENTS = [
    '',
    'nil, nil, nil, nil',
    '{}, {}, {}, {}',
    '"", "", "", ""',
    '"\\0\\255", "x\\0y", "../../etc/passwd", ("z"):rep(70000)',
    '-1, -1, -1, -1',
    '0, 0, 0, 0',
    '0.5, 1.5, 2.5, 3.5',
    '2^31, 2^31, 2^31, 2^31',
    '2^53, 2^53, 2^53, 2^53',
    '-2^63, -2^63, -2^63, -2^63',
    '0/0, 0/0, 0/0, 0/0',
    'math.huge, -math.huge, math.huge, math.huge',
    'print, print, print, print',
    'coroutine.create(print), true, false, true',
    'deep, deep, deep, deep',
    'setmetatable({}, { __index = function() error("meta") end, __len = function() error("meta") end }), 1, 2, 3',
    '"Code Flash", 0, 2^40, 0',
    '"Code Flash", 2^32 - 1, 2, 0',
    '0, 0xFFFFFFFF, 0xFFFFFFFF, 0',
    '"crc32", 0, 0x10000, 256',
    '"hex", "bin", "uf2", "elf"',
  ];
  const LEAKS =
    /TypeError|RangeError|ReferenceError|Cannot read|undefined|is not a function|Invalid array length|Maximum call stack|\[object /;

  it.each(MP_API.map((fn) => [qualifiedName(fn)]))('%s', async (name) => {
    const calls = BAD_ARGUMENTS.map(
      (args) => `
      do
        local ok, err = pcall(${name}${args ? ', ' + args : ''})
        if not ok then
          if type(err) ~= "string" then bad[#bad + 1] = "${args.replace(/"/g, '\\"')} raised a " .. type(err)
          else errors[#errors + 1] = err end
        end
      end`,
    );
    const result = await runner.run(`
      local deep = {} for i = 1, 1000 do deep = {deep} end
      local bad, errors = {}, {}
      mp.backend.connect()
      ${calls.join('\n')}
      return bad, errors`);
    expect(result.error, name).toBeUndefined();
    const [bad, errors] = result.returns as [string[] | object, string[] | object];
    expect(bad, name).toEqual({});
    for (const message of Object.values(errors)) {
      expect(message, name).not.toMatch(LEAKS);
      expect(message.length, name).toBeLessThan(2_000);
    }
    await expectUsable();
  });
});

describe('runaway calls, ended by Stop', () => {
  // A runaway inside one C call (a pattern match, a 4 GiB checksum) or a finalizer (Lua runs
  // __gc without hooks) never reaches the count hook, so the stop flag cannot end it: Stop
  // terminates the worker after its grace period. The last column: the flag may not suffice.
  const device = new FakeDevice();
  const logged: string[] = [];
  const callbacks: ScriptCallbacks = {
    onLog: (_level, text) => void logged.push(text),
    onStatus: () => undefined,
    confirm: () => true,
  };
  const client = new LuaRunnerClient({
    createWorker: startNodeLuaWorker,
    connectDevice: (api) => connectFakeDevice(api, device),
    cancelDeviceCall: (callId) => device.cancel(callId),
    useStopFlag: true,
    stopGraceMs: 1_000,
  });
  const run = (code: string) =>
    client.run(code, { image: imageToDto(fakeImage()), deviceId: FAKE_DEVICE_ID }, callbacks);

  beforeAll(async () => {
    await (await client.api()).hello();
  });
  afterAll(() => client.dispose());

  it.each([
    ['a backtracking pattern match', 'return string.find(("a"):rep(5000), (".-"):rep(12) .. "b")', true],
    ['a 4 GiB checksum', 'return mp.checksum.range("sha256", 0, 0xFFFFFFFF)', true],
    [
      'a loop in a __tostring called by print',
      'print(setmetatable({}, { __tostring = function() while true do end end }))',
      false,
    ],
    [
      'a loop in a __gc metamethod',
      'setmetatable({}, { __gc = function() while true do end end }) collectgarbage() while true do end',
      true,
    ],
  ])('ends %s', async (_name, code, terminated) => {
    logged.length = 0;
    const running = run(`mp.log.info("started") ${code}`);
    while (!logged.includes('started')) await new Promise((resolve) => setTimeout(resolve, 5));
    // Inside the call by now on an idle machine; on a busy one the Stop may come earlier, which
    // ends the run by the flag instead.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const report = await client.stop();
    const result = await running;
    expect(result.error).toMatchObject({ code: 'CANCELLED' });
    if (!terminated) expect(report.terminated).toBe(false);
    const next = await run('return 6 * 7');
    expect(next.returns).toEqual([42]);
  });
});
