/**
 * How long each simulated chip's flash operations take, twice: **typical** (what silicon does
 * on a bench: measured logs where we have them, else the datasheet's typical column) and
 * **worst** (the datasheet maximum a host must allow for). One table for the simulators
 * (`src/sim/chips/timing-profiles.ts` gives their chips these figures) and for the host's
 * estimate of what each chip's erases cost (`workers/device/cmsis-dap/erase-costs.ts`, the
 * typical column). Every figure names its source; "derived" marks one computed from others,
 * "no typical published" one where the datasheet gives only a maximum and no measured log was
 * found (typical = maximum then). Times in µs.
 */

/** Which column of a chip's timing table a simulation uses. */
export type FlashTiming = 'typical' | 'worst';

/** A chip's flash timings, typical and worst case. */
export interface TimingProfile<T> {
  typical: T;
  worst: T;
}

/**
 * nRF51822 (micro:bit V1), 1 KiB pages. Maxima: tWRITE 46 µs, tERASEPAGE = tERASEALL = 22.3 ms,
 * the nRF51822 PS v3.4 NVMC figures this model has used from the start (reference notes
 * flash-targets.md §3; not re-read from the PDF for this change); Zephyr's nRF51 flash driver
 * budgets the same 22.3 ms per page erase. Typical: no typical published and no
 * per-operation log found (pyOCD #23/#287 measure only whole-flash throughput through the
 * link), so typical = maximum; the S130 SoftDevice spec's flash-access figures (≈ 22 ms per
 * page, ≈ 48 µs per word including SoftDevice overhead) agree with it.
 */
export const NRF51822_FLASH = {
  typical: { wordWriteUs: 46, pageEraseUs: 22_300, eraseAllUs: 22_300, uicrEraseUs: 22_300 },
  worst: { wordWriteUs: 46, pageEraseUs: 22_300, eraseAllUs: 22_300, uicrEraseUs: 22_300 },
};

/**
 * nRF52833 (micro:bit V2), 4 KiB pages. Maxima: tWRITE 41 µs, tERASEPAGE 85 ms, tERASEALL
 * 169 ms, the NVMC electrical specification of the nRF52 parts with this flash (nRF52833 PS
 * v1.5 / nRF52840 PS; reference notes flash-targets.md §3 mark them unverified for the 833;
 * nrf-hal PR #385 quotes the 85 ms page erase on the nRF52840, Zephyr budgets 89.7 ms for the
 * older nRF52832). Typical page erase: 20 ms, measured (a pyOCD log of a micro:bit V2 shows
 * ≈ 20–21 ms per 4 KiB page; reference notes §3). Typical UICR erase: the same erase pulse as a
 * page (ERASEUICR shares tERASEPAGE in the PS). Typical ERASEALL: derived, 40 ms = the measured
 * page erase × the PS's ERASEALL/ERASEPAGE maximum ratio (169 / 85 ≈ 2); no ERASEALL log found.
 * Typical word write: no typical published, none measured, so 41 µs (= maximum).
 */
export const NRF52833_FLASH = {
  typical: { wordWriteUs: 41, pageEraseUs: 20_000, eraseAllUs: 40_000, uicrEraseUs: 20_000 },
  worst: { wordWriteUs: 41, pageEraseUs: 85_000, eraseAllUs: 169_000, uicrEraseUs: 85_000 },
};

/**
 * nRF52840, 4 KiB pages. Maxima: tWRITE 41 µs, tERASEPAGE 85 ms, tERASEALL 169 ms (nRF52840
 * PS, NVMC electrical specification; nrf-hal PR #385 quotes the 85 ms page erase on this
 * part). No typical published; the nRF52833 has the same NVMC and flash figures, so the typical
 * column is the nRF52833's (measured 20 ms page erase, derived 40 ms ERASEALL, 41 µs word).
 */
export const NRF52840_FLASH = {
  typical: { ...NRF52833_FLASH.typical },
  worst: { ...NRF52833_FLASH.worst },
};

const KiB = 1024;

/** Erase times in µs of one parallelism (a column of the STM32F411 datasheet). */
export interface EraseRow {
  sector16k: number;
  sector64k: number;
  sector128k: number;
  mass: number;
}

