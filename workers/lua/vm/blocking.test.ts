import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';

// mp.app.sleep and mp.backend.* are blocking natives: they yield the thread and the runner
// resumes it when the operation settles.
const runner = createTestRunner();

async function returns(code: string) {
  const result = await runner.run(code);
  if (!result.ok) throw new Error(result.error?.message);
  return result.returns;
}

describe('blocking calls', () => {
  it('look blocking at the top level and return values', async () => {
    expect(await returns('local ok, err = mp.backend.connect() return ok, err')).toEqual([true, '']);
  });

  it('work inside loops, nested functions and pcall/xpcall', async () => {
    const code = `
      local n = 0
      local function inner() mp.app.sleep(0) return mp.app.confirm("q") end
      local function outer() return inner() end
      for i = 1, 5 do if outer() then n = n + 1 end end
      local ok, v = pcall(outer)
      local ok2, v2 = xpcall(function() return outer() end, debug and debug.traceback or tostring)
      return n, ok, v, ok2, v2`;
    expect(await returns(code)).toEqual([5, true, true, true, true]);
  });

  it("work inside the script's own coroutines, nested two deep, with create/resume and wrap", async () => {
    const code = `
      local log = {}
      local inner = coroutine.create(function(a)
        log[#log + 1] = "in:" .. a
        local yes = mp.app.confirm("deep")
        local b = coroutine.yield(yes)
        mp.app.sleep(1)
        return "inner done " .. b
      end)
      local outer = coroutine.wrap(function()
        local ok, yes = coroutine.resume(inner, "x")
        coroutine.yield(tostring(ok) .. "," .. tostring(yes))
        local ok2, msg = coroutine.resume(inner, "y")
        return msg
      end)
      return outer(), outer(), table.concat(log, ";"), coroutine.status(inner)`;
    expect(await returns(code)).toEqual(['true,true', 'inner done y', 'in:x', 'dead']);
  });

  it('let plain coroutine yields through unchanged', async () => {
    const code = `
      local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
      return gen(), gen(), gen()`;
    expect(await returns(code)).toEqual([1, 2, 3]);
  });

  it('report errors raised after a wait inside a coroutine', async () => {
    const code = `
      local co = coroutine.create(function() mp.app.sleep(1) error("late") end)
      local ok, err = coroutine.resume(co)
      local w = coroutine.wrap(function() mp.app.sleep(1) error("wrapped") end)
      local ok2, err2 = pcall(w)
      return ok, err, ok2, err2`;
    const [ok, err, ok2, err2] = await returns(code);
    expect([ok, ok2]).toEqual([false, false]);
    expect(err).toMatch(/script\.lua:2: late$/);
    expect(err2).toMatch(/wrapped$/);
  });

  it('fail clearly where Lua cannot wait (table.sort comparator, gsub callback)', async () => {
    const sort = await runner.run(
      'local t = {3, 1, 2}\ntable.sort(t, function(a, b) mp.app.sleep(0) return a < b end)',
    );
    expect(sort.ok).toBe(false);
    expect(sort.error?.message).toMatch(/script\.lua:2: mp\.app\.sleep waits .* table\.sort comparator/);
    const gsub = await runner.run(
      'return ("abc"):gsub(".", function(c) return tostring(mp.app.confirm(c)) end)',
    );
    expect(gsub.error?.code).toBe('SCRIPT_ERROR');
  });

  it('keep the runtime usable after 1 000 blocking calls', async () => {
    expect(
      await returns('local n = 0 for i = 1, 1000 do if mp.app.confirm("x") then n = n + 1 end end return n'),
    ).toEqual([1000]);
  });
});

describe('natives', () => {
  it('raise errors at the script line that called them', async () => {
    const result = await runner.run('local x = 1\nmp.memory.read("Nope", 0, 1)');
    expect(result.error).toMatchObject({ code: 'SCRIPT_ERROR', line: 2 });
    expect(result.error?.message).toMatch(/^script\.lua:2: No region named "Nope"/);
  });

  it('raise errors at the script line also through Lua wrappers', async () => {
    const result = await runner.run('\n\nmp.memory.write_at("Code Flash", 0x20000, {1})');
    expect(result.error?.line).toBe(3);
    expect(result.error?.message).toMatch(/not inside region "Code Flash"/);
  });

  it('name the bad argument', async () => {
    const result = await runner.run('mp.memory.read_byte_at("zero")');
    expect(result.error?.message).toMatch(
      /bad argument 'address' to 'mp\.memory\.read_byte_at' \(number expected, got string\)/,
    );
  });

  it('let pcall catch their errors as strings', async () => {
    expect(await returns('local ok, err = pcall(mp.memory.read_byte_at, 1.5) return ok, type(err)')).toEqual([
      false,
      'string',
    ]);
  });

  it('move binary strings intact in both directions', async () => {
    const code = `
      local s = "\\0\\255\\128A\\0"
      mp.memory.write_at(0x100, s)
      local back = mp.memory.read_raw_at(0x100, 5)
      return back == s, #back, back:byte(2)`;
    expect(await returns(code)).toEqual([true, 5, 255]);
  });
});
