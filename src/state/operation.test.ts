import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntelHex } from '../core/formats';
import { CmsisDapBackend } from '../../workers/device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../../workers/device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../../workers/device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../../workers/device/cmsis-dap/testing/node-scripts';
import { createDeviceService } from '../../workers/device/service';
import { createSimulation } from '../../workers/device/simulation-impl';
import { AppState } from './app-state.svelte';
import type { DeviceClient } from './clients';
import type { FileInput } from './files.svelte';
import { fakeLua } from './testing/fake-workers';
import { quietBrowser } from './testing/browser';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const V2_HEX = 'micropython-v2.1.2.hex';

function fixture(name: string): FileInput {
  return { name, bytes: new Uint8Array(readFileSync(path.join(FIXTURES, name))) };
}

const browser = quietBrowser;

/** The app state on the real device worker service (in-process) with simulated devices. */
async function setup(kind: 'microbit-v2' | 'microbit-v1' = 'microbit-v2', query = '?sim&simLatency=zero') {
  const service = createDeviceService({
    sources: {
      usbBackend: (device, clock) =>
        new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: nodeScripts,
          decodeLayout: decodeScriptLayout,
          // The simulated probe's modeled clock, as the app's backend registry passes it.
          now: clock,
        }),
    },
    loadSimulation: async () => createSimulation(),
  });
  const downloads: { name: string; bytes: Uint8Array }[] = [];
  const app = new AppState({
    // The in-process service stands for the comlink remote of the device worker.
    device: service as unknown as DeviceClient,
    lua: fakeLua(),
    download: (name, bytes) => downloads.push({ name, bytes }),
    deviceBrowser: browser,
    pageUrl: `http://localhost/${query}`,
    storage: undefined,
    theme: { prefersDark: () => true, onSystemChange: () => () => undefined, apply: () => undefined },
  });
  await app.devices.start();
  const deviceId = (await app.devices.addSimulated(kind))!;
  return { app, service, deviceId, downloads };
}

/** The V2 hex's data as an independent parser reads it. */
const v2Data = parseIntelHex(readFileSync(path.join(FIXTURES, V2_HEX), 'utf8'));

