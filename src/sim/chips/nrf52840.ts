/**
 * nRF52840-QIAA (nRF52840 DK, dongle, Feather nRF52840) as data: Cortex-M4F at 64 MHz, 1 MiB
 * flash in 256 pages of 4 KiB, 256 KiB RAM, the same NVMC as the nRF52833 (READY, READYNEXT,
 * CONFIG, ERASEPAGE, ERASEALL, ERASEUICR; nRF52840 PS v1.1 §4.3), SW-DP 0x2BA01477, AHB-AP
 * 0x24770011 (AP 0) and CTRL-AP 0x02880000 (AP 1) with ERASEALL, ROM table at 0xE00FF000
 * with Nordic's JEP106 identity (bank 3, 0x44) and part 0x008 (the revision nibble is
 * unverified). FICR: CODEPAGESIZE 0x1000, CODESIZE 0x100, INFO.PART 0x52840, INFO.VARIANT
 * "AAD0", INFO.PACKAGE 0x2004 (QI), INFO.RAM 0x100, INFO.FLASH 0x400. APPROTECT is the UICR
 * word at 0x208 (0x00 enables it at reset), as on the revisions before Rev 3; the hardware
 * APPROTECT of later build codes (protected until firmware opens it) is not modeled. Flash
 * timings: `timing-profiles.ts`.
 */
import { CORTEX_M4F } from '../cortex-m/cortex-m-system';
import { createNordicChip, type NordicChipDescription } from './nordic-chip';
import type { ChipOptions, SimulatedChip } from './simulated-chip';
import { NRF52840_TIMINGS } from './timing-profiles';

/** The nRF52840-QIAA. */
export const NRF52840: NordicChipDescription = {
  name: 'nRF52840',
  core: CORTEX_M4F,
  cpuHz: 64_000_000,
  dpidr: 0x2ba01477,
  ahbApIdr: 0x24770011,
  apBase: 0xe00ff003,
  cswReset: 0x23000040,
  romTablePid: 0x2000c4008,
  flashSize: 1024 * 1024,
  pageSize: 4096,
  ramSize: 256 * 1024,
  uicrSize: 0x400,
  ficrSize: 0x400,
  ficr: new Map([
    [0x010, 0x1000], // CODEPAGESIZE
    [0x014, 0x100], // CODESIZE (pages)
    [0x0a0, 0xffffffff], // DEVICEADDRTYPE: random
    [0x100, 0x52840], // INFO.PART
    [0x104, 0x41414430], // INFO.VARIANT "AAD0"
    [0x108, 0x2004], // INFO.PACKAGE QI
    [0x10c, 0x100], // INFO.RAM (KiB)
    [0x110, 0x400], // INFO.FLASH (KiB)
  ]),
  nvmcTimings: NRF52840_TIMINGS,
  nrf52: true,
  peripheralWindow: 0x100000,
};

/** A simulated nRF52840. */
export function createNrf52840(options: ChipOptions): SimulatedChip {
  return createNordicChip(NRF52840, options);
}
