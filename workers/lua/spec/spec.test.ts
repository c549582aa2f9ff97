import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { renderApiDocs } from '../docs/api-docs';
import { mpCompletions } from '../docs/completions';
import { createTestRunner } from '../testing/run-script';
import { MP_API, MP_MODULES, qualifiedName } from '.';

const runner = createTestRunner();
const specNames = MP_API.map(qualifiedName).sort();

describe('mp API specification', () => {
  it('has unique names in known modules', () => {
    expect(new Set(specNames).size).toBe(specNames.length);
    const modules = new Set(MP_MODULES.map((m) => m.module));
    for (const fn of MP_API) expect(modules.has(fn.module)).toBe(true);
  });

  it('matches the Lua bindings exactly: every entry bound, nothing bound without an entry', async () => {
    const result = await runner.run(`
      local names = {}
      for module, fns in pairs(mp) do
        for name, fn in pairs(fns) do
          if type(fn) == "function" then names[#names + 1] = "mp." .. module .. "." .. name end
        end
      end
      table.sort(names)
      return names`);
    expect(result.returns[0]).toEqual(specNames);
  });

  it('has examples that are valid Lua', async () => {
    const code = `local bad = {}\nfor i, src in ipairs(...) do if not load(src) then bad[#bad + 1] = i end end\nreturn bad`;
    const examples = MP_API.map((f) => f.example.replace(/\]\]/g, '] ]'));
    const wrapped = `return (function(...) ${code} end)({${examples.map((e) => `[[${e}]]`).join(', ')}})`;
    const result = await runner.run(wrapped);
    expect(result.error).toBeUndefined();
    expect(result.returns[0]).toEqual({});
  });

  it('generates a completion for every module and function', () => {
    const labels = mpCompletions().map((c) => c.label);
    expect(labels).toEqual([...MP_MODULES.map((m) => `mp.${m.module}`), ...MP_API.map(qualifiedName)]);
    const read = mpCompletions().find((c) => c.label === 'mp.memory.read_at')!;
    expect(read.detail).toBe('mp.memory.read_at([region], address, length) → bytes: integer[]');
    expect(read.insertText).toBe('mp.memory.read_at(${1:address}, ${2:length})');
  });

  it("marks every function; all 117 of MultiProg's documented functions exist, 4 of them not supported in a browser", () => {
    const kinds = MP_API.map((f) => f.compat?.kind);
    expect(kinds.every((k) => k !== undefined)).toBe(true);
    expect(kinds.filter((k) => k === 'multiprog')).toHaveLength(113);
    const browser = MP_API.filter((f) => f.compat?.kind === 'not-in-browser');
    expect(browser.map(qualifiedName).sort()).toEqual(
      ['exe_dir', 'exe_path', 'get_env', 'temp_dir'].map((n) => `mp.app.${n}`),
    );
    // The folder functions and today's log are MultiProg's once a workspace folder is granted.
    for (const name of ['config_dir', 'log_path', 'scripts_dir', 'home_dir'])
      expect(MP_API.find((f) => f.module === 'app' && f.name === name)?.compat?.kind).toBe('multiprog');
    for (const fn of browser) expect(fn.compat?.reason).toMatch(/Not Supported/);
    const html = renderApiDocs();
    expect(html).toMatch(/id="mp-file-load">[\s\S]*?MultiProg-compatible/);
    expect(html).toMatch(/id="mp-file-load_region">[\s\S]*?WebProg-only/);
    expect(html).toMatch(
      /id="mp-app-temp_dir">[\s\S]*?not supported in a browser<\/span>: A web page has no/,
    );
  });

  it('generates the docs page with every function, and public/docs/lua-api.html is up to date', async () => {
    const html = renderApiDocs();
    for (const fn of MP_API) expect(html).toContain(`id="${qualifiedName(fn).replace(/\./g, '-')}"`);
    const path = resolve(process.cwd(), 'public/docs/lua-api.html');
    const formatted = await format(html, { ...(await resolveConfig(path)), filepath: path });
    expect(readFileSync(path, 'utf8'), 'run: node --import tsx workers/lua/docs/generate-docs.mjs').toBe(
      formatted,
    );
  });
});
