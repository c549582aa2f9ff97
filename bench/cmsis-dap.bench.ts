/**
 * CMSIS-DAP flashing on the simulated micro:bit V2 with DAPLink-like latency (modeled time):
 * a full flash of the V2 MicroPython hex, a re-flash of the same hex, a re-flash with one 4 KiB
 * page changed, and the same full flash the naive way through dapjs 2.3.0 (one command in
 * flight, writeBlock split at 1 KiB as the Python Editor did). Beside the modeled full flashes of
 * the V2 and of a NUCLEO-F411RE (512 KiB), the wall time the simulation took for them: what
 * the simulated core's idle-loop fast-forward saves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseIntelHex } from '../src/core/formats';
import { buildLayout } from '../src/core/flash/layout';
import { isErased } from '../src/core/flash/flasher';
import { MemoryImage } from '../src/core/memory/memory-image';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, type SimulatedProbe } from '../src/sim';
import { NRF52833 } from '../src/sim/chips/nrf52833';
import { DAPLINK_LATENCY } from '../src/sim/clock';
import {
  CoreReg,
  Reg,
  connectDapjs,
  haltCore,
  readWords,
  writeWords,
} from '../src/sim/testing/dapjs-session';
import { nodeScripts } from '../workers/device/cmsis-dap/testing/node-scripts';
import { randomBytes } from '../workers/device/cmsis-dap/testing/images';
import { simBackend } from '../workers/device/cmsis-dap/testing/sim-backend';
import type { BenchResult } from './types';

const HEX = join(process.cwd(), '..', 'shared', 'fixtures', 'microbit', 'micropython-v2.1.2.hex');
const W = { allowWrites: true };

export async function run(): Promise<BenchResult[]> {
  const data = parseIntelHex(readFileSync(HEX, 'utf8'));

  const probe = createSimulatedMicrobit('v2', { latency: 'daplink' });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.load(data);

  const t0 = probe.clock.elapsedMs;
  const c0 = cpuCounts(probe);
  const w0 = performance.now();
  const full = await backend.flash(image, W);
  const wall = performance.now() - w0;
  const fullCounts = cpuCounts(probe, c0);
  const t1 = probe.clock.elapsedMs;
  await backend.flash(image, W);
  const t2 = probe.clock.elapsedMs;
  const changed = image.clone();
  changed.writeAt(0x30000, new Uint8Array(4096).fill(0x42));
  await backend.flash(changed, W);
  const t3 = probe.clock.elapsedMs;

  // Physical limit: the flash's busy time for what was written, or the link if slower.
  const timings = NRF52833.nvmcTimings;
  const flashBusyMs =
    (full.erasedBlocks * timings.pageEraseUs + (full.bytesWritten / 4) * timings.wordWriteUs) / 1000;
  const linkMs = (full.bytesWritten / (14 * 4)) * (DAPLINK_LATENCY.usbRoundTripUs / 1000 / 5);
  const limitMs = Math.max(flashBusyMs, linkMs);
  const ours = t1 - t0;
  const naive = await naiveDapjsFlash(image);
  const stm32 = await stm32FullFlash();

  return [
    {
      name: 'CMSIS-DAP full flash, V2 MicroPython hex (modeled)',
      value: ours / 1000,
      unit: 's',
      target: { value: (limitMs * 1.3) / 1000, better: 'lower' },
      limit: limitMs / 1000,
      peer: { name: 'naive dapjs 2.3.0 writeBlock path', value: naive / 1000 },
      note: `${full.bytesWritten} B in ${full.erasedBlocks} pages; target 1.3× the flash busy time`,
    },
    wallRow('CMSIS-DAP full flash, V2 MicroPython hex', wall, ours, fullCounts),
    {
      name: 'CMSIS-DAP full flash, STM32F411 512 KiB (modeled)',
      value: stm32.modeledMs / 1000,
      unit: 's',
      note: `${stm32.bytes} B in ${stm32.sectors} sectors (16–128 KiB), DAPLink latency`,
    },
    wallRow('CMSIS-DAP full flash, STM32F411 512 KiB', stm32.wallMs, stm32.modeledMs, stm32.counts),
    {
      name: 'speed-up over the naive dapjs path',
      value: naive / ours,
      unit: '×',
      target: { value: 3, better: 'higher' },
    },
    {
      name: 'CMSIS-DAP re-flash of the unchanged hex (modeled)',
      value: t2 - t1,
      unit: 'ms',
      target: { value: 1000, better: 'lower' },
      note: 'every page skipped by on-chip CRC-32',
    },
    {
      name: 'CMSIS-DAP re-flash with one 4 KiB page changed (modeled)',
      value: t3 - t2,
      unit: 'ms',
      target: { value: 500, better: 'lower' },
      limit: (timings.pageEraseUs + 1024 * timings.wordWriteUs) / 1000,
    },
  ];
}

interface CpuCounts {
  instructions: number;
  skipped: number;
  /** Host CPU time (user + system) in ms, for a busy machine where wall time says little. */
  hostCpuMs: number;
}

