import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLuaService } from '../../workers/lua/service';
import { AppState } from './app-state.svelte';
import { checksumScriptRunner } from './checksum-script-run';
import {
  CHECKSUM_PROFILES_KEY,
  ChecksumLibrary,
  isChecksumScript,
  parseProfiles,
  profileFor,
  targetMatches,
} from './checksum-scripts';
import { ChecksumState } from './checksum.svelte';
import { provideScriptRunner } from './script-runtime';
import { fakeDevice, fakeLua } from './testing/fake-workers';
import { memoryStorage } from './testing/browser';

const BLOCK0_SCRIPT = `-- @checksum-script
-- RL78 / 78K block 0 checksum over the buffer, shown in the status bar.
local bytes = mp.memory.read_at(0, 0x400)
mp.ui.set_statusbar(mp.config.get().target .. " Block 0", string.format("0x%04X", mp.checksum.sum_rl78(bytes)))
`;

describe('checksum scripts and profiles', () => {
  it('finds the marker only in the first 512 bytes', () => {
    expect(isChecksumScript('-- @checksum-script\nreturn 1')).toBe(true);
    expect(isChecksumScript(`${' '.repeat(490)}-- @checksum-script`)).toBe(true);
    expect(isChecksumScript(`${' '.repeat(500)}-- @checksum-script`)).toBe(false);
    expect(isChecksumScript('-- a plain script')).toBe(false);
  });

  it('matches target patterns with * and ?, ignoring case; the first matching profile wins', () => {
    expect(targetMatches('R5F100*', 'R5F100LE')).toBe(true);
    expect(targetMatches('r5f10??e', 'R5F100LE')).toBe(true);
    expect(targetMatches('R5F100', 'R5F100LE')).toBe(false);
    expect(targetMatches('nRF52833 (x)', 'nRF52833 (x)')).toBe(true);
    const profiles = parseProfiles(
      JSON.stringify([
        { target_pattern: 'R5F100*', checksum_name: 'RL78 block 0', script_name: 'rl78.lua' },
        { target_pattern: '*', checksum_name: 'crc32', script_name: '' },
        { target_pattern: '', checksum_name: 'crc32' },
        { checksum_name: 'x' },
      ]),
    );
    expect(profiles).toHaveLength(2);
    expect(profileFor(profiles, 'R5F100LE')?.script_name).toBe('rl78.lua');
    expect(profileFor(profiles, 'STM32F411')?.checksum_name).toBe('crc32');
    expect(() => parseProfiles('{')).toThrow(/not JSON/);
    expect(() => parseProfiles('{"a":1}')).toThrow(/must be a JSON array/);
  });

  it('keeps scripts and profiles in storage, and refuses a script without the marker', () => {
    const storage = memoryStorage();
    const library = new ChecksumLibrary(storage);
    library.keepScript('b.lua', BLOCK0_SCRIPT);
    library.keepScript('a.lua', BLOCK0_SCRIPT);
    expect(() => library.keepScript('plain.lua', 'return 1')).toThrow(/plain\.lua is not a checksum script/);
    library.setProfiles([{ target_pattern: 'nRF*', checksum_name: 'a.lua', script_name: 'a.lua' }]);
    const again = new ChecksumLibrary(storage);
    expect(again.scripts.map((s) => s.name)).toEqual(['a.lua', 'b.lua']);
    expect(JSON.parse(storage.items.get(CHECKSUM_PROFILES_KEY)!)).toEqual([
      { target_pattern: 'nRF*', checksum_name: 'a.lua', script_name: 'a.lua' },
    ]);
    again.removeScript('a.lua');
    expect(new ChecksumLibrary(storage).scripts.map((s) => s.name)).toEqual(['b.lua']);
    storage.items.set(CHECKSUM_PROFILES_KEY, 'garbage');
    expect(new ChecksumLibrary(storage).profiles).toEqual([]);
  });
});

describe('ChecksumState with checksum scripts (real Lua)', () => {
  async function setup() {
    const service = createLuaService({ version: 'test' });
    provideScriptRunner({
      run: service.run.bind(service),
      stop: async () => ({ terminated: false, ms: 0 }),
      running: false,
    });
    const app = new AppState({
      device: fakeDevice(),
      lua: fakeLua(),
      download: () => undefined,
      clock: () => 0,
      storage: memoryStorage(),
    });
    const sum = new ChecksumState(fakeDevice(), app.files, app.log, {
      library: new ChecksumLibrary(memoryStorage()),
      run: checksumScriptRunner({
        startLua: async () => undefined,
        deviceId: () => undefined,
        onLog: () => undefined,
      }),
    });
    const file = path.resolve(process.cwd(), '../shared/fixtures/microbit/micropython-v2.1.2.hex');
    await app.files.open([{ name: 'micropython-v2.1.2.hex', bytes: new Uint8Array(readFileSync(file)) }]);
    return { app, sum };
  }

  it('runs a kept script over the file shown and shows its status-bar value', async () => {
    const { app, sum } = await setup();
    expect(sum.keepScript('block0.lua', BLOCK0_SCRIPT)).toBe(true);
    expect(sum.keepScript('plain.lua', 'return 1')).toBe(false);
    sum.choice = 'script:block0.lua';
    expect(sum.scriptName).toBe('block0.lua');
    await sum.compute();
    const bytes = app.files.selected!.data.read(0, 0x400, 0xff);
    const expected = (0x10000 - (bytes.reduce((a, b) => a + b, 0) & 0xffff)) & 0xffff;
    expect(sum.error).toBeUndefined();
    expect(sum.scriptOutcome).toEqual({
      label: 'nRF52833 Block 0',
      value: `0x${expected.toString(16).toUpperCase().padStart(4, '0')}`,
      script: 'block0.lua',
      fileName: 'micropython-v2.1.2.hex',
    });
    sum.choice = 'crc32';
    expect(sum.scriptName).toBeUndefined();
  });

  it('a profile matching a connected chip chooses its checksum and computes it; a failing script says why', async () => {
    const { sum } = await setup();
    sum.keepScript('block0.lua', BLOCK0_SCRIPT);
    sum.choice = 'script:block0.lua';
    sum.addProfile('Nordic nRF528*');
    sum.choice = 'sum16';
    sum.addProfile('STM32*');
    expect(sum.profiles.map((p) => [p.target_pattern, p.script_name || p.checksum_name])).toEqual([
      ['Nordic nRF528*', 'block0.lua'],
      ['STM32*', 'sum16'],
    ]);
    expect(await sum.applyProfile('Z80')).toBeUndefined();
    expect((await sum.applyProfile('Nordic nRF52833'))?.script_name).toBe('block0.lua');
    expect(sum.scriptOutcome?.label).toBe('nRF52833 Block 0');
    expect((await sum.applyProfile('STM32F411'))?.checksum_name).toBe('sum16');
    expect(sum.choice).toBe('sum16');
    expect(sum.outcome?.result.algorithm).toBe('sum16');

    sum.keepScript('silent.lua', '-- @checksum-script\nlocal x = 1\n');
    sum.choice = 'script:silent.lua';
    await sum.compute();
    expect(sum.error).toMatch(
      /silent\.lua gave no result: a checksum script shows it with mp\.ui\.set_statusbar/,
    );
  });
});
