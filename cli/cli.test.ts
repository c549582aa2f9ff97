/**
 * `webprog` as a program runs it: a child process against the simulated boards, its JSON lines
 * parsed event by event, its exit codes for each class of failure, files it writes. The command
 * runs as it ships: the bundle (`dist-cli/`, built from the sources before the tests, as
 * `npm run build:cli` does), which starts in a third of the time the sources take through tsx;
 * the sources' own start (a checkout without a build) is run too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIntelHex } from '../src/core/formats';
import { SparseData } from '../src/core/memory';
import { localDate } from '../workers/lua/mp/log-file';

const BIN = path.resolve(process.cwd(), 'bin/webprog.mjs');
const V2_HEX = path.resolve(process.cwd(), '../shared/fixtures/microbit/micropython-v2.1.2.hex');
const work = mkdtempSync(path.join(tmpdir(), 'webprog-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await build({ configFile: path.resolve(process.cwd(), 'cli/vite.config.ts'), logLevel: 'silent' });
}, 120_000);

/** A small firmware image at 0 that fits every simulated chip's flash. */
const small = SparseData.from([
  { address: 0, data: Uint8Array.from({ length: 6000 }, (_, i) => (i * 7) & 0xff) },
]);
writeFileSync(path.join(work, 'small.hex'), writeIntelHex(small));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  lines: Record<string, unknown>[];
}

/** Runs `webprog args` in `cwd`: the bundle, or with `fromSource` the TypeScript sources. */
function webprog(args: string[], cwd = work, fromSource = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, WEBPROG_FROM_SOURCE: fromSource ? '1' : '' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = args.includes('--json')
        ? stdout
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      resolve({ code: code ?? -1, stdout, stderr, lines });
    });
  });
}

const ZERO = ['--sim-latency', 'zero'];

