/**
 * micro:bit partial flashing on the simulated V2 with DAPLink-like latency: a MicroPython
 * project whose main.py changed by one line, sent page by page (modeled time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryImage } from '../src/core/memory/memory-image';
import { MicroPythonFs } from '../src/core/microbit';
import { createSimulatedMicrobit } from '../src/sim';
import { NRF52833_TIMINGS } from '../src/sim/chips/timing-profiles';
import { simBackend } from '../workers/device/cmsis-dap/testing/sim-backend';
import type { BenchResult } from './types';

const W = { allowWrites: true };

export async function run(): Promise<BenchResult[]> {
  const hex = readFileSync(
    join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', 'micropython-v2.1.2.hex'),
    'utf8',
  );
  const probe = createSimulatedMicrobit('v2', { latency: 'daplink' });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const fs = MicroPythonFs.fromHex(hex);
  const info = fs.image('V2').memInfo;
  const runtime = {
    address: info.runtimeStartAddress,
    size: info.runtimeEndAddress - info.runtimeStartAddress,
  };
  const imageOf = () => {
    const image = new MemoryImage(regions);
    image.load(fs.exportData('V2'));
    return image;
  };
  fs.write('main.py', 'from microbit import *\ndisplay.scroll("Hello")\n');
  await backend.flash(imageOf(), W, { fullWhenDiffers: runtime });
  fs.write('main.py', 'from microbit import *\ndisplay.scroll("Hello, world")\n');
  const before = probe.clock.elapsedMs;
  const report = await backend.flash(imageOf(), W, { fullWhenDiffers: runtime });
  const modeled = probe.clock.elapsedMs - before;
  // The floor on typical silicon: erasing the rewritten pages and programming their words (the
  // link moves 4 KiB a page in ≈ 25 ms, less than a page's 42 ms of programming).
  const t = NRF52833_TIMINGS.typical;
  const floorMs = (report.erasedBlocks * t.pageEraseUs + (report.bytesWritten / 4) * t.wordWriteUs) / 1000;
  return [
    {
      name: 'micro:bit V2 partial flash of a one-line main.py change (modeled)',
      value: modeled / 1000,
      unit: 's',
      target: { value: 1.5, better: 'lower' },
      limit: floorMs / 1000,
      peer: { name: 'micro:bit Python Editor on hardware (reference notes)', value: 1 },
      note: `${report.erasedBlocks} page(s) rewritten, ${report.skippedBlocks} skipped by on-chip CRC`,
    },
  ];
}
