/**
 * Full flashes on the issue-20 boards (STM32G071 NUCLEO-G071RB, and the SAMD21 boards when
 * present) with DAPLink latency and typical silicon, in modeled time, each against its floor:
 * `max(link time, flash busy time)` with the cheaper of a chip erase and the page erases, plus
 * one program operation per program unit that is not all ones (a 64-bit double word on the
 * STM32G0).
 */
import { MemoryImage } from '../src/core/memory/memory-image';
import { createSimulatedBoard, type SimulatedBoardName } from '../src/sim';
import { DAPLINK_LATENCY } from '../src/sim/clock';
import { pickTiming, STM32G071_TIMINGS } from '../src/sim/chips/timing-profiles';
import { randomBytes } from '../workers/device/cmsis-dap/testing/images';
import { simBackend } from '../workers/device/cmsis-dap/testing/sim-backend';
import { flashFloor, measureLinkUsPerByte, type Floor } from './flash-floor';
import type { BenchResult } from './types';

const W = { allowWrites: true };

/** Program units of `bytes` (of `unit` bytes each) that are not all 0xFF. */
function programmedUnits(bytes: Uint8Array, unit: number): number {
  let n = 0;
  for (let i = 0; i + unit <= bytes.length; i += unit)
    if (bytes.subarray(i, i + unit).some((b) => b !== 0xff)) n++;
  return n;
}

interface ChipBench {
  board: SimulatedBoardName;
  label: string;
  /** Flash busy time of writing `data` over a chip whose every page held other data. */
  flashBusy: (data: Uint8Array, pages: number) => { eraseUs: number; units: number; unitUs: number };
}

const CHIPS: ChipBench[] = [
  {
    board: 'stm32g071',
    label: 'STM32G071 128 KiB',
    flashBusy: (data, pages) => {
      const t = pickTiming(STM32G071_TIMINGS, DAPLINK_LATENCY);
      return {
        eraseUs: Math.min(t.massEraseUs, pages * t.pageEraseUs),
        units: programmedUnits(data, 8),
        unitUs: t.doubleWordUs,
      };
    },
  },
];

async function fullFlash(chip: ChipBench): Promise<{ ms: number; floor: Floor; note: string }> {
  const sizing = createSimulatedBoard(chip.board, { latency: 'zero' });
  const base = sizing.target.flashBase;
  const size = sizing.target.flash.length;
  const data = randomBytes(size, 0x5eed);
  const probe = createSimulatedBoard(chip.board, {
    latency: DAPLINK_LATENCY,
    flash: [{ address: base, data: randomBytes(size, 0xbad5eed) }],
  });
  const backend = simBackend(probe);
  const { regions } = await backend.connect();
  const image = new MemoryImage(regions);
  image.writeAt(base, data);
  const start = probe.clock.elapsedMs;
  const report = await backend.flash(image, W);
  const ms = probe.clock.elapsedMs - start;
  const linkUsPerByte = await measureLinkUsPerByte(backend, probe);
  const pages = probe.target.chip.eraseBlocks.length;
  const busy = chip.flashBusy(data, pages);
  const floor = flashFloor({
    bytesMoved: size,
    words: busy.units,
    programUs: busy.unitUs,
    eraseUs: busy.eraseUs,
    linkUsPerByte,
  });
  const note = `${report.bytesWritten} B, ${report.full ? 'one chip erase' : `${report.erasedBlocks} block erases`}; floor = max(link ${(floor.linkMs / 1000).toFixed(2)} s, flash busy ${(floor.flashBusyMs / 1000).toFixed(2)} s); target 1.3× floor`;
  return { ms, floor, note };
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const chip of CHIPS) {
    const r = await fullFlash(chip);
    out.push(
      {
        name: `CMSIS-DAP full flash, ${chip.label} (modeled, typical silicon)`,
        value: r.ms / 1000,
        unit: 's',
        target: { value: (r.floor.floorMs * 1.3) / 1000, better: 'lower' },
        limit: r.floor.floorMs / 1000,
        note: r.note,
      },
      {
        name: `${chip.label} full flash ÷ its floor`,
        value: r.ms / r.floor.floorMs,
        unit: '×',
        target: { value: 1.3, better: 'lower' },
        limit: 1,
      },
    );
  }
  return out;
}