// Each case starts the command several times: up to a second each on a busy machine.
describe('webprog command line', { timeout: 300_000 }, () => {
  it('prints help for the tool and each command; usage errors exit 2', async () => {
    const help = await webprog(['--help']);
    expect(help.code).toBe(0);
    expect((await webprog(['--help'], work, true)).stdout).toBe(help.stdout);
    for (const command of [
      'list',
      'info',
      'flash',
      'verify',
      'read',
      'erase',
      'blank-check',
      'checksums',
      'run',
      'classroom',
    ]) {
      expect(help.stdout).toContain(`  ${command}`);
    }
    const flashHelp = await webprog(['flash', '--help']);
    expect(flashHelp.stdout).toMatch(/^webprog flash <file>/);
    expect((await webprog([])).code).toBe(2);
    const unknown = await webprog(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(unknown.lines).toEqual([
      { type: 'error', code: 'USAGE', message: expect.stringContaining('frobnicate') },
    ]);
    expect((await webprog(['flash', '--erase', 'sometimes', '--sim', 'microbit-v2'])).code).toBe(2);
    expect((await webprog(['list', '--sim', 'pdp11'])).code).toBe(2);
  });

  it('lists simulated probes and serial boards with their ids', async () => {
    const { code, lines } = await webprog(['list', '--json', '--sim', 'microbit-v2', '--sim', 'esp32']);
    expect(code).toBe(0);
    const result = lines.find((l) => l.type === 'result') as {
      devices: { id: string; type: string; simulated: boolean }[];
    };
    expect(result.devices.map((d) => d.type)).toEqual(['cmsis-dap', 'esp']);
    expect(result.devices.every((d) => d.simulated)).toBe(true);
    expect(result.devices[0].id).toMatch(/^usb:0d28:0204:9903/);
  });

  it('keeps --json output to JSON lines when an ESP board is read (no library trace lines)', async () => {
    const { code, stdout } = await webprog(['info', '--json', '--sim', 'esp32']);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(lines.filter((l) => !l.startsWith('{'))).toEqual([]);
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toContain('result');
  });

  it('flashes the V2 MicroPython hex with typed progress events in order, then a result', async () => {
    const { code, lines } = await webprog(['flash', V2_HEX, '--json', '--sim', 'microbit-v2', ...ZERO]);
    expect(code).toBe(0);
    const progress = lines.filter((l) => l.type === 'progress' && l.operation === 'Flash');
    expect(progress[0]).toMatchObject({ kind: 'started', done: 0 });
    expect(progress.at(-1)).toMatchObject({ kind: 'finished' });
    const done = progress.map((p) => p.done as number);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    const result = lines.at(-1)!;
    expect(result).toMatchObject({
      type: 'result',
      command: 'flash',
      chip: expect.stringMatching(/nRF52833/),
      verified: true,
    });
    expect(result.bytesWritten).toBeGreaterThan(400_000);
    expect(result.elapsedMs).toBeGreaterThan(0);
  });

  it('refuses a file with no data for the chip; --erase chip erases first, writes and verifies', async () => {
    const flashed = await webprog([
      'flash',
      'small.hex',
      '--erase',
      'chip',
      '--verify',
      '--json',
      '--sim',
      'stm32f411',
      ...ZERO,
      '--base',
      '0',
    ]);
    // The file's data is at 0, outside the STM32's flash at 0x08000000: refused before writing.
    expect(flashed.code).toBe(1);
    expect(flashed.lines.at(-1)).toMatchObject({ type: 'error', code: 'ADDRESS_OUT_OF_RANGE' });
    const ok = await webprog([
      'flash',
      'small.hex',
      '--erase',
      'chip',
      '--verify',
      '--json',
      '--sim',
      'microbit-v1',
      ...ZERO,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.lines.at(-1)).toMatchObject({
      command: 'flash',
      verified: true,
      bytesWritten: expect.any(Number),
    });
  });

  it('verify of a blank chip exits 1 naming the address; blank-check, read and checksums on a fresh chip', async () => {
    const verify = await webprog(['verify', 'small.hex', '--json', '--sim', 'microbit-v2', ...ZERO]);
    expect(verify.code).toBe(1);
    expect(verify.lines.at(-1)).toMatchObject({ type: 'error', code: 'VERIFY_FAILED', address: 0 });
    const blank = await webprog(['blank-check', '--json', '--sim', 'microbit-v2', ...ZERO]);
    expect(blank.code).toBe(0);
    expect(blank.lines.at(-1)).toMatchObject({ command: 'blank-check', blank: true });
    const read = await webprog([
      'read',
      'dump.bin',
      '--range',
      '0x0:0x100',
      '--json',
      '--sim',
      'microbit-v2',
      ...ZERO,
    ]);
    expect(read.code).toBe(0);
    expect([...readFileSync(path.join(work, 'dump.bin'))]).toEqual(new Array(0x100).fill(0xff));
    const sums = await webprog(['checksums', '--json', '--sim', 'microbit-v1', ...ZERO]);
    expect(sums.code).toBe(0);
    // 256 pages of 1 KiB of code flash and the UICR page.
    expect((sums.lines.at(-1) as { blocks: unknown[] }).blocks.length).toBe(257);
  });

  it('--target flashes through a CMSIS algorithm from a probe-rs description or a pack', async () => {
    const cmsis = (name: string) => path.resolve(process.cwd(), 'device-scripts/cmsis/build', name);
    const viaYaml = await webprog([
      'flash',
      'small.hex',
      '--json',
      '--target',
      cmsis('nrf52833.yaml'),
      '--sim',
      'microbit-v2',
      ...ZERO,
    ]);
    expect(viaYaml.code).toBe(0);
    expect(viaYaml.lines.at(-1)).toMatchObject({ command: 'flash', chip: 'nRF52833_xxAA', verified: true });
    const viaPack = await webprog([
      'info',
      '--json',
      '--target',
      cmsis('WebProg.SimulatedChips.pack'),
      '--chip',
      'nRF51822_xxAA',
      '--sim',
      'microbit-v1',
      ...ZERO,
    ]);
    expect(viaPack.code).toBe(0);
    expect(viaPack.lines.at(-1)).toMatchObject({ command: 'info', chip: 'nRF51822_xxAA' });
    const noDevice = await webprog([
      'info',
      '--json',
      '--target',
      cmsis('WebProg.SimulatedChips.pack'),
      '--chip',
      'STM32F103C8',
      '--sim',
      'microbit-v1',
      ...ZERO,
    ]);
    expect(noDevice.code).toBe(1);
    expect(noDevice.lines.at(-1)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('has no device "STM32F103C8"'),
    });
  });

  it('--chip narrows identification to the named script, and names the scripts when none is called so', async () => {
    const info = await webprog(['info', '--json', '--chip', 'nrf52833', '--sim', 'microbit-v2', ...ZERO]);
    expect(info.code).toBe(0);
    expect(info.lines.at(-1)).toMatchObject({ command: 'info', chip: expect.stringMatching(/nRF52833/) });
    const refused = await webprog(['info', '--json', '--chip', 'nRF51822', '--sim', 'microbit-v2', ...ZERO]);
    expect(refused.code).toBe(1);
    expect(refused.lines.at(-1)).toMatchObject({
      code: 'CHIP_UNKNOWN',
      message: expect.stringContaining('refuses this chip'),
    });
    const wrong = await webprog(['info', '--json', '--chip', 'z80', '--sim', 'microbit-v2', ...ZERO]);
    expect(wrong.code).toBe(1);
    expect(wrong.lines.at(-1)).toMatchObject({
      type: 'error',
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/z80.*nRF51822/s),
    });
  });

  it('exits 3 when no device matches and 4 when the device is lost mid-flash', async () => {
    const none = await webprog(['info', '--json', '--sim', 'microbit-v2', '--probe', 'nosuchboard']);
    expect(none.code).toBe(3);
    expect(none.lines.at(-1)).toMatchObject({ type: 'error', code: 'NO_DEVICE' });
    const lost = await webprog([
      'flash',
      V2_HEX,
      '--json',
      '--sim',
      'microbit-v2',
      ...ZERO,
      '--sim-fault',
      'unplug-at-transfer:400',
    ]);
    expect(lost.code).toBe(4);
    expect(lost.lines.at(-1)).toMatchObject({ type: 'error', code: 'DEVICE_LOST' });
  });

  it('runs a Lua script with arguments that flashes and appends a CSV line in the current folder', async () => {
    writeFileSync(
      path.join(work, 'station.lua'),
      `local serial, batch = mp.app.args()[1], mp.app.args()[2]
local ok, err = mp.backend.connect()
assert(ok, err)
local info = mp.file.load("small.hex")
ok, err = mp.backend.flash()
assert(ok, err)
mp.file.append_text("production.csv", serial .. "," .. batch .. "," .. mp.backend.get_target_info().name .. ",ok\\n")
mp.log.info("flashed", serial)
return info.block_count`,
    );
    const run = await webprog([
      'run',
      'station.lua',
      '--allow-writes',
      '--json',
      '--sim',
      'microbit-v2',
      ...ZERO,
      '--',
      '0042',
      'b7',
    ]);
    expect(run.code).toBe(0);
    expect(run.lines).toContainEqual(
      expect.objectContaining({ type: 'info', message: 'flashed 0042', level: 'info' }),
    );
    expect(run.lines.at(-1)).toMatchObject({ type: 'result', command: 'run', ok: true, returns: [1] });
    expect(readFileSync(path.join(work, 'production.csv'), 'utf8')).toMatch(/^0042,b7,.*nRF52833.*,ok\n$/);
    const failing = await webprog([
      'run',
      'station.lua',
      '--json',
      '--sim',
      'microbit-v2',
      ...ZERO,
      '--',
      '1',
      '2',
    ]);
    expect(failing.code).toBe(1);
    expect(failing.lines.at(-1)).toMatchObject({ type: 'error', code: 'SCRIPT_ERROR' });
    // Both runs appended their lines to today's log in the current folder (mp.app.log_path()).
    const log = readFileSync(path.join(work, `webprog-${localDate(new Date())}.log`), 'utf8');
    expect(log.split('\n').map((l) => l.slice(20))).toEqual([
      '[run] station.lua',
      '[info] flashed 0042',
      '[run] station.lua',
      expect.stringMatching(/^\[error\] station\.lua:\d+: /),
      '',
    ]);
  });

  it('classroom flashes four boards at once: a line per board and a CSV', async () => {
    const boards = ['microbit-v1', 'microbit-v2', 'microbit-v1', 'microbit-v2'].flatMap((b) => ['--sim', b]);
    const { code, lines } = await webprog([
      'classroom',
      'small.hex',
      '--all',
      '--csv',
      'class.csv',
      '--json',
      ...boards,
      ...ZERO,
    ]);
    expect(code).toBe(0);
    const perBoard = lines.filter((l) => l.type === 'result' && l.command === 'classroom' && !l.summary);
    expect(perBoard).toHaveLength(4);
    expect(new Set(perBoard.map((l) => l.device)).size).toBe(4);
    expect(perBoard.every((l) => l.ok === true)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ summary: true, boards: 4, failed: 0 });
    const csv = readFileSync(path.join(work, 'class.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toMatch(/^Name,Device,USB serial,Result/);
    expect(csv.slice(1).every((row) => row.includes(',ok,'))).toBe(true);
  });
});
