/**
 * micro:bit partial flashing on the simulated V2: a changed main.py goes out page by page, an
 * unplug mid-way is recovered by a retry, and a different MicroPython forces a full flash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import type { Region } from '../../../src/core/memory/region';
import { MicroPythonFs } from '../../../src/core/microbit';
import { createSimulatedMicrobit, type SimulatedProbe } from '../../../src/sim';
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

const MAIN_V1 = 'from microbit import *\nwhile True:\n    display.scroll("Hello")\n';
const MAIN_V2 = 'from microbit import *\nwhile True:\n    display.scroll("Hello, class 4B")\n';

describe('micro:bit partial flashing (simulated V2, DAPLink latency)', () => {
  it('sends a changed main.py by rewriting only the pages that changed', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'daplink' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const fs = MicroPythonFs.fromHex(fixture('micropython-v2.1.2.hex'));
    fs.write('main.py', MAIN_V1);
    const first = projectImage(fs, regions);
    const initial = await backend.flash(first.image, W, { fullWhenDiffers: first.runtime });
    expect(initial.full).toBe(true);
    expectHolds(probe, first.image);

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
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const fs = MicroPythonFs.fromHex(fixture('micropython-v2.1.2.hex'));
    fs.write('main.py', MAIN_V1);
    const first = projectImage(fs, regions);
    await backend.flash(first.image, W, { fullWhenDiffers: first.runtime });
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
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const beta = MicroPythonFs.fromHex(fixture('micropython-v2-beta-regions-table.hex'));
    beta.write('main.py', MAIN_V1);
    const old = projectImage(beta, regions);
    await backend.flash(old.image, W, { fullWhenDiffers: old.runtime });
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
