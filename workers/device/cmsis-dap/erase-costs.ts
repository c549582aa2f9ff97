/**
 * What each bundled device script's chip takes per operation on typical silicon, so the
 * flasher can weigh a chip erase against block erases (as pyOCD weighs chip vs sector erase
 * per target). The figures are the chips' typical ones, from the table the simulators use too
 * (`src/core/timing/mcu-flash.ts`, which names their sources: nRF51822 PS v3.4, nRF52833 PS v1.5
 * and a measured nRF52 page-erase log (nRF52840: same NVMC figures), STM32F411 datasheet
 * DS10314 at PSIZE ×32 as the script programs, STM32F103 datasheets DS5319 / DS5792, STM32G071
 * datasheet DS12232). The link figure is a conservative DAPLink rate (pyOCD measured 45–52 KB/s RAM
 * writes over HID, reference notes flash-targets.md §7): it prices data a chip erase would
 * force the host to read back and rewrite, and the uploads of a streamed flash that erases
 * hide (`streamTimeUs`: at DAPLink's 9–30 µs per byte an STM32F411 full flash takes sector
 * erases, below ≈ 6 µs per byte the mass erase; the nRF parts keep the chip erase at any
 * rate), and is the first guess of the link rate a stream then measures.
 */
import type { EraseCosts } from '../../../src/core/flash/algorithm';
import {
  NRF51822_FLASH,
  NRF52833_FLASH,
  NRF52840_FLASH,
  STM32F103_FLASH,
  STM32F411_ERASE_US,
  STM32F411_PROGRAM_US,
  STM32G071_FLASH,
  stm32f411SectorEraseUs,
} from '../../../src/core/timing/mcu-flash';

const f1 = STM32F103_FLASH.typical;
/** The ×32 parallelism the STM32F4 script programs at. */
const f4 = STM32F411_ERASE_US.typical[32];
const g0 = STM32G071_FLASH.typical;
/** µs per byte at ≈ 50 KB/s. */
const LINK_US_PER_BYTE = 20;

/** An nRF part's costs: its NVMC's page erase, ERASEALL and 32-bit word write. */
function nvmcCosts(t: typeof NRF51822_FLASH.typical): EraseCosts {
  return {
    blockEraseUs: () => t.pageEraseUs,
    chipEraseUs: t.eraseAllUs,
    programUsPerByte: t.wordWriteUs / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  };
}

const COSTS: Record<string, EraseCosts> = {
  'Nordic nRF51822': nvmcCosts(NRF51822_FLASH.typical),
  'Nordic nRF52833': nvmcCosts(NRF52833_FLASH.typical),
  'Nordic nRF52840': nvmcCosts(NRF52840_FLASH.typical),
  'STM32F1 (512 KiB single bank)': {
    // Page (1 or 2 KiB) and mass erase: no typical published (the maximum); per half-word.
    blockEraseUs: () => f1.pageEraseUs,
    chipEraseUs: f1.massEraseUs,
    programUsPerByte: f1.programUs / 2,
    linkUsPerByte: LINK_US_PER_BYTE,
    // Mass erase (MER) leaves the option bytes, which have their own erase (OPTER).
    chipEraseKeeps: ['Option Bytes'],
  },
  'STM32F4 (1 MiB single bank)': {
    blockEraseUs: ({ size }) => stm32f411SectorEraseUs(f4, size),
    // Mass erase of a 512 KiB part (F401/F411); the 1 MiB parts take 8 s, so the flasher's
    // choice errs towards sector erase on them, as pyOCD's raised STM32F4 chip-erase weight.
    chipEraseUs: f4.mass,
    programUsPerByte: STM32F411_PROGRAM_US.typical / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  },
  'STM32G0 (single bank)': {
    blockEraseUs: ({ size }) => g0.pageEraseUs * Math.ceil(size / 2048), // the script's blocks are 2 pages
    chipEraseUs: g0.massEraseUs,
    programUsPerByte: g0.doubleWordUs / 8, // per 64-bit double word
    linkUsPerByte: LINK_US_PER_BYTE,
    chipEraseKeeps: ['Option Bytes'], // MER1 leaves the option bytes
  },
};

/** The costs of the chip a script drives, by the script's family name; undefined if unknown. */
export function eraseCostsFor(scriptName: string): EraseCosts | undefined {
  return COSTS[scriptName];
}
