/**
 * Full flashes of the CMSIS-DAP bench (`cmsis-dap.bench.ts`) and of its wall-time rows, which
 * run them in a fresh process (`full-flash-wall.ts`): a board that held a different build,
 * the flash through the CMSIS-DAP backend, its modeled time, floor and the core's counts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErased } from '../src/core/flash/flasher';
import { parseIntelHex } from '../src/core/formats';
import { MemoryImage } from '../src/core/memory/memory-image';
import { SparseData } from '../src/core/memory/sparse-data';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, type SimulatedProbe } from '../src/sim';
import type { LatencyProfile } from '../src/sim/clock';
import {
  NRF51822_TIMINGS,
  NRF52833_TIMINGS,
  STM32F411_TIMINGS,
  pickTiming,
} from '../src/sim/chips/timing-profiles';
import { randomBytes } from '../workers/device/cmsis-dap/testing/images';
import { simBackend } from '../workers/device/cmsis-dap/testing/sim-backend';
import { flashFloor, measureLinkUsPerByte, programmedWords, type Floor } from './flash-floor';

/** Flash options of every bench flash: writes allowed. */
export const W = { allowWrites: true };
/** Where UICR starts on Nordic parts. */
export const UICR = 0x10001000;

/** The simulated boards flashed here. */
export type Board = 'v1' | 'v2' | 'stm32f411';

/**
 * What the chip held before: the image's code bytes XOR 0x5A (a different build of the same
 * size, so every block changes) and its UICR as it is (a board keeps its UICR across builds).
 */
export function previousBuild(data: SparseData): { address: number; data: Uint8Array }[] {
  return data.segments().map((s) => ({
    address: s.address,
    data: s.address >= UICR ? s.data.slice() : s.data.map((b) => b ^ 0x5a),
  }));
}

/** A simulated `board` holding `flash`, with `latency`. */
export function createBoard(
  board: Board,
  latency: LatencyProfile,
  flash: { address: number; data: Uint8Array }[],
) {
  if (board === 'stm32f411') return createSimulatedStm32f411Probe({ latency, flash });
  return createSimulatedMicrobit(board, { latency, flash });
}

/** The floor of flashing `data` over a chip that held something else in every block. */
export function floorOf(
  board: Board,
  data: SparseData,
  probe: SimulatedProbe,
  latency: LatencyProfile,
  linkUsPerByte: number,
): Floor {
  const regions: { address: number; size: number }[] = [];
  let offset = 0;
  for (const size of probe.target.chip.eraseBlocks) {
    regions.push({ address: probe.target.flashBase + offset, size });
    offset += size;
  }
  const touched = regions.filter((b) => data.intersects(b.address, b.address + b.size));
  let words = 0;
  let bytesMoved = 0;
  for (const b of touched) {
    const bytes = data.read(b.address, b.size, 0xff);
    words += programmedWords(bytes);
    if (!isErased(bytes)) bytesMoved += b.size;
  }
  for (const s of data.segments().filter((seg) => seg.address >= UICR)) words += programmedWords(s.data);
  if (board === 'stm32f411') {
    const t = pickTiming(STM32F411_TIMINGS, latency);
    const sectors = touched.reduce((us, b) => us + t.sectorEraseUs(b.size, 32), 0);
    const eraseUs = Math.min(t.massEraseUs(32), sectors);
    return flashFloor({
      bytesMoved,
      words,
      programUs: t.programUs,
      eraseUs,
      linkUsPerByte,
    });
  }
  const t = pickTiming(board === 'v1' ? NRF51822_TIMINGS : NRF52833_TIMINGS, latency);
  const eraseUs = Math.min(t.eraseAllUs, touched.length * t.pageEraseUs);
  return flashFloor({
    bytesMoved,
    words,
    programUs: t.wordWriteUs,
    eraseUs,
    linkUsPerByte,
  });
}

