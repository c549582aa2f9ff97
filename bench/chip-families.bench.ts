/**
 * Full flashes of the chip families added for issue 20, each over a chip that held a different
 * build in every block, with DAPLink latency and typical silicon (modeled time), against the
 * floor `max(link time, flash busy time)` (`flash-floor.ts`): the whole code flash of an
 * nRF52840 (nRF52840 DK) and of an STM32F103C8 (Blue Pill). Target: at most 1.3× the floor.
 * Beside each, the wall time the simulation took.
 */
import { MemoryImage } from '../src/core/memory/memory-image';
import { SparseData } from '../src/core/memory/sparse-data';
import { createSimulatedBoard, type SimulatedBoardName, type SimulatedProbe } from '../src/sim';
import { DAPLINK_LATENCY, type LatencyProfile } from '../src/sim/clock';
import { NRF52840_TIMINGS, STM32F103_TIMINGS, pickTiming } from '../src/sim/chips/timing-profiles';
import { randomBytes } from '../workers/device/cmsis-dap/testing/images';
import { simBackend } from '../workers/device/cmsis-dap/testing/sim-backend';
import { flashFloor, measureLinkUsPerByte, programmedWords, type Floor } from './flash-floor';
import type { BenchResult } from './types';

const W = { allowWrites: true };

/** Half-words of `bytes` that are not 0xFFFF (the ones an STM32F1 must program). */
function programmedHalfWords(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) if ((bytes[i] & bytes[i + 1]) !== 0xff) n++;
  return n;
}

interface Family {
  board: SimulatedBoardName;
  label: string;
  /** Program operations the data needs and the time of one, erase of every block or the chip. */
  busy(
    data: Uint8Array,
    blocks: number,
    latency: LatencyProfile,
  ): { ops: number; opUs: number; eraseUs: number };
}

const FAMILIES: Family[] = [
  {
    board: 'nrf52840-dk',
    label: 'nRF52840 1 MiB',
    busy: (data, blocks, latency) => {
      const t = pickTiming(NRF52840_TIMINGS, latency);
      return {
        ops: programmedWords(data),
        opUs: t.wordWriteUs,
        eraseUs: Math.min(t.eraseAllUs, blocks * t.pageEraseUs),
      };
    },
  },
  {
    board: 'bluepill',
    label: 'STM32F103C8 64 KiB',
    busy: (data, blocks, latency) => {
      const t = pickTiming(STM32F103_TIMINGS, latency);
      return {
        ops: programmedHalfWords(data),
        opUs: t.programUs,
        eraseUs: Math.min(t.massEraseUs, blocks * t.pageEraseUs),
      };
    },
  },
];

/** Flashes the whole code flash of `family` over a different build; modeled and wall ms, floor. */
async function fullFlash(
  family: Family,
): Promise<{ ms: number; wallMs: number; floor: Floor; bytes: number }> {
  // Find the layout first on a blank board.
  const blank = createSimulatedBoard(family.board, { latency: 'zero' });
  const { chip } = blank.target;
  const size = chip.flash.size;
  const data = randomBytes(size, 42);
  const previous = data.map((b) => b ^ 0x5a);
  const probe: SimulatedProbe = createSimulatedBoard(family.board, {
    latency: DAPLINK_LATENCY,
    flash: [{ address: chip.flashBase, data: previous }],
  });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.load(SparseData.from([{ address: chip.flashBase, data }]));
  const start = probe.clock.elapsedMs;
  const w0 = performance.now();
  const report = await backend.flash(image, W);
  const wallMs = performance.now() - w0;
  const ms = probe.clock.elapsedMs - start;
  if (!report.verified) throw new Error(`${family.label}: flash not verified`);
  const linkUsPerByte = await measureLinkUsPerByte(backend, probe);
  const busy = family.busy(data, chip.eraseBlocks.length, DAPLINK_LATENCY);
  const floor = flashFloor({
    bytesMoved: size,
    words: busy.ops,
    programUs: busy.opUs,
    eraseUs: busy.eraseUs,
    linkUsPerByte,
  });
  return { ms, wallMs, floor, bytes: report.bytesWritten };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const family of FAMILIES) {
    const r = await fullFlash(family);
    results.push(
      {
        name: `CMSIS-DAP full flash, ${family.label} (modeled, typical silicon)`,
        value: r.ms / 1000,
        unit: 's',
        target: { value: (r.floor.floorMs * 1.3) / 1000, better: 'lower' },
        limit: r.floor.floorMs / 1000,
        note: `${r.bytes} B; ${(r.ms / r.floor.floorMs).toFixed(2)}× floor = max(link ${(r.floor.linkMs / 1000).toFixed(2)} s, flash busy ${(r.floor.flashBusyMs / 1000).toFixed(2)} s); target 1.3× floor`,
      },
      {
        name: `wall time of the simulated ${family.label} full flash`,
        value: r.wallMs / 1000,
        unit: 's',
        note: `simulation of ${(r.ms / 1000).toFixed(2)} s modeled`,
      },
    );
  }
  return results;
}
