/**
 * The Nordic NVMC driven register by register through the debugger (dapjs over the simulated
 * probe), as nrfx or a vendor flash algorithm would: the nRF52 partial page erase
 * (ERASEPAGEPARTIAL, ERASEPAGEPARTIALCFG) and the word-alignment rule for flash writes
 * (nRF52833 PS v1.5 / nRF52840 PS v1.1 §4.3 "NVMC").
 */
import type { CortexM } from 'dapjs';
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedNrf52840Dk, type SimulatedProbe } from '../index';
import { connectDapjs, haltCore } from '../testing/dapjs-session';
import { NRF52833_TIMINGS } from './timing-profiles';

const NVMC = 0x4001e000;
const READY = NVMC + 0x400;
const CONFIG = NVMC + 0x504;
const ERASEPAGEPARTIAL = NVMC + 0x518;
const ERASEPAGEPARTIALCFG = NVMC + 0x51c;
const PAGE = 0x7e000;

async function session(probe: SimulatedProbe): Promise<CortexM> {
  const { cortex } = await connectDapjs(probe.usbDevice);
  await haltCore(cortex);
  return cortex;
}

/** Polls READY until it reads 1; returns the modeled ms it took. */
async function waitReady(probe: SimulatedProbe, cortex: CortexM): Promise<number> {
  const start = probe.clock.elapsedMs;
  while ((await cortex.readMem32(READY)) !== 1) {
    if (probe.clock.elapsedMs - start > 1000) throw new Error('timed out');
  }
  return probe.clock.elapsedMs - start;
}

describe('nRF52 NVMC partial erase (ERASEPAGEPARTIAL)', () => {
  const create = () =>
    createSimulatedMicrobit('v2', {
      latency: 'daplink',
      flash: [{ address: PAGE - 0x1000, data: new Uint8Array(0x3000).fill(0x00) }],
    });

  it('ERASEPAGEPARTIALCFG resets to 10 ms and keeps the 7-bit DURATION field', async () => {
    for (const probe of [create(), createSimulatedNrf52840Dk({ latency: 'zero' })]) {
      const cortex = await session(probe);
      expect(await cortex.readMem32(ERASEPAGEPARTIALCFG)).toBe(0x0a);
      await cortex.writeMem32(ERASEPAGEPARTIALCFG, 0xffffff83);
      expect(await cortex.readMem32(ERASEPAGEPARTIALCFG)).toBe(0x03);
    }
  });

  it('erases the page once the partial erases add up to tERASEPAGE, each busy for DURATION ms', async () => {
    const probe = create();
    const cortex = await session(probe);
    const durationMs = 4;
    const needed = Math.ceil(NRF52833_TIMINGS.typical.pageEraseUs / 1000 / durationMs);
    await cortex.writeMem32(ERASEPAGEPARTIALCFG, durationMs);
    await cortex.writeMem32(CONFIG, 2); // erase enable
    for (let i = 0; i < needed; i++) {
      await cortex.writeMem32(ERASEPAGEPARTIAL, PAGE);
      const ms = await waitReady(probe, cortex);
      expect(ms).toBeGreaterThanOrEqual(durationMs - 1);
      expect(ms).toBeLessThan(durationMs + 5);
      const erased = probe.target.readMemory(PAGE, 0x1000).every((b) => b === 0xff);
      expect(erased).toBe(i === needed - 1);
    }
    await cortex.writeMem32(CONFIG, 0);
    expect(probe.target.readMemory(PAGE - 0x1000, 0x1000).every((b) => b === 0)).toBe(true);
    expect(probe.target.readMemory(PAGE + 0x1000, 0x1000).every((b) => b === 0)).toBe(true);
  });

  it('is ignored without the erase enable', async () => {
    const probe = create();
    const cortex = await session(probe);
    await cortex.writeMem32(ERASEPAGEPARTIALCFG, 0x7f); // 127 ms, more than tERASEPAGE
    await cortex.writeMem32(CONFIG, 1); // write enable only
    await cortex.writeMem32(ERASEPAGEPARTIAL, PAGE);
    expect(await cortex.readMem32(READY)).toBe(1);
    expect(probe.target.readMemory(PAGE, 0x1000).every((b) => b === 0)).toBe(true);
  });
});

describe('nRF52 NVMC write alignment', () => {
  it('a flash write that is not word-aligned faults while writing is enabled', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const cortex = await session(probe);
    await cortex.writeMem32(CONFIG, 1);
    await expect(cortex.writeMem16(PAGE + 2, 0x1234)).rejects.toBeDefined();
    expect(probe.target.readMemory(PAGE, 4).every((b) => b === 0xff)).toBe(true);
    await cortex.writeMem32(PAGE, 0x12345678); // a word at a word address still programs
    expect(await cortex.readMem32(PAGE)).toBe(0x12345678);
  });
});
