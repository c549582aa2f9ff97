/**
 * How long each simulated chip's flash operations take, typical and worst case, as the timing
 * profiles the chip models take. The figures and their sources are in one table in
 * `src/core/timing/mcu-flash.ts`, which the host's erase-cost estimate reads too. Tests,
 * benchmarks and the app's simulated devices use typical; a benchmark row shows worst case too.
 */
import {
  NRF51822_FLASH,
  NRF52833_FLASH,
  NRF52840_FLASH,
  SAMD21_FLASH,
  STM32F103_FLASH,
  STM32F411_ERASE_US,
  STM32F411_PROGRAM_US,
  STM32G071_FLASH,
  stm32f411SectorEraseUs,
  type FlashTiming,
  type TimingProfile,
} from '../../core/timing/mcu-flash';
import type { LatencyProfile } from '../clock';
import type { NvmcTimings } from './nvmc';
import type { Stm32f1FlashTimings } from './stm32f1-flash';
import type { Stm32FlashTimings } from './stm32f4-flash';
import type { Stm32g0FlashTimings } from './stm32g0-flash';
import type { Samd21NvmTimings } from './samd21-nvmctrl';

export type { FlashTiming, TimingProfile } from '../../core/timing/mcu-flash';

/** The column `latency` asks for (typical unless it says worst). */
export function pickTiming<T>(profile: TimingProfile<T>, latency: Pick<LatencyProfile, 'flashTiming'>): T {
  return latency.flashTiming === 'worst' ? profile.worst : profile.typical;
}

/** nRF51822 (micro:bit V1): figures and sources in {@link NRF51822_FLASH}. */
export const NRF51822_TIMINGS: TimingProfile<NvmcTimings> = NRF51822_FLASH;

/** nRF52833 (micro:bit V2): figures and sources in {@link NRF52833_FLASH}. */
export const NRF52833_TIMINGS: TimingProfile<NvmcTimings> = NRF52833_FLASH;

/** nRF52840: figures and sources in {@link NRF52840_FLASH}. */
export const NRF52840_TIMINGS: TimingProfile<NvmcTimings> = NRF52840_FLASH;

function stm32Timings(column: FlashTiming): Stm32FlashTimings {
  const rows = STM32F411_ERASE_US[column];
  return {
    programUs: STM32F411_PROGRAM_US[column],
    sectorEraseUs: (size, parallelism) => stm32f411SectorEraseUs(rows[parallelism], size),
    massEraseUs: (parallelism) => rows[parallelism].mass,
  };
}

/** STM32F411: figures and sources in {@link STM32F411_ERASE_US}. */
export const STM32F411_TIMINGS: TimingProfile<Stm32FlashTimings> = {
  typical: stm32Timings('typical'),
  worst: stm32Timings('worst'),
};

/** STM32F103: figures and sources in {@link STM32F103_FLASH}. */
export const STM32F103_TIMINGS: TimingProfile<Stm32f1FlashTimings> = STM32F103_FLASH;

/** STM32G071: figures and sources in {@link STM32G071_FLASH}. */
export const STM32G071_TIMINGS: TimingProfile<Stm32g0FlashTimings> = STM32G071_FLASH;

/** SAM D21: figures and sources in {@link SAMD21_FLASH}. */
export const SAMD21_TIMINGS: TimingProfile<Samd21NvmTimings> = SAMD21_FLASH;