describe('OperationState', () => {
  it('flashes the V2 MicroPython hex with progress and a result line, then skips everything unchanged', async () => {
    const { app } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    const plan = app.operation.plan!;
    expect(plan.regions.map((r) => r.name)).toEqual(['Code Flash', 'UICR']);
    expect(plan.outsideBytes).toBe(0);

    const stages = new Set<string>();
    const watch = setInterval(() => app.operation.progress && stages.add(app.operation.progress.stage), 0);
    const ok = await app.operation.flash();
    clearInterval(watch);
    expect(ok).toBe(true);
    const title = app.devices.selected!.title;
    expect(app.operation.result).toMatchObject({ kind: 'flash', outcome: 'done' });
    expect(app.operation.result!.text).toMatch(
      new RegExp(`^Flashed ${V2_HEX} to ${title}: wrote [\\d.]+ KiB in [\\d.]+ m?s, verified\\.$`),
    );
    expect(app.log.entries.at(-1)?.text).toBe(app.operation.result!.text);
    expect(app.operation.running).toBeUndefined();

    await app.operation.flash();
    expect(app.operation.result!.text).toMatch(
      /: nothing to write \(checked in .*\), verified; \d+ blocks skipped as unchanged\.$/,
    );
  });

  it('reads the chip into a new buffer that holds what was flashed, and saves it', async () => {
    const { app, downloads } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    await app.operation.flash();
    expect(await app.operation.read()).toBe(true);
    const read = app.files.selected!;
    expect(read.name).toBe('nordic-nrf52833-read.hex');
    expect(app.operation.result!.text).toMatch(
      /^Read [\d.]+ KiB from .* in .* into nordic-nrf52833-read\.hex\.$/,
    );
    for (const s of v2Data.segments()) expect(read.data.read(s.address, s.data.length)).toEqual(s.data);

    app.save.choiceId = 'bin';
    await app.save.save();
    expect(downloads.at(-1)?.name).toBe('nordic-nrf52833-read.bin');
    expect(downloads.at(-1)?.bytes.length).toBe(0x80000);

    // A second read gets a name of its own.
    await app.operation.read();
    expect(app.files.selected!.name).toBe('nordic-nrf52833-read-2.hex');
  });

  it('compares the buffer with the chip in the compare view', async () => {
    const { app } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    const buffer = app.files.selected!;
    expect(await app.operation.compareWithChip()).toBe(true);
    expect(app.files.selected).toBe(buffer);
    expect(app.compare.other?.name).toBe('nordic-nrf52833-read.hex');
    expect(app.compare.result!.byteCount).toBeGreaterThan(0);
    expect(app.operation.result!.text).toMatch(
      /^Compared micropython-v2\.1\.2\.hex with .*: [\d,]+ bytes in [\d,]+ ranges? differ\.$/,
    );

    await app.operation.flash();
    await app.operation.compareWithChip();
    expect(app.operation.result!.text).toMatch(/: identical in the chosen regions\.$/);
    expect(app.compare.result!.byteCount).toBe(0);
  });

  it('cancels a running flash; the next flash succeeds', async () => {
    const { app } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    const flashing = app.operation.flash();
    await expect.poll(() => app.operation.progress?.stage, { interval: 1 }).toBe('Flash');
    app.operation.cancel();
    expect(await flashing).toBe(false);
    expect(app.operation.result).toMatchObject({ kind: 'flash', outcome: 'cancelled' });
    expect(app.operation.result!.text).toMatch(
      /^Flash cancelled( after [\d.]+ KiB of flash)?\. (The chip may be partly programmed: flash again to finish|Before it stopped, .*\. Flash again to finish)\.$/,
    );
    expect(app.log.entries.at(-1)).toMatchObject({ level: 'warn', text: app.operation.result!.text });

    expect(await app.operation.flash()).toBe(true);
    expect(app.operation.result!.text).toMatch(/verified/);
  });

  it('reports an unplug mid-flash in plain words and forgets the device', async () => {
    const { app, service, deviceId } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    const flashing = app.operation.flash();
    await expect.poll(() => app.operation.progress?.stage, { interval: 1 }).toBe('Flash');
    await service.unplugSimulated(deviceId);
    expect(await flashing).toBe(false);
    expect(app.operation.result).toMatchObject({
      kind: 'flash',
      outcome: 'failed',
      problem: { code: 'DEVICE_LOST', title: 'The board was unplugged' },
    });
    expect(app.operation.result!.text).toMatch(/^Flash failed: The board was unplugged\. /);
    // The failed flash lists the devices again: the board is gone, and the panel says so.
    expect(app.devices.devices).toHaveLength(0);
    expect(app.devices.notice?.problem.title).toMatch(/^micro:bit V2\.00 · [a-z]{5} was unplugged$/);

    // A board plugged in afterwards is flashed normally.
    await app.devices.addSimulated('microbit-v2');
    expect(await app.operation.flash()).toBe(true);
  });

  it('verifies, finds a mismatch with its address, erases after asking, and checks blank', async () => {
    const { app } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    await app.operation.flash();
    expect(await app.operation.verify()).toBe(true);
    expect(app.operation.result!.text).toMatch(
      /^Verified micropython-v2\.1\.2\.hex on .*: the chip holds the same [\d.]+ KiB/,
    );

    // A different buffer: verify answers with the first difference.
    await app.files.open([fixture('micropython-v2-beta-regions-table.hex')]);
    expect(await app.operation.verify()).toBe(false);
    expect(app.operation.result).toMatchObject({ outcome: 'mismatch', problem: { code: 'VERIFY_FAILED' } });
    expect(app.operation.result!.text).toMatch(/0x[0-9A-F]{8}/);

    // Erase asks first; "no" cancels, "yes" erases.
    const declined = app.operation.erase();
    await expect
      .poll(() => app.operation.confirmation?.message)
      .toMatch(/^Erase the whole Nordic nRF52833\?/);
    app.operation.answer(false);
    expect(await declined).toBe(false);
    expect(app.operation.result!.outcome).toBe('cancelled');
    const erasing = app.operation.erase();
    await expect.poll(() => app.operation.confirmation).toBeDefined();
    app.operation.answer(true);
    expect(await erasing).toBe(true);
    expect(app.operation.result!.text).toMatch(/^Erased .*: erased \d+ blocks in /);

    expect(await app.operation.blankCheck()).toBe(true);
    expect(app.operation.result!.text).toMatch(/^Code Flash and UICR of .* are blank/);
  });

  it('compares chip checksums with the buffer block by block', async () => {
    const { app } = await setup();
    await app.files.open([fixture(V2_HEX)]);
    await app.operation.flash();
    expect(await app.operation.checksums()).toBe(true);
    expect(app.operation.result!.text).toMatch(
      /^Read \d+ block checksums from .*: all \d+ match the buffer\.$/,
    );
    await app.files.open([fixture('micropython-v2-beta-regions-table.hex')]);
    await app.operation.checksums();
    expect(app.operation.result!.text).toMatch(
      /: \d+ match the buffer, \d+ differ \(first at 0x[0-9A-F]{8}\)\.$/,
    );
  });

  it("flashes a Universal Hex's section for the board's version", async () => {
    const { app } = await setup('microbit-v1');
    await app.files.open([fixture('universal-blocks-9901-9903.hex')]);
    app.files.selected!.selectBoard(0x9903); // the section shown does not decide what is flashed
    expect(app.operation.buffer?.boardId).toBe(0x9901);
    expect(await app.operation.flash()).toBe(true);
    expect(app.operation.result!.text).toMatch(
      /^Flashed universal-blocks-9901-9903\.hex \(board 0x9901\) to micro:bit V1/,
    );
  });

  it('says what is missing instead of starting', async () => {
    const { app } = await setup();
    expect(app.operation.canRun('flash')).toBe(false);
    expect(app.operation.canRun('read')).toBe(true);
    expect(await app.operation.flash()).toBe(false);
    expect(app.operation.result).toMatchObject({ outcome: 'failed', text: 'Flash: open a file first.' });
  });

  it('refuses a V1 hex on a V2 before writing anything, and the expert override flashes it', async () => {
    const { app } = await setup('microbit-v2');
    await app.files.open([fixture('micropython-v1.1.1.hex')]);
    expect(await app.operation.flash()).toBe(false);
    expect(app.operation.result).toMatchObject({ kind: 'flash', outcome: 'refused' });
    expect(app.operation.result!.refusals!.map((r) => r.key)).toEqual(['microbit-version']);
    expect(app.operation.result!.text).toMatch(
      /^Flash refused, nothing was written: micropython-v1\.1\.1\.hex is built for the micro:bit V1/,
    );
    // The chip is still erased: the V1 image is not on it.
    expect(await app.operation.verify()).toBe(false);
    expect(app.operation.result!.outcome).toBe('mismatch');

    expect(await app.operation.flash({ override: true })).toBe(true);
    expect(app.operation.result!.text).toMatch(
      /^Flashed micropython-v1\.1\.1\.hex to .* \(checks overridden\): wrote/,
    );
    expect(await app.operation.verify()).toBe(true);
  });

  it('runs a backend’s own flow: options before connecting, its refusals, its write and what follows', async () => {
    const { app, deviceId } = await setup('microbit-v2');
    const calls: string[] = [];
    let refuse = true;
    app.flows.register({
      type: 'cmsis-dap',
      beforeConnect: async (id) => {
        calls.push(`before ${id === deviceId}`);
        return false;
      },
      refusals: async (_id, plan, fileName) => {
        calls.push(`check ${fileName} ${plan.bytes}`);
        return refuse ? [{ key: 'test', text: 'Not for this board.' }] : [];
      },
      write: async ({ plan, cancellable }) => {
        calls.push(`write ${plan.segments.length}`);
        const r = await cancellable((callId, onProgress) =>
          app.deviceCalls.backendCall(
            deviceId,
            'flash',
            { image: { regions: plan.regions, segments: plan.segments } },
            { allowWrites: true, callId, onProgress },
          ),
        );
        return { ...r, warnings: ['A warning of the backend.'] };
      },
      afterFlash: async () => {
        calls.push('after');
      },
    });
    await app.files.open([fixture(V2_HEX)]);
    const bytes = app.operation.plan!.bytes;
    expect(await app.operation.flash()).toBe(false);
    expect(app.operation.result!.refusals).toEqual([{ key: 'test', text: 'Not for this board.' }]);
    expect(calls).toEqual(['before true', `check ${V2_HEX} ${bytes}`]);

    refuse = false;
    calls.length = 0;
    expect(await app.operation.flash()).toBe(true);
    expect(calls).toEqual([
      'before true',
      `check ${V2_HEX} ${bytes}`,
      `write ${app.operation.plan!.segments.length}`,
      'after',
    ]);
    expect(app.operation.result!.text).toMatch(/verified\.$/);
    expect(app.log.entries.map((e) => e.text)).toContain('A warning of the backend.');
  });
});
