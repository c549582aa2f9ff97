/**
 * Every code example on MultiProg's API pages (kuraga.tech/docs/MultiProg/scripts/api/… and
 * scripts/checksum-scripts), copied verbatim into `multiprog-pages/`, run unchanged through the
 * Lua service against the simulators with the files and target each names. Where a page's
 * snippet leaves a variable to the reader (`data`, `count`, `size`), a line before the example
 * defines it; where the test needs to see what a call returned that the example keeps in a
 * local, a line before the example wraps that function to log its results ("spy: …"). Neither
 * changes the example's text.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksum } from '../../../src/core/checksum';
import { loadFile, saveFile } from '../../../src/core/formats';
import { targetById } from '../../../src/core/targets';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { flashRegion } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { createSimulatedBluePill, createSimulatedMicrobit } from '../../../src/sim';
import { createSimulatedEspBoard } from '../../../src/sim/esp';
import { createSimulatedRaBoard } from '../../../src/sim/ra';
import { createSimulatedRl78Board } from '../../../src/sim/rl78';
import { fixtureData } from '../../device/cmsis-dap/testing/images';
import { imageFromDto, imageToDto } from '../../device/image-dto';
import { MP_API_VERSION } from '../spec';
import { compatOf } from '../spec/compat';
import { localDate } from '../mp/log-file';
import { simRig } from '../testing/sim-rig';
import { lcgBytes } from '../../device/testing';

/** An example as the page has it. */
function page(name: string): string {
  return readFileSync(resolve(process.cwd(), 'workers/lua/examples/multiprog-pages', name), 'utf8');
}

/**
 * One line of Lua, put before an example, that makes each function in `names` (e.g.
 * "mp.backend.blank_check") log what it returned: "info: spy: mp.backend.blank_check -> false, …".
 * Byte tables are shown as their bytes in hex ("{12 34}").
 */
function spies(...names: string[]): string {
  const show =
    'local function show(v) if type(v) ~= "table" then return tostring(v) elseif #v == 0 then return "table" end ' +
    'local t = {} for i = 1, #v do t[i] = string.format("%02X", v[i]) end return "{" .. table.concat(t, " ") .. "}" end ' +
    'local function fmt(...) local t = {} for i = 1, select("#", ...) do t[i] = show((select(i, ...))) end return table.concat(t, ", ") end ';
  const wraps = names.map((n) => {
    const [, mod, fn] = n.split('.');
    return (
      `do local orig = mp.${mod}.${fn} mp.${mod}.${fn} = function(...) ` +
      `return (function(...) mp.log.info("spy: ${n} -> " .. fmt(...)) return ... end)(orig(...)) end end `
    );
  });
  return `do ${show}${wraps.join('')}end\n`;
}

/** The "spy:" lines of a run, without the level and prefix, for the function `name`. */
function spied(logs: string[], name: string): string[] {
  const prefix = `info: spy: ${name} -> `;
  return logs.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
}

/**
 * Connects the rig's first device the way the person does before running a script (MultiProg's
 * Connect button): the API pages' fragments that read or write start from a connected target.
 */
async function connect(rig: Awaited<ReturnType<typeof simRig>>): Promise<void> {
  const result = await rig.run('assert(mp.backend.connect())');
  expect(result.error).toBeUndefined();
}

const pattern = (size: number, seed = 7): Uint8Array => lcgBytes(size, seed);

