/**
 * What each bundled device script's chip takes per operation on typical silicon, so the
 * flasher can weigh a chip erase against block erases (as pyOCD weighs chip vs sector erase
 * per target). The figures are the chips' typical ones (the simulator's
 * `src/sim/chips/timing-profiles.ts` names their sources: nRF51822 PS v3.4, nRF52833 PS v1.5
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

const KiB = 1024;
/** µs per byte at ≈ 50 KB/s. */
const LINK_US_PER_BYTE = 20;

const COSTS: Record<string, EraseCosts> = {
  'Nordic nRF51822': {
    blockEraseUs: () => 22_300,
    chipEraseUs: 22_300,
    programUsPerByte: 46 / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  },
  'Nordic nRF52833': {
    blockEraseUs: () => 20_000,
    chipEraseUs: 40_000,
    programUsPerByte: 41 / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  },
  'Nordic nRF52840': {
    blockEraseUs: () => 20_000,
    chipEraseUs: 40_000,
    programUsPerByte: 41 / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  },
  'STM32F1 (512 KiB single bank)': {
    // DS5319 / DS5792: page (1 or 2 KiB) and mass erase 40 ms maximum, no typical published;
    // 52.5 µs per half-word typical.
    blockEraseUs: () => 40_000,
    chipEraseUs: 40_000,
    programUsPerByte: 52.5 / 2,
    linkUsPerByte: LINK_US_PER_BYTE,
    // Mass erase (MER) leaves the option bytes, which have their own erase (OPTER).
    chipEraseKeeps: ['Option Bytes'],
  },
  'STM32F4 (1 MiB single bank)': {
    blockEraseUs: ({ size }) => (size <= 16 * KiB ? 250_000 : size <= 64 * KiB ? 550_000 : 1_000_000),
    // Mass erase of a 512 KiB part (F401/F411); the 1 MiB parts take 8 s, so the flasher's
    // choice errs towards sector erase on them, as pyOCD's raised STM32F4 chip-erase weight.
    chipEraseUs: 4_000_000,
    programUsPerByte: 16 / 4,
    linkUsPerByte: LINK_US_PER_BYTE,
  },
  'STM32G0 (single bank)': {
    // STM32G071 datasheet DS12232 typical: 22.0 ms page erase, 22.1 ms mass erase, 85 µs per
    // 64-bit double word.
    blockEraseUs: ({ size }) => 22_000 * Math.ceil(size / 2048), // the script's blocks are 2 pages
    chipEraseUs: 22_100,
    programUsPerByte: 85 / 8,
    linkUsPerByte: LINK_US_PER_BYTE,
    chipEraseKeeps: ['Option Bytes'], // MER1 leaves the option bytes
  },
};

/** The costs of the chip a script drives, by the script's family name; undefined if unknown. */
export function eraseCostsFor(scriptName: string): EraseCosts | undefined {
  return COSTS[scriptName];
}
