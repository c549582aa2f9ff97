import { describe, expect, it, vi } from 'vitest';
import { WebProgError } from '../../src/core/errors';
import { createLuaService } from './service';
import { imageToDto } from '../device/image-dto';
import { fakeImage } from './testing/fake-device';
import { createTestRunner } from './testing/run-script';
import { LuaVm, ScriptEngine } from './vm/lua-vm';

const lua = createLuaService({ version: 'test' });

describe('Lua service: evaluate', () => {
  it('evaluates a chunk and returns its values', async () => {
    expect(await lua.evaluate('return 1+1')).toEqual([2]);
    expect(await lua.evaluate('return "a", true, nil, {x = 1}')).toEqual(['a', true, null, { x: 1 }]);
  });

  it('reports Lua errors with the chunk name and line', async () => {
    const error = await lua.evaluate('local a = 1\nerror("boom")', 'user.lua').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebProgError);
    expect((error as WebProgError).code).toBe('SCRIPT_ERROR');
    expect((error as WebProgError).line).toBe(2);
    expect((error as WebProgError).message).toBe('user.lua:2: boom');
  });

  it('reports syntax errors with the line', async () => {
    const error = (await lua.evaluate('\nx = = 1', 'bad.lua').catch((e: unknown) => e)) as WebProgError;
    expect(error.code).toBe('SCRIPT_ERROR');
    expect(error.line).toBe(2);
  });

  it('does not leak state between runs', async () => {
    await lua.evaluate('leaked = 42');
    expect(await lua.evaluate('return leaked')).toEqual([null]);
  });

  it('survives many runs that return values (no stack leak as with doString)', async () => {
    for (let i = 0; i < 200; i++) expect(await lua.evaluate(`return ${i}, "x", {}`)).toEqual([i, 'x', {}]);
  });

  it('keeps load working for text chunks, with and without an environment', async () => {
    expect(await lua.evaluate('x = 5 return load("return x")()')).toEqual([5]);
    expect(await lua.evaluate('return load("return y", "c", "t", {y = 7})()')).toEqual([7]);
  });
});

describe('sandbox', () => {
  it.each([
    ['io', 'return io.open("x")'],
    ['package', 'return package.loaded'],
    ['require', 'return require("os")'],
    ['dofile', 'return dofile("x")'],
    ['loadfile', 'return loadfile("x")'],
    ['debug', 'return debug.getinfo(1)'],
    ['string.dump', 'return string.dump(function() end)'],
    ['("").dump', 'return (""):dump()'],
    ['os.execute', 'return os.execute("ls")'],
    ['os.exit', 'return os.exit(3)'],
    ['os.getenv', 'return os.getenv("HOME")'],
    ['os.remove', 'return os.remove("x")'],
    ['os.rename', 'return os.rename("x", "y")'],
    ['os.tmpname', 'return os.tmpname()'],
  ])('blocks %s', async (_name, code) => {
    await expect(lua.evaluate(code)).rejects.toMatchObject({ code: 'SCRIPT_ERROR' });
  });

  it('refuses binary chunks in load, whatever mode is asked for', async () => {
    for (const mode of ['b', 'bt', undefined]) {
      const arg = mode === undefined ? '' : `, "x", "${mode}"`;
      const [fn, err] = await lua.evaluate(`return load("\\27Lua"${arg})`);
      expect(fn).toBeNull();
      expect(String(err)).toMatch(/binary/);
    }
  });

  it('keeps the safe parts of os', async () => {
    const [t, c, d, diff] = await lua.evaluate(
      'return os.time(), os.clock(), os.date("%Y"), os.difftime(5, 2)',
    );
    expect(typeof t).toBe('number');
    expect(typeof c).toBe('number');
    expect(d).toMatch(/^\d{4}$/);
    expect(diff).toBe(3);
  });

  it('hides the sandbox internals from the script', async () => {
    expect(await lua.evaluate('return rawget(_G, "raw_load"), rawget(_G, "os_keep")')).toEqual([null, null]);
  });

  it('fails a script that allocates too much, and keeps working', async () => {
    const error = (await lua
      .evaluate('local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(100) .. i end')
      .catch((e: unknown) => e)) as WebProgError;
    expect(error.code).toBe('SCRIPT_ERROR');
    expect(error.message).toMatch(/not enough memory/);
    expect(await lua.evaluate('return 3*3')).toEqual([9]);
    // Filling the 64 MiB heap takes seconds when idle and 45 s with both cores busy.
  }, 300_000);

  it('caps a run at the memory limit it was given', async () => {
    const runner = createTestRunner();
    const big = await runner.run('local s = ("x"):rep(4 * 1024 * 1024) return #s', {
      memoryLimit: 2 * 1024 * 1024,
    });
    expect(big.ok).toBe(false);
    expect(big.error?.message).toMatch(/not enough memory \(a script may use 2 MiB\)/);
    expect((await runner.run('return #("x"):rep(1024)')).returns).toEqual([1024]);
  });
});

