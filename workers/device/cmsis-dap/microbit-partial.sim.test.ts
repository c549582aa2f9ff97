/**
 * micro:bit partial flashing on the simulated V2: a changed main.py goes out page by page, an
 * unplug mid-way is recovered by a retry, and a different MicroPython forces a full flash.
 *
 * Flashing a whole MicroPython image runs the device script on the simulated core for every
 * page, which takes seconds of CPU time: boards that must already hold a project are made with
 * it in flash (the simulator's `flash` option) rather than flashed first, time is asserted in
 * modeled time only, and each test has a limit that holds on a busy 2-core machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import type { Region } from '../../../src/core/memory/region';
import { MicroPythonFs } from '../../../src/core/microbit';
import { createSimulatedMicrobit, type LatencyOption, type SimulatedProbe } from '../../../src/sim';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
const fixture = (name: string) =>
  readFileSync(join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', name), 'utf8');

function projectImage(fs: MicroPythonFs, regions: Region[]) {
  const image = new MemoryImage(regions);
  image.load(fs.exportData('V2'));
  const info = fs.image('V2').memInfo;
  return {
    image,
    runtime: { address: info.runtimeStartAddress, size: info.runtimeEndAddress - info.runtimeStartAddress },
  };
}

function expectHolds(probe: SimulatedProbe, image: MemoryImage) {
  for (const s of image.data.segments())
    expect(probe.target.readMemory(s.address, s.data.length)).toEqual(s.data);
}

/** Per-test limit: a full flash takes about 10 s of CPU alone and several times that under load. */
const LIMIT_MS = 300_000;

/** The Code Flash and UICR regions of a V2, as connect reports them. */
async function v2Regions(): Promise<Region[]> {
  return (await simBackend(createSimulatedMicrobit('v2', { latency: 'zero' })).connect()).regions;
}

/** A V2 that already holds `image` (as after an earlier flash), connected. */
async function boardHolding(image: MemoryImage, latency: LatencyOption) {
  const flash = image.data.segments().map((s) => ({ address: s.address, data: s.data }));
  const probe = createSimulatedMicrobit('v2', { latency, flash });
  const backend = simBackend(probe);
  await backend.connect();
  expectHolds(probe, image);
  return { probe, backend };
}

const MAIN_V1 = 'from microbit import *\nwhile True:\n    display.scroll("Hello")\n';
const MAIN_V2 = 'from microbit import *\nwhile True:\n    display.scroll("Hello, class 4B")\n';

describe('micro:bit partial flashing (simulated V2, DAPLink latency)', { timeout: LIMIT_MS }, () => {
  it('sends a changed main.py by rewriting only the pages that changed', async () => {
    const regions = await v2Regions();
    const fs = MicroPythonFs.fromHex(fixture('micropython-v2.1.2.hex'));
    fs.write('main.py', MAIN_V1);
    const first = projectImage(fs, regions);
    const { probe, backend } = await boardHolding(first.image, 'daplink');

    fs.write('main.py', MAIN_V2);
    const second = projectImage(fs, regions);
    const before = probe.clock.elapsedMs;
    const report = await backend.flash(second.image, W, { fullWhenDiffers: second.runtime });
    const modeledMs = probe.clock.elapsedMs - before;
    expect(report.full).toBe(false);
    expect(report.erasedBlocks).toBe(1);
    expect(report.bytesWritten).toBe(4096);
    expect(modeledMs).toBeLessThan(1500);
    expectHolds(probe, second.image);
  }, 120_000); // wall time: two flashes with DAPLink latency run the simulated CPU for seconds

  it('recovers from an unplug during a partial flash: the retry leaves the intended image', async () => {
    const regions = await v2Regions();
    const fs = MicroPythonFs.fromHex(fixture('micropython-v2.1.2.hex'));
    fs.write('main.py', MAIN_V1);
    const first = projectImage(fs, regions);
    const { probe, backend } = await boardHolding(first.image, 'zero');
    fs.write('main.py', MAIN_V2);
    fs.write('lib.py', 'x = 1\n'.repeat(500));
    const second = projectImage(fs, regions);
    probe.faults.unplugAtTransfer(120);
    await expect(backend.flash(second.image, W, { fullWhenDiffers: second.runtime })).rejects.toMatchObject({
      code: 'DEVICE_LOST',
    });
    probe.plug();
    await backend.connect();
    const retry = await backend.flash(second.image, W, { fullWhenDiffers: second.runtime });
    expect(retry.full).toBe(false);
    expectHolds(probe, second.image);
  });

  it('flashes in full when the board holds a different MicroPython', async () => {
    const regions = await v2Regions();
    const beta = MicroPythonFs.fromHex(fixture('micropython-v2-beta-regions-table.hex'));
    beta.write('main.py', MAIN_V1);
    const old = projectImage(beta, regions);
    const { probe, backend } = await boardHolding(old.image, 'zero');
    const current = MicroPythonFs.fromHex(fixture('micropython-v2.1.2.hex'));
    current.write('main.py', MAIN_V1);
    const next = projectImage(current, regions);
    const report = await backend.flash(next.image, W, { fullWhenDiffers: next.runtime });
    expect(report.full).toBe(true);
    expect(report.skippedBlocks).toBe(0);
    expectHolds(probe, next.image);
    // Nothing of the old firmware survives outside the new image's data.
    const gap = next.image.data.ranges().find((r, i, all) => all[i + 1] && all[i + 1].start - r.end >= 4);
    if (gap) expect(probe.target.readMemory(gap.end, 4)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  });
});
