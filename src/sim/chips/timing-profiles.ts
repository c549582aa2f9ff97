/**
 * How long each simulated chip's flash operations take, twice: **typical** (what silicon does
 * on a bench: measured logs where we have them, else the datasheet's typical column) and
 * **worst** (the datasheet maximum a host must allow for). Tests, benchmarks and the app's
 * simulated devices use typical; a benchmark row shows worst case too. Every figure names its
 * source; "derived" marks one computed from others, "no typical published" one where the
 * datasheet gives only a maximum and no measured log was found (typical = maximum then).
 */
import type { LatencyProfile } from '../clock';
import type { NvmcTimings } from './nvmc';
import type { Stm32FlashTimings, Stm32Parallelism } from './stm32f4-flash';

/** Which column of a chip's timing table a simulation uses. */
export type FlashTiming = 'typical' | 'worst';

/** A chip's flash timings, typical and worst case. */
export interface TimingProfile<T> {
  typical: T;
  worst: T;
}

/** The column `latency` asks for (typical unless it says worst). */
export function pickTiming<T>(profile: TimingProfile<T>, latency: Pick<LatencyProfile, 'flashTiming'>): T {
  return latency.flashTiming === 'worst' ? profile.worst : profile.typical;
}

/**
 * nRF51822 (micro:bit V1), 1 KiB pages. Maxima: nRF51822 PS v3.4, NVMC electrical specification (tWRITE ≤ 46 µs,
 * tERASEPAGE and tERASEALL ≤ 22.3 ms; Zephyr's nRF51 flash driver budgets the same 22.3 ms
 * per page, `FLASH_PAGE_ERASE_MAX_TIME_US`). Typical: no typical published and no per-operation
 * log found (pyOCD #23/#287 measure only whole-flash throughput through the link), so typical
 * = maximum; the S130 SoftDevice spec's flash-access figures (≈ 22 ms per page, ≈ 48 µs per
 * word including SoftDevice overhead) agree with it.
 */
export const NRF51822_TIMINGS: TimingProfile<NvmcTimings> = {
  typical: { wordWriteUs: 46, pageEraseUs: 22_300, eraseAllUs: 22_300, uicrEraseUs: 22_300 },
  worst: { wordWriteUs: 46, pageEraseUs: 22_300, eraseAllUs: 22_300, uicrEraseUs: 22_300 },
};

/**
 * nRF52833 (micro:bit V2), 4 KiB pages. Maxima: nRF52833 PS v1.5, NVMC electrical specification
 * (tWRITE ≤ 41 µs, tERASEPAGE ≤ 85 ms, tERASEALL ≤ 169 ms; the same flash macro
 * as the nRF52840, whose 85 ms page erase nrf-hal PR #385 quotes). Typical page erase: 20 ms,
 * measured (pyOCD sector-erase log of a micro:bit V2, ≈ 20–21 ms per 4 KiB page; reference
 * notes flash-targets.md §3). Typical UICR erase: the same erase pulse as a page (ERASEUICR and
 * ERASEPAGE share tERASEPAGE in the PS). Typical ERASEALL: derived, 40 ms = the measured page
 * erase × the PS's ERASEALL/ERASEPAGE maximum ratio (169 / 85 ≈ 2); no ERASEALL log found.
 * Typical word write: no typical published, none measured, so 41 µs (= maximum).
 */
export const NRF52833_TIMINGS: TimingProfile<NvmcTimings> = {
  typical: { wordWriteUs: 41, pageEraseUs: 20_000, eraseAllUs: 40_000, uicrEraseUs: 20_000 },
  worst: { wordWriteUs: 41, pageEraseUs: 85_000, eraseAllUs: 169_000, uicrEraseUs: 85_000 },
};

const KiB = 1024;

/** Typical and maximum erase times in µs of one parallelism (datasheet columns). */
interface EraseRow {
  sector16k: number;
  sector64k: number;
  sector128k: number;
  mass: number;
}

/**
 * STM32F411xC/E datasheet DS10314, table "Flash memory programming", by program/erase
 * parallelism (PSIZE, which follows the supply range: ×32 for 2.7–3.6 V, ×16 from 2.1 V, ×8
 * from 1.7 V; ×64 needs VPP, which the F411 has not, so it is timed as ×32 here). Word (any
 * PSIZE) programming 16 µs typical, 100 µs maximum. Mass erase is for the F411's 512 KiB (half
 * the 1 MiB F405's 8/11/16 s typical in its datasheet DS8626).
 */
const STM32F411_ERASE: Record<FlashTiming, Record<Stm32Parallelism, EraseRow>> = {
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

function stm32Timings(column: FlashTiming, programUs: number): Stm32FlashTimings {
  const rows = STM32F411_ERASE[column];
  return {
    programUs,
    sectorEraseUs: (size, parallelism) => {
      const row = rows[parallelism];
      return size <= 16 * KiB ? row.sector16k : size <= 64 * KiB ? row.sector64k : row.sector128k;
    },
    massEraseUs: (parallelism) => rows[parallelism].mass,
  };
}

/** STM32F411: see {@link STM32F411_ERASE} for the source of every figure. */
export const STM32F411_TIMINGS: TimingProfile<Stm32FlashTimings> = {
  typical: stm32Timings('typical', 16),
  worst: stm32Timings('worst', 100),
};