describe('kuraga.tech/docs/MultiProg/scripts/api/backend', { timeout: 300_000 }, () => {
  it('opening example: connect, and on failure log the error and stop', async () => {
    const rig = await simRig({ probes: [createSimulatedMicrobit('v2', { latency: 'zero' })] });
    const ok = await rig.run(spies('mp.backend.connect') + page('backend-connect.lua'));
    expect(ok.error).toBeUndefined();
    expect(spied(ok.logs, 'mp.backend.connect')).toEqual(['true, ']);
    expect(ok.logs.filter((l) => l.startsWith('error:'))).toEqual([]);
    // No programmer selected: connect answers false, err and the example logs err and returns.
    const none = await rig.run(page('backend-connect.lua'), { deviceId: undefined });
    expect(none.error).toBeUndefined();
    expect(none.logs).toHaveLength(1);
    expect(none.logs[0]).toMatch(/^error: .+/);
    rig.close();
  });

  it.each([
    ['micro:bit V2 (nRF52833)', 'probe'],
    ['RL78/G13 (R5F100LE)', 'rl78'],
    ['RA4M1 (Arduino Uno R4)', 'ra'],
  ] as const)(
    'extended operations example (erase_blocks, blank_check, write_no_blank, write_at) on the %s',
    async (_name, kind) => {
      const probe = kind === 'probe' ? createSimulatedMicrobit('v2', { latency: 'zero' }) : undefined;
      const rl78 = kind === 'rl78' ? createSimulatedRl78Board({ chip: 'R5F100LE' }) : undefined;
      const ra =
        kind === 'ra'
          ? createSimulatedRaBoard({
              chip: 'RA4M1',
              flash: [{ address: 0, data: new Uint8Array(0x2000).fill(0x3c) }],
            })
          : undefined;
      // Something on the chip for erase_blocks to erase.
      probe?.target.flash.fill(0x3c, 0, 0x2000);
      rl78?.flash.load(0, new Uint8Array(0x2000).fill(0x3c));
      const rig = await simRig(
        probe ? { probes: [probe] } : rl78 ? { rl78Boards: [rl78] } : { boards: [ra!] },
      );
      // The file the person opened before running the example: 1 KiB at 0 (block 0), 0x400 left 0xFF.
      const firmware = pattern(0x400);
      const image = new MemoryImage([flashRegion('Code Flash', 0, 0x10000, 0x400)]);
      image.data.write(0, firmware);
      const result = await rig.run(
        spies('mp.backend.erase_blocks', 'mp.backend.blank_check', 'mp.backend.write_no_blank') +
          page('backend-extended.lua'),
        // The run was started from the panel with writes to this device allowed (one confirmation).
        { image: imageToDto(image), allowHwWrites: true },
      );
      expect(result.error).toBeUndefined();
      expect(result.logs.filter((l) => l.startsWith('error:'))).toEqual([]);
      expect(spied(result.logs, 'mp.backend.erase_blocks')).toEqual(['true, ']);
      const blank = spied(result.logs, 'mp.backend.blank_check');
      expect(blank[0]).toBe('true, ');
      // ok=false, err contains "Block N not blanked".
      expect(blank[1]).toMatch(/^false, Block 0 not blanked/);
      expect(spied(result.logs, 'mp.backend.write_no_blank')).toEqual(['true, ', 'true, ']);
      const read = (address: number, length: number) =>
        probe
          ? probe.target.readMemory(address, length)
          : rl78
            ? rl78.flash.read(address, address + length - 1)
            : ra!.firmware.peek(address, length);
      expect(read(0, 0x400)).toEqual(firmware);
      // 0xFF → 0x00 at 0x400 is a valid 1→0 transition; the rest of the erased chip stays blank.
      expect(read(0x400, 2)).toEqual(new Uint8Array([0x00, 0xff]));
      expect(read(0x1000, 0x1000)).toEqual(new Uint8Array(0x1000).fill(0xff));
      rig.close();
    },
  );

  it('read_checksums example prints every block with four sub-block checksums (micro:bit V1, RL78/G13)', async () => {
    const data = fixtureData('micropython-v1.1.1.hex');
    const microbit = createSimulatedMicrobit('v1', { latency: 'zero', flash: data.segments() });
    const rig = await simRig({ probes: [microbit] });
    await connect(rig);
    const result = await rig.run(page('backend-read-checksums.lua'));
    expect(result.error).toBeUndefined();
    const lines = result.logs.filter((l) => l.startsWith('info: block '));
    expect(lines).toHaveLength(257); // 256 pages of 1 KiB and the UICR
    expect(lines[0]).toMatch(
      /^info: block 0 base=0x[0-9A-F]{8} subs=[0-9A-F]{8} [0-9A-F]{8} [0-9A-F]{8} [0-9A-F]{8}$/,
    );
    rig.close();

    const board = createSimulatedRl78Board({ chip: 'R5F100LE' });
    board.flash.load(0, pattern(0x400));
    const rl78 = await simRig({ rl78Boards: [board] });
    await connect(rl78);
    const r = await rl78.run(page('backend-read-checksums.lua'));
    expect(r.error).toBeUndefined();
    const blocks = r.logs.filter((l) => l.startsWith('info: block '));
    expect(blocks).toHaveLength(68); // 64 code flash blocks, 4 data flash blocks
    // RL78 block 0: the chip's checksum (0 − Σ bytes) & 0xFFFF over 1 KiB, sub-blocks of 256 bytes.
    const sum = (bytes: Uint8Array) => (0x10000 - (bytes.reduce((a, b) => a + b, 0) & 0xffff)) & 0xffff;
    const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
    const flash = board.flash.read(0, 0x3ff);
    const subs = [0, 1, 2, 3].map((i) => hex4(sum(flash.subarray(i * 256, i * 256 + 256))));
    expect(blocks[0]).toBe(`info: block 0 base=0x${hex4(sum(flash))} subs=${subs.join(' ')}`);
    rl78.close();
  });

  it.each([
    ['ESP32', () => ({ boards: [createSimulatedEspBoard({ chip: 'esp32' })] })],
    ['RA4M1', () => ({ boards: [createSimulatedRaBoard({ chip: 'RA4M1' })] })],
  ] as const)(
    'read_checksums example runs on the %s: every block has four sub-block checksums',
    async (_name, devices) => {
      const rig = await simRig(devices());
      await connect(rig);
      const result = await rig.run(page('backend-read-checksums.lua'));
      expect(result.error).toBeUndefined();
      const lines = result.logs.filter((l) => l.startsWith('info: block '));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines)
        expect(l).toMatch(/^info: block \d+ base=0x[0-9A-F]{4,8} subs=[0-9A-F]{4,8}( [0-9A-F]{4,8}){3}$/);
      rig.close();
    },
  );

  it('per-segment example (ESP backend): read, write and verify 4 KiB at 0x100000 on an ESP32', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32' });
    const before = pattern(0x1000, 11);
    board.flash.load(0x100000, before);
    const rig = await simRig({ boards: [board] });
    const names = ['mp.backend.read_segment', 'mp.backend.write_segment', 'mp.backend.verify_segment'];
    await connect(rig);
    const result = await rig.run(spies(...names) + page('backend-segments.lua'));
    expect(result.error).toBeUndefined();
    for (const n of names) expect(spied(result.logs, n)).toEqual(['true, ']);
    // chip → buffer → chip: the buffer holds the chip's bytes and the chip still does.
    expect(imageFromDto(result.image).data.read(0x100000, 0x1000, 0xff)).toEqual(before);
    expect(board.flash.read(0x100000, 0x1000)).toEqual(before);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/memory', () => {
  it('opening example: read_at("Flash", 0xF650, 4) reads buffer offset 0xB650 of a Flash region at 0x4000', async () => {
    const rig = await simRig({});
    // The target the example names: a "Flash" region starting at 0x4000.
    const image = new MemoryImage([flashRegion('Flash', 0x4000, 0xc000, 0x400)]);
    image.data.write(0xf650, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    const result = await rig.run(spies('mp.memory.read_at') + page('memory-read-at.lua'), {
      image: imageToDto(image),
    });
    expect(result.error).toBeUndefined();
    expect(spied(result.logs, 'mp.memory.read_at')).toEqual(['{DE AD BE EF}']);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/file', () => {
  it('example: load C:/fw.hex into the buffer, save it as S19, write a CSV, list Lua scripts', async () => {
    const rig = await simRig({});
    const data = new SparseData();
    data.write(0x0000, pattern(0x300, 1));
    data.write(0x2000, pattern(0x80, 2));
    const fw = { name: 'fw.hex', bytes: saveFile(data, 'intel-hex') };
    const scripts = ['production.lua', 'checksum.lua'].map((name) => ({
      name,
      bytes: new TextEncoder().encode('-- a script\n'),
    }));
    const image = new MemoryImage([flashRegion('Code Flash', 0, 0x10000, 0x400)]);
    const result = await rig.run(page('file-example.lua'), {
      image: imageToDto(image),
      files: [fw, ...scripts],
    });
    expect(result.error).toBeUndefined();
    expect(result.logs[0]).toBe('info: blocks=2');
    const s19 = result.savedFiles.find((f) => f.name === 'out.s19')!;
    expect(new TextDecoder().decode(s19.bytes)).toMatch(/^S1/);
    expect(loadFile('out.s19', s19.bytes).data.segments()).toEqual(data.segments());
    const csv = result.savedFiles.find((f) => f.name === 'log.csv')!;
    expect(new TextDecoder().decode(csv.bytes)).toBe('serial,result\nSN001,OK\n');
    expect(result.logs.slice(1)).toEqual(['info: checksum.lua', 'info: production.lua']);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/checksum', () => {
  it('multi-return example: crc, crc_region (whole and slice), sum8, fletcher16, adler32, list_crc_presets', async () => {
    const rig = await simRig({});
    const image = new MemoryImage([flashRegion('Flash', 0, 0x1000, 0x400)]);
    image.data.write(0, new TextEncoder().encode('123456789'));
    const names = [
      'mp.checksum.crc',
      'mp.checksum.crc_region',
      'mp.checksum.sum8',
      'mp.checksum.fletcher16',
      'mp.checksum.adler32',
    ];
    // The page's `data`: the CRC catalogue's check input, "123456789" (its CRC-32 is 0xCBF43926).
    const result = await rig.run(
      'data = {0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39} ' +
        spies(...names) +
        page('checksum-example.lua'),
      { image: imageToDto(image) },
    );
    expect(result.error).toBeUndefined();
    const crc = spied(result.logs, 'mp.checksum.crc');
    expect(crc).toHaveLength(3);
    for (const line of crc) expect(line).toMatch(/^3421780262, 0xCBF43926, table$/);
    const whole = checksum('crc32', image.data.read(0, 0x1000, 0xff)).value!;
    const slice = checksum('crc32', image.data.read(0, 256, 0xff)).value!;
    const hex8 = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(8, '0');
    expect(spied(result.logs, 'mp.checksum.crc_region')).toEqual([
      expect.stringMatching(new RegExp(`^${whole}, ${hex8(whole)}`)),
      expect.stringMatching(new RegExp(`^${slice}, ${hex8(slice)}`)),
    ]);
    expect(spied(result.logs, 'mp.checksum.sum8')).toEqual(['221']); // 0x1DD & 0xFF
    expect(spied(result.logs, 'mp.checksum.fletcher16')).toEqual([String(0x1ede)]);
    expect(spied(result.logs, 'mp.checksum.adler32')).toEqual([String(0x091e01de)]);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/log', () => {
  it('example: info, success, warn, error and infof at their levels', async () => {
    const rig = await simRig({});
    // The page's `count` and `size`.
    const result = await rig.run('count, size = 3, 4096\n' + page('log-example.lua'));
    expect(result.error).toBeUndefined();
    expect(result.logs).toEqual([
      'info: starting flash',
      'success: verify ok',
      'warn: checksum mismatch on block 7',
      'error: write failed: timeout',
      'info: blocks=3, bytes=4096',
    ]);
    rig.close();
  });

  it('"The [script] prefix" calls: info and warn lines arrive at their levels', async () => {
    const rig = await simRig({});
    const result = await rig.run(page('log-prefix.lua'));
    expect(result.logs).toEqual(['info: connecting...', 'warn: retrying...']);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/config', () => {
  it('examples on a Blue Pill (STM32F103C8): the catalogue target, "stlink" Not Supported, the file by base name', async () => {
    const rig = await simRig({ probes: [createSimulatedBluePill({ latency: 'zero' })] });
    const names = [
      'mp.config.set_target',
      'mp.config.set_family',
      'mp.config.set_programmer',
      'mp.config.set_power',
      'mp.config.set_file',
      'mp.config.set_region_index',
      'mp.config.set',
    ];
    const firmware = {
      name: 'firmware.hex',
      bytes: saveFile(SparseData.from([{ address: 0x0800_0000, data: pattern(64) }]), 'intel-hex'),
    };
    // As the script panel passes the connected Blue Pill.
    const config = { target: 'STM32F103C8', family: 'STM32F1', programmer: 'cmsis-dap' };
    const result = await rig.run(spies(...names) + page('config-example.lua'), { config, files: [firmware] });
    expect(result.error).toBeUndefined();
    expect(result.logs[0]).toBe('info: Target: STM32F103C8');
    expect(result.logs.filter((l) => l.startsWith('error:'))).toEqual([]);
    expect(spied(result.logs, 'mp.config.set_target')).toEqual(['true, ', 'true, ']);
    expect(spied(result.logs, 'mp.config.set_family')).toEqual(['true, ']);
    const stlink = spied(result.logs, 'mp.config.set_programmer');
    expect(stlink).toHaveLength(1);
    expect(stlink[0]).toMatch(/^false, Not Supported: ST-Link probes speak their own USB protocol/);
    for (const n of ['mp.config.set_power', 'mp.config.set_file', 'mp.config.set_region_index'])
      expect(spied(result.logs, n)).toEqual(['true, ']);
    // The bulk form names "stlink" too: refused before anything changes.
    expect(spied(result.logs, 'mp.config.set')).toEqual([
      expect.stringMatching(/^false, Not Supported: ST-Link/),
    ]);
    expect(imageFromDto(result.image).regions.map((r) => [r.name, r.base])).toEqual([
      ['Code Flash', 0x0800_0000],
      ['Option Bytes', 0x1fff_f800],
      ['RAM', 0x2000_0000],
    ]);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/api/app', () => {
  it("example, unchanged to its end with a workspace folder granted: versions, build and OS info, the scripts and config folders, today's log (a real file with the run's lines) and a script shortcut", async () => {
    const rig = await simRig({});
    const log = `webprog-${localDate(new Date())}.log`;
    const result = await rig.run(page('app-example.lua'), {
      workspace: 'production',
      chunkName: 'app-example.lua',
      scriptShortcuts: [],
    });
    expect(result.error).toBeUndefined();
    const lines = [
      'info: 9.9.9-sim',
      `info: ${MP_API_VERSION}`,
      'info: git= qt= build=',
      `info: os=${process.platform} arch=${process.arch} host=`,
      'info: scripts: production',
      'info: config: production',
      `info: today's log: production/${log}`,
    ];
    expect(result.logs).toEqual(lines);
    // add_script_shortcut("C:/scripts/my_flow.lua") kept a shortcut the panel saves.
    expect(result.scriptShortcuts).toEqual([{ name: 'my_flow', path: 'C:/scripts/my_flow.lua' }]);
    // Today's log is a file of the workspace (the panel writes it into the folder) with the run's lines.
    expect(result.savedFiles.map((f) => f.name)).toEqual([log]);
    const text = new TextDecoder().decode(result.savedFiles[0]!.bytes);
    const written = text.split('\n');
    expect(written.pop()).toBe('');
    for (const line of written) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[/);
    expect(written.map((line) => line.slice(20))).toEqual([
      '[run] app-example.lua',
      ...lines.map((line) => line.replace(/^(\w+): /, '[$1] ')),
    ]);
    expect(compatOf({ module: 'app', name: 'config_dir' }).kind).toBe('multiprog');
    expect(compatOf({ module: 'app', name: 'log_path' }).kind).toBe('multiprog');
    rig.close();
  });

  it('without a workspace the example stops at config_dir(): nil, "Not Supported: …", as the page\'s concatenation cannot take nil', async () => {
    const rig = await simRig({});
    const result = await rig.run(page('app-example.lua'), { chunkName: 'app-example.lua' });
    expect(result.error?.code).toBe('SCRIPT_ERROR');
    // scripts_dir() is the first folder the example asks for.
    expect(result.error?.message).toMatch(/^app-example\.lua:15: attempt to concatenate a nil value/);
    const dirs = await rig.run('local d, e = mp.app.config_dir() return d, e, mp.app.log_path()');
    expect(dirs.returns[0]).toBeNull();
    expect(dirs.returns[1]).toMatch(/^Not Supported: a web page cannot see a configuration folder/);
    expect(dirs.returns[2]).toBeNull();
    expect(dirs.returns[3]).toMatch(/^Not Supported: without a workspace folder the log is not a file/);
    expect(result.savedFiles).toEqual([]);
    rig.close();
  });
});

describe('kuraga.tech/docs/MultiProg/scripts/checksum-scripts', () => {
  it("renesas_nec_checksum.lua shows SUM-RL78 of block 0 of the firmware, equal to the RL78/G13's own checksum after flashing it", async () => {
    const board = createSimulatedRl78Board({ chip: 'R5F100LE' });
    const rig = await simRig({ rl78Boards: [board] });
    // The firmware in the buffer (laid out as the catalogue's R5F100LE), flashed to the chip. The
    // RL78 boot firmware cannot read flash back: the checksum script works on the buffer.
    const image = new MemoryImage(targetById('r5f100le')!.regions);
    image.data.write(0, pattern(0x1000, 3));
    const flashed = await rig.run(
      `assert(mp.backend.connect())
      assert(mp.backend.flash())
      return mp.backend.read_checksums()[1].base_checksum, mp.backend.get_target_info().name`,
      { image: imageToDto(image), allowHwWrites: true },
    );
    expect(flashed.error).toBeUndefined();
    const chip = flashed.returns[0] as number;
    expect(flashed.returns[1]).toBe('R5F100LE');
    const result = await rig.run(page('renesas_nec_checksum.lua'), {
      image: flashed.image,
      // What the script panel passes for the connected chip: the name the RL78 backend reports.
      config: { target: flashed.returns[1] as string, programmer: 'rl78' },
      chunkName: 'renesas_nec_checksum.lua',
    });
    expect(result.error).toBeUndefined();
    expect(result.logs).toEqual([]);
    let sum = 0;
    for (const b of board.flash.read(0, 0x3ff)) sum = (sum - b) & 0xffff;
    const hex = '0x' + sum.toString(16).toUpperCase().padStart(4, '0');
    expect(result.statuses).toEqual([{ label: 'R5F100LE Block 0', value: hex }]);
    expect(sum).toBe(chip);
    rig.close();
  });

  it('renesas_nec_checksum.lua warns and uses 0x400 bytes for a target of no RL78 / 78K0 family', async () => {
    const rig = await simRig({});
    const image = new MemoryImage([flashRegion('Code Flash', 0, 0x1000, 0x400)]);
    image.data.write(0, new Uint8Array(0x400).fill(1));
    const result = await rig.run(page('renesas_nec_checksum.lua'), {
      image: imageToDto(image),
      config: { target: 'nRF52833' },
    });
    expect(result.error).toBeUndefined();
    expect(result.logs).toEqual(['warn: renesas_nec_checksum: unknown family, using default 0x400']);
    expect(result.statuses).toEqual([{ label: 'nRF52833 Block 0', value: '0xFC00' }]);
    rig.close();
  });
});
