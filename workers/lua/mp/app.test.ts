import { describe, expect, it } from 'vitest';
import { createTestRunner } from '../testing/run-script';
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

  it("log_tail gives the run's own last lines; log_path is Not Supported", async () => {
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
    expect(returns[4]).toMatch(/^Not Supported: /);
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

  it('with a workspace folder, documents/scripts/home/desktop_dir give it and a path in it finds its files', async () => {
    const { returns } = await run(
      `
      local dir = mp.app.documents_dir()
      local ok = mp.file.write_text(dir .. "/log.csv", "1,ok")
      return dir, mp.app.scripts_dir(), mp.app.home_dir(), mp.app.desktop_dir(),
        select(2, mp.app.temp_dir()), mp.file.exists(dir .. "/fw.hex"), ok`,
      { workspace: 'Line 3', files: [{ name: 'fw.hex', bytes: new Uint8Array([0x3a]) }] },
    );
    expect(returns.slice(0, 4)).toEqual(['Line 3', 'Line 3', 'Line 3', 'Line 3']);
    expect(returns[4]).toMatch(/^Not Supported: a web page cannot see the computer's temporary folder/);
    expect(returns.slice(5)).toEqual([true, true]);
  });
});