/**
 * STM32F411xC/E datasheet DS10314, table "Flash memory programming" (typical and maximum), by
 * program/erase parallelism (PSIZE, which follows the supply range: ×32 for 2.7–3.6 V, ×16
 * from 2.1 V, ×8 from 1.7 V; ×64 needs VPP, which the F411 has not, so it is timed as ×32
 * here). Word (any PSIZE) programming 16 µs typical, 100 µs maximum. The ×32 sector figures
 * match the F405 figures of the reference notes (flash-targets.md §4); the ×8/×16 columns and
 * the mass erase (half the 1 MiB F405's 8/11/16 s, this part having 512 KiB) are the F4
 * datasheets' as recalled — the search tool did not return the PDF, so they are unverified.
 */
export const STM32F411_ERASE_US: Record<FlashTiming, Record<8 | 16 | 32 | 64, EraseRow>> = {
  typical: {
    8: { sector16k: 400_000, sector64k: 1_200_000, sector128k: 2_000_000, mass: 8_000_000 },
    16: { sector16k: 300_000, sector64k: 700_000, sector128k: 1_300_000, mass: 5_500_000 },
    32: { sector16k: 250_000, sector64k: 550_000, sector128k: 1_000_000, mass: 4_000_000 },
    64: { sector16k: 250_000, sector64k: 550_000, sector128k: 1_000_000, mass: 4_000_000 },
  },
  worst: {
    8: { sector16k: 800_000, sector64k: 2_400_000, sector128k: 4_000_000, mass: 16_000_000 },
    16: { sector16k: 600_000, sector64k: 1_400_000, sector128k: 2_600_000, mass: 11_000_000 },
    32: { sector16k: 500_000, sector64k: 1_100_000, sector128k: 2_000_000, mass: 8_000_000 },
    64: { sector16k: 500_000, sector64k: 1_100_000, sector128k: 2_000_000, mass: 8_000_000 },
  },
};

/** STM32F411 word programming time in µs, any PSIZE (see {@link STM32F411_ERASE_US}). */
export const STM32F411_PROGRAM_US: Record<FlashTiming, number> = { typical: 16, worst: 100 };

/** Erase time in µs of an STM32F411 sector of `size` bytes, from one row of {@link STM32F411_ERASE_US}. */
export function stm32f411SectorEraseUs(row: EraseRow, size: number): number {
  return size <= 16 * KiB ? row.sector16k : size <= 64 * KiB ? row.sector64k : row.sector128k;
}

/**
 * STM32F103, datasheets DS5319 (x8/xB, medium density) and DS5792 (xC/xD/xE, high density),
 * table "Flash memory characteristics": tPROG (16-bit programming) 40 min / 52.5 typical /
 * 70 max µs; tERASE (page, 1 KiB or 2 KiB) 20 min / 40 max ms; tME (mass erase) 20 min /
 * 40 max ms. The erase times have no typical published and no per-operation log was found, so
 * typical = maximum for them.
 */
export const STM32F103_FLASH = {
  typical: { programUs: 52.5, pageEraseUs: 40_000, massEraseUs: 40_000 },
  worst: { programUs: 70, pageEraseUs: 40_000, massEraseUs: 40_000 },
};

/**
 * STM32G071xx datasheet (DS12232), table "Flash memory characteristics": 64-bit programming
 * time tprog 85 µs typical, 125 µs maximum; page (2 KiB) erase time tERASE 22.0 ms typical,
 * 40.0 ms maximum; mass erase time tME 22.1 ms typical, 40.1 ms maximum. The same figures
 * appear in the G031/G041/G051 datasheets (one flash macro). As recalled: the search tool
 * returned RM0444 but not the datasheet's table, so they are unverified against the PDF.
 */
export const STM32G071_FLASH = {
  typical: { doubleWordUs: 85, pageEraseUs: 22_000, massEraseUs: 22_100 },
  worst: { doubleWordUs: 125, pageEraseUs: 40_000, massEraseUs: 40_100 },
};

/**
 * SAM D21 datasheet (DS40001882), "NVM Characteristics": page programming time tFPP 2.5 ms,
 * row erase time tFRE 6 ms, both maxima; no typical published, so typical = maximum. The DSU
 * chip erase: 240 ms, an assumption (no figure was found in the sources the search tool
 * reaches). As recalled: the search tool returned the NVMCTRL chapter but not the electrical
 * table, so these are unverified against the PDF.
 */
export const SAMD21_FLASH = {
  typical: { pageWriteUs: 2_500, rowEraseUs: 6_000, chipEraseUs: 240_000 },
  worst: { pageWriteUs: 2_500, rowEraseUs: 6_000, chipEraseUs: 240_000 },
};