/** Instructions the simulated core executed and fast-forwarded (since `since`). */
function cpuCounts(
  probe: SimulatedProbe,
  since: CpuCounts = { instructions: 0, skipped: 0, hostCpuMs: 0 },
): CpuCounts {
  const runner = probe.target.chip.system.runner;
  const cpu = process.cpuUsage();
  return {
    instructions: runner.instructions - since.instructions,
    skipped: runner.fastForwardStats.skippedInstructions - since.skipped,
    hostCpuMs: (cpu.user + cpu.system) / 1000 - since.hostCpuMs,
  };
}

/** Wall time of a simulated flash against its modeled time (target: ≤ 0.2×). */
function wallRow(what: string, wallMs: number, modeledMs: number, counts: CpuCounts): BenchResult {
  const million = (n: number) => (n / 1e6).toFixed(1);
  return {
    name: `${what}: wall time / modeled time`,
    value: wallMs / modeledMs,
    unit: '×',
    target: { value: 0.2, better: 'lower' },
    note:
      `${(wallMs / 1000).toFixed(2)} s wall (${(counts.hostCpuMs / 1000).toFixed(2)} s CPU) for ` +
      `${(modeledMs / 1000).toFixed(2)} s modeled; ` +
      `${million(counts.instructions)} M instructions, ${million(counts.skipped)} M of them in ` +
      `fast-forwarded poll loops`,
  };
}

/** A full flash of the simulated NUCLEO-F411RE's 512 KiB with DAPLink latency: modeled and wall ms. */
async function stm32FullFlash() {
  const probe = createSimulatedStm32f411Probe({ latency: 'daplink' });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.writeAt(regions[0].base, randomBytes(regions[0].size, 11));
  const t0 = probe.clock.elapsedMs;
  const c0 = cpuCounts(probe);
  const w0 = performance.now();
  const report = await backend.flash(image, W);
  const wallMs = performance.now() - w0;
  return {
    counts: cpuCounts(probe, c0),
    modeledMs: probe.clock.elapsedMs - t0,
    wallMs,
    bytes: report.bytesWritten,
    sectors: report.erasedBlocks,
  };
}

/**
 * The naive path: dapjs's own CortexM with one command in flight, the device script's entries
 * called one by one (registers written one at a time, halt polled with isHalted), page data
 * uploaded with writeBlock split at 1 KiB, then verified by reading back with readBlock (our
 * flash verifies too). Returns the modeled ms.
 */
async function naiveDapjsFlash(image: MemoryImage): Promise<number> {
  const probe = createSimulatedMicrobit('v2', { latency: 'daplink' });
  const script = (await nodeScripts()).find((s) => /nRF52833/.test(s.name));
  if (!script) throw new Error('no nRF52833 script');
  const { cortex } = await connectDapjs(probe.usbDevice);
  const start = probe.clock.elapsedMs;
  await haltCore(cortex);
  const padded = new Uint8Array(Math.ceil(script.image.length / 4) * 4);
  padded.set(script.image);
  await writeWords(cortex, script.loadAddr, new Uint32Array(padded.buffer));
  const call = async (offset: number, r0 = 0) => {
    await cortex.writeCoreRegister(CoreReg.R0, r0);
    await cortex.writeCoreRegister(CoreReg.PC, script.loadAddr + offset);
    await cortex.writeCoreRegister(CoreReg.XPSR, 0x01000000);
    await cortex.writeMem32(Reg.DFSR, 0x1f);
    await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
    for (let i = 0; i < 100_000; i++) if (await cortex.isHalted()) return cortex.readCoreRegister(CoreReg.R0);
    throw new Error('entry did not halt');
  };
  await call(0x04); // init stage 1
  const layout = buildLayout(image.data, image.regions, { preserve: false });
  for (const wb of layout.writeBlocks) {
    const bytes = image.data.read(wb.address, wb.size);
    await call(0x14, wb.address); // pageErase
    if (isErased(bytes)) continue;
    await writeWords(
      cortex,
      script.stagingAddr,
      new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
    );
    await call(0x18, wb.address); // pageWrite
  }
  for (const seg of image.data.segments()) {
    const from = seg.address & ~3;
    const words = Math.ceil((seg.address + seg.data.length - from) / 4);
    const back = await readWords(cortex, from, words);
    const bytes = new Uint8Array(back.buffer).subarray(
      seg.address - from,
      seg.address - from + seg.data.length,
    );
    if (bytes.some((b, i) => b !== seg.data[i]))
      throw new Error(`naive path: verify failed near 0x${seg.address.toString(16)}`);
  }
  return probe.clock.elapsedMs - start;
}
