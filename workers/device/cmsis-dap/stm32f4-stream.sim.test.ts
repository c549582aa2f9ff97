/**
 * The STM32F411 full flash: the script's ring of staging buffers ("WPBN") is found where the
 * RAM holds it, the flasher picks sector erases over the 4 s mass erase (uploads hide under
 * the long sector erases), and on typical silicon with DAPLink latency the 512 KiB flash lands
 * within 1.3× of the flash busy time with the fastest erase (DS10314 typical, PSIZE ×32).
 */
import { describe, expect, it } from 'vitest';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { createSimulatedStm32f411Probe } from '../../../src/sim';
import { STM32F411_TIMINGS } from '../../../src/sim/chips/timing-profiles';
import { imageOf, randomBytes } from './testing/images';
import { nodeScripts } from './testing/node-scripts';
import { simBackend } from './testing/sim-backend';
import type { ScriptRunner } from './script-runner';

const W = { allowWrites: true };
const FLASH = 0x0800_0000;
const KiB = 1024;
/** A 512 KiB flash on the simulated core: seconds when idle, over 30 s with both cores busy. */
const FULL_FLASH_LIMIT_MS = 300_000;

/** The runner of the backend's session (private; read for the test only). */
const runnerOf = (backend: unknown): ScriptRunner =>
  (backend as { session: { runner: ScriptRunner } }).session.runner;

describe('STM32F411 full flash (simulated)', { timeout: FULL_FLASH_LIMIT_MS }, () => {
  it('finds the further staging buffers the 128 KiB RAM holds, and no more', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    // The F4 script asking for ten further buffers: only five fit below 0x20020000.
    const scripts = async () =>
      (await nodeScripts()).map((s) =>
        /STM32F4/.test(s.name) ? { ...s, furtherStaging: { count: 10, stride: 0x4000 } } : s,
      );
    const backend = simBackend(probe, scripts);
    await backend.connect();
    const runner = runnerOf(backend);
    expect(runner.secondStagingAddr).toBe(0x2000_5000);
    expect(runner.furtherStagingAddrs).toEqual([
      0x2000_9000, 0x2000_d000, 0x2001_1000, 0x2001_5000, 0x2001_9000,
    ]);
  });

  it('erases sector by sector, staging ahead, within 1.3× of the flash busy time', async () => {
    const previous = randomBytes(512 * KiB, 0xbad5eed);
    const probe = createSimulatedStm32f411Probe({
      latency: 'daplink',
      flash: [{ address: FLASH, data: previous }],
    });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const data = randomBytes(512 * KiB, 0x5eed);
    const erasesBefore = probe.target.chip.flash.eraseCount;
    const start = probe.clock.elapsedMs;
    const report = await backend.flash(imageOf(regions, SparseData.from([{ address: FLASH, data }])), W);
    const ms = probe.clock.elapsedMs - start;
    expect(report).toMatchObject({ verified: true, bytesWritten: 512 * KiB });
    expect(probe.target.chip.flash.eraseCount - erasesBefore).toBe(8); // the 8 sectors, no MER
    expect(Buffer.from(probe.target.readMemory(FLASH, 512 * KiB)).equals(data)).toBe(true);
    // The floor's flash side: the fastest erase (the mass erase) and one 16 µs program per word.
    const t = STM32F411_TIMINGS.typical;
    const busyMs = (t.massEraseUs(32) + (512 * KiB * t.programUs) / 4) / 1000;
    expect(ms).toBeLessThan(busyMs * 1.3);
  });
});