/** Flashes `data` onto `board` holding the previous build; returns modeled ms, report, floor. */
export async function fullFlash(
  board: Board,
  data: SparseData,
  latency: LatencyProfile,
  previous = previousBuild(data),
) {
  const probe = createBoard(board, latency, previous);
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.load(data);
  const start = probe.clock.elapsedMs;
  const erasesBefore = probe.target.chip.flash.eraseCount;
  const c0 = cpuCounts(probe);
  const w0 = performance.now();
  const report = await backend.flash(image, W);
  const wallMs = performance.now() - w0;
  const counts = cpuCounts(probe, c0);
  const ms = probe.clock.elapsedMs - start;
  // Erase operations the chip saw on its main flash (a chip erase counts once).
  const erases = probe.target.chip.flash.eraseCount - erasesBefore;
  const linkUsPerByte = await measureLinkUsPerByte(backend, probe);
  const floor = floorOf(board, data, probe, latency, linkUsPerByte);
  return { probe, backend, image, report, ms, erases, floor, wallMs, counts };
}

/** What the simulated core executed during a flash, and the host CPU it took. */
export interface CpuCounts {
  instructions: number;
  skipped: number;
  /** Host CPU time (user + system) in ms, for a busy machine where wall time says little. */
  hostCpuMs: number;
}

/** Instructions the simulated core executed and fast-forwarded (since `since`). */
export function cpuCounts(
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

/** Full flashes repeated on fresh boards in the warmed-up process, for the steady wall time. */
export const STEADY_RUNS = 3;

/**
 * Full flashes after the first that are not timed: V8 is still optimising the simulator
 * during the second (it took 1.2–1.5 s where the ones after take about 1.0 s for the V2).
 */
export const WARM_UP_RUNS = 1;

/** A full flash's wall time once the JIT has warmed up, and its CPU counts (the median run). */
export interface SteadyWall {
  wallMs: number;
  counts: CpuCounts;
}

/**
 * Repeats `first`'s full flash on fresh boards, {@link WARM_UP_RUNS} times untimed and then
 * {@link STEADY_RUNS} times, and returns the median of those; every run must model the same
 * time as the first (the simulation does not depend on the host).
 */
export async function steadyWall(
  first: { ms: number },
  again: () => Promise<{ ms: number; wallMs: number; counts: CpuCounts }>,
): Promise<SteadyWall> {
  const runs: SteadyWall[] = [];
  for (let i = 0; i < WARM_UP_RUNS + STEADY_RUNS; i++) {
    const run = await again();
    if (run.ms !== first.ms) throw new Error(`the same flash modeled ${first.ms} ms, then ${run.ms} ms`);
    if (i >= WARM_UP_RUNS) runs.push({ wallMs: run.wallMs, counts: run.counts });
  }
  runs.sort((a, b) => a.wallMs - b.wallMs);
  return runs[STEADY_RUNS >> 1];
}

/** The micro:bit fixtures (`../shared/fixtures/microbit`). */
export const MICROBIT_FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures', 'microbit');

/** A full flash the bench times: what is flashed onto which board, over what it held. */
export interface FullFlashJob {
  board: Board;
  data: SparseData;
  previous: { address: number; data: Uint8Array }[];
}

/**
 * The two full flashes whose wall time the bench reports: the V2 MicroPython hex over a
 * different build, and 512 KiB of random bytes onto an STM32F411 that held other random bytes.
 */
export function timedFullFlash(board: 'v2' | 'stm32f411'): FullFlashJob {
  if (board === 'v2') {
    const data = parseIntelHex(readFileSync(join(MICROBIT_FIXTURES, 'micropython-v2.1.2.hex'), 'utf8'));
    return { board, data, previous: previousBuild(data) };
  }
  return {
    board,
    data: SparseData.from([{ address: 0x08000000, data: randomBytes(512 * 1024, 0x5eed) }]),
    previous: [{ address: 0x08000000, data: randomBytes(512 * 1024, 0xbad5eed) }],
  };
}
