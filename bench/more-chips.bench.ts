/**
 * Full flashes on the issue-20 boards (STM32G071 NUCLEO-G071RB, SAM D21 Arduino Zero) with
 * DAPLink latency and typical silicon, in modeled time, each against its floor:
 * `max(link time, flash busy time)` with the cheaper of a chip erase and the block erases the
 * chip allows, plus one program operation per program unit that is not all ones (a 64-bit
 * double word on the STM32G0, a 64-byte page on the SAM D21).
 */
import { MemoryImage } from '../src/core/memory/memory-image';
import { createSimulatedBoard, type SimulatedBoardName } from '../src/sim';
import { DAPLINK_LATENCY } from '../src/sim/clock';
import { pickTiming, SAMD21_TIMINGS, STM32G071_TIMINGS } from '../src/sim/chips/timing-profiles';
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
  /** Where the image starts (after a bootloader the chip protects). */
  appBase?: number;
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
  {
    // The application area of an Arduino Zero: all but the 8 KiB boot section BOOTPROT keeps.
    // No chip erase in the floor: the SAM D21's is the DSU's, which would also erase the
    // bootloader (and the RAM a flash algorithm runs in); rows are erased one by one.
    board: 'arduino-zero',
    label: 'SAM D21 (Arduino Zero) 248 KiB application area',
    appBase: 0x2000,
    flashBusy: (data, pages) => {
      const t = pickTiming(SAMD21_TIMINGS, DAPLINK_LATENCY);
      return { eraseUs: pages * t.rowEraseUs, units: programmedUnits(data, 64), unitUs: t.pageWriteUs };
    },
  },
];

async function fullFlash(chip: ChipBench): Promise<{ ms: number; floor: Floor; note: string }> {
  const sizing = createSimulatedBoard(chip.board, { latency: 'zero' });
  const base = chip.appBase ?? sizing.target.flashBase;
  const size = sizing.target.flashBase + sizing.target.flash.length - base;
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
  const erasesBefore = probe.target.chip.flash.eraseCount;
  const report = await backend.flash(image, W);
  // Erase operations the chip saw (a chip erase counts once).
  const erases = probe.target.chip.flash.eraseCount - erasesBefore;
  const ms = probe.clock.elapsedMs - start;
  const linkUsPerByte = await measureLinkUsPerByte(backend, probe);
  const pages = Math.round((size / probe.target.flash.length) * probe.target.chip.eraseBlocks.length);
  const busy = chip.flashBusy(data, pages);
  const floor = flashFloor({
    bytesMoved: size,
    words: busy.units,
    programUs: busy.unitUs,
    eraseUs: busy.eraseUs,
    linkUsPerByte,
  });
  const note = `${report.bytesWritten} B, ${erases === 1 ? 'one chip erase' : `${erases} erases of the chip's own erase unit`}; floor = max(link ${(floor.linkMs / 1000).toFixed(2)} s, flash busy ${(floor.flashBusyMs / 1000).toFixed(2)} s); target 1.3× floor`;
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
