import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppState } from './app-state.svelte';
import type { FileInput } from './files.svelte';
import { fakeDevice, fakeLua } from './testing/fake-workers';

function fixture(name: string): FileInput {
  const file = path.resolve(process.cwd(), '../shared/fixtures/microbit', name);
  return { name, bytes: new Uint8Array(readFileSync(file)) };
}

function setup() {
  const device = fakeDevice();
  const downloads: { name: string; bytes: Uint8Array }[] = [];
  const app = new AppState({
    device,
    lua: fakeLua(),
    download: (name, bytes) => downloads.push({ name, bytes }),
    clock: () => 0,
  });
  return { app, device, downloads };
}

async function openV2() {
  const s = setup();
  await s.app.files.open([fixture('micropython-v2.1.2.hex')]);
  return s;
}

describe('ChecksumState', () => {
  it('computes the CRC-32 of the code flash in one call, gaps as 0xFF', async () => {
    const { app } = await openV2();
    const file = app.files.selected!;
    const expected = zlib.crc32(file.data.read(0, 0x80000, 0xff));
    const result = await app.checksum.compute();
    expect(result?.value).toBe(expected);
    expect(app.checksum.outcome?.rangeText).toBe('0x00000000–0x0007FFFF');
    expect(app.checksum.busy).toBe(false);
    expect(app.log.entries.at(-1)?.text).toBe(
      `CRC32 of micropython-v2.1.2.hex 0x00000000–0x0007FFFF (gaps 0xFF): 0x${expected.toString(16).toUpperCase().padStart(8, '0')}`,
    );
  });

  it('resolves each scope to its range', async () => {
    const { app } = await openV2();
    const file = app.files.selected!;
    app.checksum.scope = 'data';
    const bounds = file.data.slice(0, 0x80000).bounds();
    expect(app.checksum.span).toEqual({ ...bounds, fill: 0xff });
    app.checksum.scope = 'file';
    expect(app.checksum.span).toEqual({ ...file.data.bounds(), fill: 0xff });
    app.checksum.scope = 'custom';
    app.checksum.customStart = '0x1000';
    app.checksum.customLast = '0x0FFF';
    expect(app.checksum.span).toBe('The last address must not lie before the first.');
    app.checksum.customLast = '0x1FFF';
    app.checksum.fillText = '00';
    expect(app.checksum.span).toEqual({ start: 0x1000, end: 0x2000, fill: 0 });
    app.checksum.algorithm = 'sum8';
    const sum = [...file.data.read(0x1000, 0x1000, 0)].reduce((n, b) => (n + b) & 0xff, 0);
    expect((await app.checksum.compute())?.value).toBe(sum);
    app.checksum.fillText = 'FFF';
    expect(await app.checksum.compute()).toBeUndefined();
    expect(app.checksum.error).toMatch(/one byte in hex/);
  });

  it('cancels a running computation through the worker', async () => {
    const { app, device } = await openV2();
    device.holdChecksums = true;
    const running = app.checksum.compute();
    await Promise.resolve();
    expect(app.checksum.busy).toBe(true);
    app.checksum.cancel();
    expect(await running).toBeUndefined();
    expect(device.calls.some((c) => c.method === 'cancel')).toBe(true);
    expect(app.checksum.error).toMatch(/^Checksum of micropython-v2\.1\.2\.hex failed\. Cancelled: /);
    expect(app.checksum.busy).toBe(false);
  });
});

describe('SaveState', () => {
  it('saves the data of the region shown as a binary by default', async () => {
    const { app, downloads } = await openV2();
    const file = app.files.selected!;
    app.save.choiceId = 'bin';
    expect(app.save.fileName).toBe('micropython-v2.1.2.bin');
    const bytes = await app.save.save();
    const span = file.data.slice(0, 0x80000).bounds()!;
    expect(bytes).toEqual(file.data.read(span.start, span.end - span.start, 0xff));
    expect(downloads).toEqual([{ name: 'micropython-v2.1.2.bin', bytes }]);
    expect(app.log.entries.at(-1)?.text).toMatch(
      /^Saved micropython-v2\.1\.2\.bin: Binary \(gaps filled\) 0x00000000–/,
    );
  });

  it('saves a custom binary range with a custom fill and name', async () => {
    const { app, downloads } = await openV2();
    app.save.choiceId = 'bin';
    app.save.startText = '0x7FFF0';
    app.save.lastText = '0x8000F';
    app.save.fillText = 'AA';
    app.save.setFileName('tail.bin');
    const bytes = await app.save.save();
    expect(bytes?.length).toBe(0x20);
    expect(downloads[0].name).toBe('tail.bin');
    app.save.lastText = '0xFFFFFFFF';
    app.save.startText = '0';
    expect(await app.save.save()).toBeUndefined();
    expect(app.save.error).toMatch(/binaries are limited to 256 MiB/);
  });

  it('writes Intel Hex with 32-byte records that reads back to the same data', async () => {
    const { app, device } = await openV2();
    app.save.choiceId = 'intel-hex-32';
    expect(app.save.fileName).toBe('micropython-v2.1.2.hex');
    const bytes = await app.save.save();
    expect(device.calls.at(-1)?.args[2]).toEqual({ recordSize: 32 });
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\n').some((line) => line.startsWith(':20'))).toBe(true);
    const reread = await device.parseFile('again.hex', bytes!);
    expect(reread.segments.reduce((n, s) => n + s.data.length, 0)).toBe(app.files.selected!.data.byteCount);
  });

  it('writes UF2 with the family of the target, or the one chosen', async () => {
    const { app, device } = await openV2();
    app.save.choiceId = 'uf2';
    expect(app.save.familyId).toBe(0x621e937a);
    const bytes = await app.save.save();
    expect(bytes!.length % 512).toBe(0);
    expect(new DataView(bytes!.buffer).getUint32(28, true)).toBe(0x621e937a);
    app.save.familyChoice = 0xada52840;
    await app.save.save();
    expect(device.calls.at(-1)?.args[2]).toEqual({ familyId: 0xada52840 });
  });
});

describe('WorkerHealthState', () => {
  it('reports the device worker ready at start, and Lua once scripts start it', async () => {
    const { app } = setup();
    await app.start();
    expect(app.health.device).toMatchObject({ state: 'ready', text: 'Device worker ready' });
    expect(app.health.lua.state).toBe('idle');
    await app.health.startLua();
    expect(app.health.lua).toMatchObject({ state: 'ready', text: 'Lua 5.4 ready' });
  });

  it('reports a wrong answer, a failure and silence as errors', async () => {
    const wrong = new AppState({ device: fakeDevice(), lua: fakeLua([3]), download: () => {} });
    await wrong.start();
    await wrong.health.startLua();
    expect(wrong.health.lua.state).toBe('error');
    expect(wrong.health.lua.detail).toMatch(/gave \[3\] instead of \[2\]/);

    const failed = new AppState({
      device: fakeDevice(),
      lua: fakeLua(new Error('wasm failed')),
      download: () => {},
    });
    await failed.start();
    await failed.health.startLua();
    expect(failed.health.lua).toMatchObject({ state: 'error', text: 'Lua failed' });
    expect(failed.log.entries.some((e) => e.level === 'error' && e.text.includes('wasm failed'))).toBe(true);
  });
});