describe('Lua service: run', () => {
  it('refuses a second run while one is running', async () => {
    const runner = createTestRunner();
    const first = runner.run('mp.app.sleep(50) return 1');
    await expect(runner.run('return 2')).rejects.toMatchObject({ code: 'WORKER_ERROR' });
    expect((await first).returns).toEqual([1]);
  });

  it('returns the error with line and file, and the buffer as it was', async () => {
    const runner = createTestRunner();
    const result = await runner.run('mp.memory.write_at(0x10, "AB")\n\nerror("stop here")', {
      chunkName: 'job.lua',
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({
      code: 'SCRIPT_ERROR',
      line: 3,
      file: 'job.lua',
      message: 'job.lua:3: stop here',
    });
    expect(result.image.segments).toEqual([{ address: 0x10, data: new Uint8Array([0x41, 0x42]) }]);
  });

  it('stops a run waiting in a blocking call when stop() is called', async () => {
    // Behaviour only: the sleep would last a minute, so only stop() can end the run this soon.
    // Stop latency is measured in bench/lua.bench.ts.
    const runner = createTestRunner();
    let inSleep!: () => void;
    const sleeping = new Promise<void>((resolve) => (inSleep = resolve));
    const run = runner.service.run(
      'mp.log.info("sleeping") mp.app.sleep(60000) mp.log.info("not reached")',
      { image: imageToDto(fakeImage()) },
      {
        onLog: (_level, text) => (text === 'sleeping' ? inSleep() : undefined),
        onStatus: () => undefined,
        confirm: () => true,
      },
    );
    await sleeping;
    const started = performance.now();
    await runner.service.stop();
    const result = await run;
    expect(result.error).toMatchObject({ code: 'CANCELLED', message: 'Script stopped.' });
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('Lua service: every run leaves the worker ready for the next (issue 14)', () => {
  const nested = (depth: number) => `local t={} local c=t for i=1,${depth} do c.n={} c=c.n end return t`;
  const chainDepth = (value: unknown): number => {
    let depth = 0;
    for (let c = value as { n?: unknown } | undefined; c && typeof c === 'object'; c = c.n as typeof c)
      depth++;
    return depth;
  };

  it('returns a chain of 22 nested tables from a fresh worker (this trapped with "memory access out of bounds")', async () => {
    const runner = createTestRunner();
    const result = await runner.run(nested(22));
    expect(result.error).toBeUndefined();
    expect(chainDepth(result.returns[0])).toBe(23);
    expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
  });

  it.each([100, 5000])(
    'refuses %i nested tables as a return value with a clear error, at once, and runs the next script',
    async (depth) => {
      const runner = createTestRunner();
      const started = performance.now();
      const result = await runner.run(nested(depth));
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('SCRIPT_ERROR');
      expect(result.error?.message).toMatch(
        /return values cannot be handed back: .*nested more than 64 deep/,
      );
      // Generous bound for a busy machine: this hung for minutes.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
      const evaluated = await lua.evaluate(nested(depth)).catch((e: unknown) => e);
      expect(evaluated).toMatchObject({ code: 'SCRIPT_ERROR' });
      expect(await lua.evaluate('return 3 * 3')).toEqual([9]);
    },
  );

  it('refuses a table that contains itself, and a shared-table blow-up, by their bounds', async () => {
    const runner = createTestRunner();
    const cycle = await runner.run('local t = {} t.me = t return t');
    expect(cycle.error?.message).toMatch(/a table that contains itself/);
    const blowUp = await runner.run('local t = {} for i = 1, 40 do t = {t, t} end return t');
    expect(blowUp.error?.message).toMatch(/more than 1,000,000 values/);
    expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
  });

  it('converts return values without running metamethods, binary-safe, with arrays only for 1..n keys', async () => {
    const runner = createTestRunner();
    const result = await runner.run(`
      local loud = setmetatable({}, { __index = function() error("ran") end, __pairs = function() error("ran") end })
      local key = setmetatable({}, { __tostring = function() while true do end end })
      return {1, 2, 3}, {a = 1}, {}, {[1] = "x", [3] = "z"}, loud, print, 2^53, 1.5, "a\\0b", {[true] = 1}, {[key] = 1}`);
    expect(result.error).toBeUndefined();
    const [seq, obj, empty, holes, quiet, fn, big, float, bin, boolKey, tableKey] = result.returns;
    expect([seq, obj, empty, holes, quiet, fn, big, float, bin, boolKey]).toEqual([
      [1, 2, 3],
      { a: 1 },
      {},
      { 1: 'x', 3: 'z' },
      {},
      '<function>',
      2 ** 53,
      1.5,
      'a\0b',
      { true: 1 },
    ]);
    expect(Object.keys(tableKey as object)[0]).toMatch(/^table: 0x[0-9a-f]+$/);
  });

  it('discards the engine after a wasm trap while closing it, says so, and runs the next script', async () => {
    const runner = createTestRunner();
    expect((await runner.run('return 1')).ok).toBe(true);
    const close = vi.spyOn(ScriptEngine.prototype, 'close').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('memory access out of bounds');
    });
    const create = vi.spyOn(LuaVm, 'create');
    try {
      const trapped = await runner.run('return 1');
      expect(trapped.ok).toBe(false);
      expect(trapped.error).toMatchObject({ code: 'SCRIPT_ENGINE_FAILED' });
      expect(trapped.error?.message).toMatch(/memory access out of bounds.*next script runs in a fresh one/);
      expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
      expect(create).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
      create.mockRestore();
    }
  });

  it('discards the engine after a wasm trap during the run, keeps the buffer, and runs the next script', async () => {
    const runner = createTestRunner();
    const exec = vi.spyOn(ScriptEngine.prototype, 'exec').mockImplementationOnce(() => {
      throw new WebAssembly.RuntimeError('unreachable');
    });
    try {
      const trapped = await runner.run('return 1');
      expect(trapped.error).toMatchObject({ code: 'SCRIPT_ENGINE_FAILED' });
      expect(trapped.image.regions.length).toBeGreaterThan(0);
      expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
      const evaluated = vi.spyOn(ScriptEngine.prototype, 'exec').mockImplementationOnce(() => {
        throw new WebAssembly.RuntimeError('unreachable');
      });
      await expect(lua.evaluate('return 1')).rejects.toMatchObject({ code: 'SCRIPT_ENGINE_FAILED' });
      evaluated.mockRestore();
      expect(await lua.evaluate('return 2')).toEqual([2]);
    } finally {
      exec.mockRestore();
    }
  });

  it('answers a run with options it cannot use with an error, and runs the next script', async () => {
    const runner = createTestRunner();
    const bad = await runner.run('return 1', { image: { regions: null } as never });
    expect(bad.ok).toBe(false);
    expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
  });
});
