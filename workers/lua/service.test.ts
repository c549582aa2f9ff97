import { describe, expect, it } from 'vitest';
import { WebProgError } from '../../src/core/errors';
import { createLuaService } from './service';

const lua = createLuaService(undefined, 'test');

describe('Lua service', () => {
  it('evaluates a chunk and returns its values', async () => {
    expect(await lua.evaluate('return 1+1')).toEqual([2]);
    expect(await lua.evaluate('return "a", true, nil, {x = 1}')).toEqual(['a', true, null, { x: 1 }]);
  });

  it('reports Lua errors with the chunk name and line', async () => {
    const error = await lua.evaluate('local a = 1\nerror("boom")', 'user.lua').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebProgError);
    expect((error as WebProgError).code).toBe('SCRIPT_ERROR');
    expect((error as WebProgError).line).toBe(2);
    expect((error as WebProgError).message).toContain('user.lua:2: boom');
  });

  it('reports syntax errors with the line', async () => {
    const error = (await lua.evaluate('x = = 1', 'bad.lua').catch((e: unknown) => e)) as WebProgError;
    expect(error.code).toBe('SCRIPT_ERROR');
    expect(error.line).toBe(1);
  });

  it('does not leak state between runs', async () => {
    await lua.evaluate('leaked = 42');
    expect(await lua.evaluate('return leaked')).toEqual([null]);
  });

  it.each([
    ['io', 'return io.open("x")'],
    ['require', 'return require("os")'],
    ['dofile', 'return dofile("x")'],
    ['loadfile', 'return loadfile("x")'],
    ['debug', 'return debug.getinfo(1)'],
    ['string.dump', 'return string.dump(function() end)'],
    ['os.execute', 'return os.execute("ls")'],
    ['os.exit', 'return os.exit(3)'],
    ['os.getenv', 'return os.getenv("HOME")'],
  ])('blocks %s', async (_name, code) => {
    await expect(lua.evaluate(code)).rejects.toMatchObject({ code: 'SCRIPT_ERROR' });
  });

  it('refuses binary chunks in load', async () => {
    const [fn, err] = await lua.evaluate('return load("\\27Lua", "x", "b")');
    expect(fn).toBeNull();
    expect(String(err)).toMatch(/binary|text/);
  });

  it('keeps the safe parts of os', async () => {
    const [t] = await lua.evaluate('return os.time()');
    expect(typeof t).toBe('number');
  });

  it('fails a script that allocates too much, and keeps working', async () => {
    await expect(
      lua.evaluate('local t = {} for i = 1, 1e8 do t[i] = ("x"):rep(100) .. i end'),
    ).rejects.toMatchObject({
      code: 'SCRIPT_ERROR',
    });
    expect(await lua.evaluate('return 3*3')).toEqual([9]);
  });
});
