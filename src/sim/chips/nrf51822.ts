/**
 * nRF51822-QFAA (micro:bit V1) as data: Cortex-M0 at 16 MHz, 256 KiB flash in 1 KiB pages,
 * 16 KiB RAM, SW-DP 0x0BB11477, AHB-AP 0x04770021 whose BASE points at Nordic's ROM table at
 * 0xF0000000 (PID 0x2007C4001) in front of Arm's. Values: reference notes cmsis-dap-and-adiv5.md
 * §3–§6 and flash-targets.md §1–§3 (nRF51 RM v3.0, nRF51822 PS v3.4). Flash timings: `timing-profiles.ts`.
 */
import { CORTEX_M0 } from '../cortex-m/cortex-m-system';
import { createNordicChip, type NordicChipDescription } from './nordic-chip';
import type { ChipOptions, SimulatedChip } from './simulated-chip';
import { NRF51822_TIMINGS } from './timing-profiles';

/** The nRF51822-QFAA. */
export const NRF51822: NordicChipDescription = {
  name: 'nRF51822',
  core: CORTEX_M0,
  cpuHz: 16_000_000,
  dpidr: 0x0bb11477,
  ahbApIdr: 0x04770021,
  apBase: 0xf0000003,
  cswReset: 0x03000040,
  romTablePid: 0x2007c4001,
  flashSize: 256 * 1024,
  pageSize: 1024,
  ramSize: 16 * 1024,
  uicrSize: 0x100,
  ficrSize: 0x100,
  ficr: new Map([
    [0x010, 0x400], // CODEPAGESIZE
    [0x014, 0x100], // CODESIZE (pages)
    [0x028, 0xffffffff], // CLENR0: no code region 0
    [0x02c, 0xffffffff], // PPFC: no pre-programmed factory code
    [0x034, 2], // NUMRAMBLOCK
    [0x038, 0x2000], // SIZERAMBLOCKS
    [0x05c, 0xffff0072], // CONFIGID: HWID 0x0072 (QFAA, unverified revision)
    [0x0a0, 0xffffffff], // DEVICEADDRTYPE: random
  ]),
  nvmcTimings: NRF51822_TIMINGS,
  nrf52: false,
  peripheralWindow: 0x80000,
};

/** A simulated nRF51822. */
export function createNrf51822(options: ChipOptions): SimulatedChip {
  return createNordicChip(NRF51822, options);
}
