import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';
import { MAX_LOG_LINE, MAX_LOG_TEXT } from './log-cap';

// One memory budget per run covers the Lua heap and what the mp.* natives allocate (issue 14).
const runner = createTestRunner();
const MiB = 1024 * 1024;

async function stillRuns() {
  expect((await runner.run('return 6 * 7')).returns).toEqual([42]);
}

describe('the run memory budget', () => {
  it('refuses mp.file.save_bin_range of 1 GiB at once with the Lua cap\'s "not enough memory", at the line', async () => {
    const result = await runner.run('\nmp.file.save_bin_range("a.bin", 0, 0x40000000)');
    expect(result.error).toMatchObject({ code: 'SCRIPT_ERROR', line: 2 });
    expect(result.error?.message).toBe('script.lua:2: not enough memory (a script may use 64 MiB).');
    expect(result.saved).toEqual([]);
    const caught = await runner.run(
      'local ok, err = pcall(mp.file.save_bin_range, "a.bin", 0, 0x40000000) return ok, err',
    );
    expect(caught.returns).toEqual([
      false,
      expect.stringMatching(/not enough memory \(a script may use 64 MiB\)/),
    ]);
    await stillRuns();
  });

  it('keeps only the last version of a file saved again and again', async () => {
    const result = await runner.run(`
      local s = ("x"):rep(256 * 1024)
      for i = 1, 40 do mp.file.append_text("log.txt", s) end
      mp.file.write_text("other.txt", "a")
      mp.file.write_text("other.txt", "bc")
      return mp.file.size("log.txt")`);
    expect(result.returns).toEqual([40 * 256 * 1024]);
    expect(result.savedFiles.map((f) => [f.name, f.bytes.length])).toEqual([
      ['log.txt', 40 * 256 * 1024],
      ['other.txt', 2],
    ]);
  });

  it('stops append_text of 20 MB strings with "not enough memory" once the file no longer fits (was 16 GB)', async () => {
    const result = await runner.run(`
      local s = ("x"):rep(20 * 1024 * 1024)
      local n = 0
      for i = 1, 40 do mp.file.append_text("big.txt", s) n = i end`);
    expect(result.error?.message).toMatch(/^script\.lua:4: not enough memory \(a script may use 64 MiB\)\.$/);
    // The string (20 MiB in Lua) and the file's last version fit; the next version does not.
    expect(result.savedFiles.map((f) => f.bytes.length)).toEqual([40 * MiB]);
    await stillRuns();
  });

  it('counts saved files against the Lua heap: what natives hold leaves less for tables and strings', async () => {
    const result = await runner.run(`
      mp.file.write_text("keep.bin", ("x"):rep(20 * 1024 * 1024))
      collectgarbage()
      local ok, err = pcall(string.rep, "y", 25 * 1024 * 1024)
      return ok, err`);
    expect(result.returns).toEqual([false, 'not enough memory']);
    const fits = await runner.run('return #("y"):rep(25 * 1024 * 1024)');
    expect(fits.returns).toEqual([25 * MiB]);
  });

  it('checks byte strings a native hands to the script (mp.file.read of a big file)', async () => {
    const bytes = new Uint8Array(3 * MiB);
    const result = await runner.run('local s = mp.file.read("big.bin") return #s', {
      files: [{ name: 'big.bin', bytes }],
      memoryLimit: 2 * MiB,
    });
    expect(result.error?.message).toBe('script.lua:1: not enough memory (a script may use 2 MiB).');
    await stillRuns();
  });
});

describe('the run log budget', () => {
  it('cuts long lines with a note of what was cut (60 prints of 20 MB sent 1.2 GB)', async () => {
    const result = await runner.run('local s = ("x"):rep(20 * 1024 * 1024) for i = 1, 60 do print(s) end');
    expect(result.ok).toBe(true);
    expect(result.logs).toHaveLength(60);
    const cut = 20 * MiB - MAX_LOG_LINE;
    for (const line of result.logs) {
      expect(line.length).toBeLessThan(MAX_LOG_LINE + 100);
      expect(line.endsWith(`… [${cut.toLocaleString('en')} more bytes cut]`)).toBe(true);
    }
  });

  it('stops sending lines once the run has sent its share, and says how many were left out', async () => {
    const lines = Math.ceil(MAX_LOG_TEXT / 10_000) + 50;
    const result = await runner.run(`local s = ("z"):rep(10000) for i = 1, ${lines} do mp.log.warn(s) end`);
    const total = result.logs.reduce((n, l) => n + l.length, 0);
    expect(total).toBeLessThan(MAX_LOG_TEXT + 20_000);
    expect(
      result.logs.some((l) => /the script's log reached 4 MiB of text: later lines are not shown/.test(l)),
    ).toBe(true);
    const shown = result.logs.length - 1;
    expect(result.logs.at(-1)).toBe(
      `warn: ${(lines - shown).toLocaleString('en')} more log lines (${((lines - shown) * 10_000).toLocaleString('en')} bytes) were not shown.`,
    );
  });
});
