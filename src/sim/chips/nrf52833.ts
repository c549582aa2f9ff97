/**
 * nRF52833-QIAA (micro:bit V2) as data: Cortex-M4F at 64 MHz, 512 KiB flash in 4 KiB pages,
 * 128 KiB RAM, SW-DP 0x2BA01477, AHB-AP 0x24770011 (AP 0) and CTRL-AP 0x02880000 (AP 1), ROM
 * table at 0xE00FF000 with Nordic's PID (designer 0x244, part 0x00D as pyOCD logs it; the
 * revision nibble is unverified). FICR INFO.PART = 0x52833. Flash timings, typical (measured)
 * and worst (PS maxima): `timing-profiles.ts`. The package is QI (aQFN73): the micro:bit V2's
 * chip is marked "N52833 QIAAA0" (Rust Embedded Discovery book, "Meet your hardware"); the
 * QDAA in the reference sheet's table is a QFN40 with too few pins for the edge connector.
 */
import { CORTEX_M4F } from '../cortex-m/cortex-m-system';
import { createNordicChip, type NordicChipDescription } from './nordic-chip';
import type { ChipOptions, SimulatedChip } from './simulated-chip';
import { NRF52833_TIMINGS } from './timing-profiles';

/** The nRF52833-QIAA. */
export const NRF52833: NordicChipDescription = {
  name: 'nRF52833',
  core: CORTEX_M4F,
  cpuHz: 64_000_000,
  dpidr: 0x2ba01477,
  ahbApIdr: 0x24770011,
  apBase: 0xe00ff003,
  cswReset: 0x23000040,
  romTablePid: 0x2000c400d,
  flashSize: 512 * 1024,
  pageSize: 4096,
  ramSize: 128 * 1024,
  uicrSize: 0x400,
  ficrSize: 0x400,
  ficr: new Map([
    [0x010, 0x1000], // CODEPAGESIZE
    [0x014, 0x80], // CODESIZE (pages)
    [0x0a0, 0xffffffff], // DEVICEADDRTYPE: random
    [0x100, 0x52833], // INFO.PART
    [0x104, 0x41414230], // INFO.VARIANT "AAB0"
    [0x108, 0x2004], // INFO.PACKAGE QI
    [0x10c, 0x80], // INFO.RAM (KiB)
    [0x110, 0x200], // INFO.FLASH (KiB)
  ]),
  nvmcTimings: NRF52833_TIMINGS,
  nrf52: true,
  peripheralWindow: 0x100000,
};

/** A simulated nRF52833. */
export function createNrf52833(options: ChipOptions): SimulatedChip {
  return createNordicChip(NRF52833, options);
}
