import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';
import { MAX_LOG_FILE, localDate, logFileName, pathInFolder } from './log-file';
import { LOG_TAIL_LINES } from './log-tail';

const runner = createTestRunner();

async function run(code: string, extra = {}) {
  const result = await runner.run(code, extra);
  if (!result.ok) throw new Error(result.error?.message);
  return result;
}

describe("mp.app (MultiProg's functions, honestly)", () => {
  it('build_info and os_info describe this build and where it runs (Node under tests)', async () => {
    const { returns } = await run('return mp.app.build_info(), mp.app.os_info()');
    expect(returns[0]).toEqual({
      version: '9.9.9-test',
      script_api_version: expect.any(String),
      script_api: (returns[0] as { script_api_version: string }).script_api_version,
      lua: 'Lua 5.4 (wasmoon)',
      platform: 'web',
      compiler: 'TypeScript',
      git_hash: '',
      build_time: '',
      qt_version: '',
    });
    expect(returns[1]).toMatchObject({
      name: 'node',
      version: process.versions.node,
      platform: process.platform,
      // MultiProg's fields.
      os: process.platform,
      cpu_arch: process.arch,
      os_version: '',
      kernel: '',
      kernel_version: '',
      hostname: '',
    });
  });

  it("log_tail gives the run's own last lines; without a workspace log_path is Not Supported", async () => {
    const { returns } = await run(`
      mp.log.info("one") mp.log.success("two") print("three")
      local p, err = mp.app.log_path()
      return mp.app.log_tail(2), mp.app.log_tail(), mp.app.log_tail(0), p, err`);
    expect(returns.slice(0, 4)).toEqual([
      '[success] two\n[info] three',
      '[info] one\n[success] two\n[info] three',
      '',
      null,
    ]);
    expect(returns[4]).toMatch(/^Not Supported: without a workspace folder the log is not a file/);
  });

  it(`log_tail keeps only the last ${LOG_TAIL_LINES} lines`, async () => {
    const { returns } = await run(
      `for i = 1, 500 do print(i) end local t = mp.app.log_tail(1000) return select(2, t:gsub("\\n", "")) + 1, t:sub(1, 10)`,
    );
    expect(returns).toEqual([LOG_TAIL_LINES, '[info] 301']);
  });

  it('script shortcuts: list, add, remove over the list the page passed; handed back after the run', async () => {
    const result = await run(
      `
      local a = mp.app.add_script_shortcut("C:/scripts/flash_all.lua")
      local b, eb = mp.app.add_script_shortcut("other.lua", "flash_all")
      local c = mp.app.remove_script_shortcut("Read")
      local d, ed = mp.app.remove_script_shortcut("nope")
      return a, b, eb, c, d, ed, mp.app.list_script_shortcuts()`,
      { scriptShortcuts: [{ name: 'Read', path: 'read.lua' }] },
    );
    expect(result.returns).toEqual([
      true,
      false,
      'A shortcut named "flash_all" exists already.',
      true,
      false,
      'No shortcut named "nope".',
      [{ name: 'flash_all', path: 'C:/scripts/flash_all.lua' }],
    ]);
    expect(result.scriptShortcuts).toEqual([{ name: 'flash_all', path: 'C:/scripts/flash_all.lua' }]);
  });

  it('folder functions and get_env answer nil, "Not Supported: …"; cleanup_ipc_dir has nothing to clean', async () => {
    const names = [
      'exe_dir',
      'exe_path',
      'config_dir',
      'scripts_dir',
      'temp_dir',
      'home_dir',
      'desktop_dir',
      'documents_dir',
      'get_env',
    ];
    const { returns } = await run(`
      local out = {}
      for _, n in ipairs({${names.map((n) => `"${n}"`).join(', ')}}) do
        local v, err = mp.app[n]("PATH")
        out[#out + 1] = tostring(v) .. "|" .. err
      end
      return out, mp.app.cleanup_ipc_dir()`);
    const out = returns[0] as string[];
    expect(out).toHaveLength(names.length);
    for (const line of out) expect(line).toMatch(/^nil\|Not Supported: .+/);
    expect(returns.slice(1)).toEqual([true, '']);
  });

  it('with a workspace folder, documents/scripts/home/desktop/config_dir give it and a path in it finds its files', async () => {
    const { returns } = await run(
      `
      local dir = mp.app.documents_dir()
      local ok = mp.file.write_text(dir .. "/log.csv", "1,ok")
      return dir, mp.app.scripts_dir(), mp.app.home_dir(), mp.app.desktop_dir(), mp.app.config_dir(),
        select(2, mp.app.temp_dir()), mp.file.exists(dir .. "/fw.hex"), ok`,
      { workspace: 'Line 3', files: [{ name: 'fw.hex', bytes: new Uint8Array([0x3a]) }] },
    );
    expect(returns.slice(0, 5)).toEqual(['Line 3', 'Line 3', 'Line 3', 'Line 3', 'Line 3']);
    expect(returns[5]).toMatch(/^Not Supported: a web page cannot see the computer's temporary folder/);
    expect(returns.slice(6)).toEqual([true, true]);
  });

  it('without a workspace config_dir and log_path answer nil, "Not Supported: …" and no log file is made', async () => {
    const result = await run(`
      mp.log.info("hello")
      local c, ce = mp.app.config_dir()
      local p, pe = mp.app.log_path()
      return c, ce, p, pe`);
    expect(result.returns[0]).toBeNull();
    expect(result.returns[1]).toMatch(
      /^Not Supported: a web page cannot see a configuration folder .*grant a workspace folder/,
    );
    expect(result.returns[2]).toBeNull();
    expect(result.returns[3]).toMatch(/^Not Supported: without a workspace folder the log is not a file/);
    expect(result.saved).toEqual([]);
    expect(result.savedFiles).toEqual([]);
  });

  it("with a workspace, log_path names today's log in it and the run's lines are appended to that file", async () => {
    const name = `webprog-${localDate(new Date())}.log`;
    const earlier = new TextEncoder().encode('2026-01-01 00:00:00 [info] an earlier run\n');
    const result = await runner.run(
      `
      local path = mp.app.log_path()
      mp.log.info("one")
      mp.log.warn("two")
      print("three")
      local seen = mp.file.read_text(path)
      mp.log.success("four")
      return path, mp.file.exists(path), seen`,
      {
        workspace: 'Line 3',
        chunkName: 'flow.lua',
        files: [{ name, bytes: earlier }],
      },
    );
    expect(result.error).toBeUndefined();
    expect(result.returns[0]).toBe(`Line 3/${name}`);
    expect(result.returns[1]).toBe(true);
    const line = (level: string, text: string) =>
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\[${level}\\] ${text}$`);
    // Read during the run: the earlier content, then this run's lines so far.
    const seen = (result.returns[2] as string).split('\n');
    expect(seen[0]).toBe('2026-01-01 00:00:00 [info] an earlier run');
    expect(seen.slice(1, 5).map((l) => l.slice(20))).toEqual([
      '[run] flow.lua',
      '[info] one',
      '[warn] two',
      '[info] three',
    ]);
    // The file the run hands back (and the page writes into the folder) has every line; one version is kept.
    expect(result.savedFiles.map((f) => f.name)).toEqual([name]);
    const text = new TextDecoder().decode(result.savedFiles[0]!.bytes);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l, i) => (i === 0 ? l : l.slice(20)))).toEqual([
      '2026-01-01 00:00:00 [info] an earlier run',
      '[run] flow.lua',
      '[info] one',
      '[warn] two',
      '[info] three',
      '[success] four',
    ]);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(line('\\w+', '.+'));
    // Two versions reached the page, before read_text and before exists (nothing waited at the end).
    expect(result.saved.map((f) => [f.name, f.bytes.length])).toEqual([
      [name, expect.any(Number)],
      [name, result.savedFiles[0]!.bytes.length],
    ]);
  });

  it("a run that fails ends today's log with its error; a run without lines writes no log", async () => {
    const failed = await runner.run('mp.log.info("before")\nerror("boom")', {
      workspace: '/home/me/line',
      chunkName: 'bad.lua',
    });
    expect(failed.ok).toBe(false);
    const text = new TextDecoder().decode(failed.savedFiles[0]!.bytes);
    expect(text.split('\n').map((l) => l.slice(20))).toEqual([
      '[run] bad.lua',
      '[info] before',
      '[error] bad.lua:2: boom',
      '',
    ]);
    const quiet = await runner.run('return 1', { workspace: '/home/me/line' });
    expect(quiet.savedFiles).toEqual([]);
  });

  it("today's log is webprog-YYYY-MM-DD.log, continued in -2, -3… once a part is 8 MiB; paths use the folder's separator", () => {
    const day = new Date(2026, 11, 7, 23, 59);
    expect(logFileName(day, new Map())).toBe('webprog-2026-12-07.log');
    const big = new Uint8Array(MAX_LOG_FILE);
    expect(logFileName(day, new Map([['webprog-2026-12-07.log', big.subarray(1)]]))).toBe(
      'webprog-2026-12-07.log',
    );
    expect(
      logFileName(
        day,
        new Map([
          ['webprog-2026-12-07.log', big],
          ['webprog-2026-12-07-2.log', big],
        ]),
      ),
    ).toBe('webprog-2026-12-07-3.log');
    expect(pathInFolder('Line 3', 'a.log')).toBe('Line 3/a.log');
    expect(pathInFolder('/home/me/', 'a.log')).toBe('/home/me/a.log');
    expect(pathInFolder('C:\\Lines\\3', 'a.log')).toBe('C:\\Lines\\3\\a.log');
  });
});
