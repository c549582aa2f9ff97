import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock';
import { DEBUG } from '../cortex-m/bus';
import { createSimulatedMicrobit } from '../boards';
import { NorFlash } from './nor-flash';
import { FLASH_CR, FLASH_SR, Stm32f4Flash } from './stm32f4-flash';
import { STM32F411_SECTORS } from './stm32f411';
import { NRF52833_TIMINGS, STM32F411_TIMINGS, pickTiming } from './timing-profiles';

const KEYR = 0x04;
const SR = 0x0c;
const CR = 0x10;

/** An STM32F411 flash interface on its own clock, unlocked. */
function stm32(column: 'typical' | 'worst') {
  const clock = new VirtualClock();
  const flash = new Stm32f4Flash({
    clock,
    flash: new NorFlash(512 * 1024),
    sectorSizes: STM32F411_SECTORS,
    timings: pickTiming(STM32F411_TIMINGS, { flashTiming: column }),
    timeScale: 1,
    debuggerConnected: () => false,
  });
  flash.registers.write(KEYR, 0x45670123, 4, DEBUG);
  flash.registers.write(KEYR, 0xcdef89ab, 4, DEBUG);
  /** Starts a command and returns how long BSY stays set, in µs. */
  const busyFor = (cr: number): number => {
    const start = clock.nowUs;
    flash.registers.write(CR, cr, 4, DEBUG);
    flash.registers.write(CR, (cr | FLASH_CR.STRT) >>> 0, 4, DEBUG);
    while (flash.registers.read(SR, 4, DEBUG) & FLASH_SR.BSY) clock.advance(1000);
    return clock.nowUs - start;
  };
  return { busyFor };
}

const psize = (bits: 8 | 16 | 32) => ({ 8: 0, 16: 1, 32: 2 })[bits] << 8;

describe('STM32F411 erase time follows the program/erase parallelism (PSIZE)', () => {
  it.each([
    [8, 400],
    [16, 300],
    [32, 250],
  ] as const)('a 16 KiB sector at ×%i takes %i ms typical', (bits, ms) => {
    const { busyFor } = stm32('typical');
    const took = busyFor(FLASH_CR.SER | (0 << 3) | psize(bits));
    expect(took).toBeGreaterThanOrEqual(ms * 1000);
    expect(took).toBeLessThan(ms * 1000 + 1000);
  });

  it('a 128 KiB sector at ×32 takes 1 s typical and 2 s worst case', () => {
    expect(stm32('typical').busyFor(FLASH_CR.SER | (5 << 3) | psize(32))).toBeLessThan(1_001_000);
    expect(stm32('worst').busyFor(FLASH_CR.SER | (5 << 3) | psize(32))).toBeGreaterThanOrEqual(2_000_000);
  });

  it('mass erase at ×32 takes 4 s typical, at ×8 twice that', () => {
    const x32 = stm32('typical').busyFor(FLASH_CR.MER | psize(32));
    const x8 = stm32('typical').busyFor(FLASH_CR.MER | psize(8));
    expect(x32).toBeGreaterThanOrEqual(4_000_000);
    expect(x32).toBeLessThan(4_001_000);
    expect(x8).toBeGreaterThanOrEqual(8_000_000);
  });
});

describe('nRF52833 NVMC timings by profile', () => {
  it('typical page erase is the measured 20 ms, worst case the 85 ms maximum', () => {
    expect(NRF52833_TIMINGS.typical.pageEraseUs).toBe(20_000);
    expect(NRF52833_TIMINGS.worst.pageEraseUs).toBe(85_000);
  });

  it('the simulated micro:bit V2 keeps READY low for the profile page erase time', async () => {
    for (const [latency, expectedUs] of [
      [{ usbRoundTripUs: 0, probeMaxSwdHz: 50_000_000, flashTimeScale: 1 }, 20_000],
      [{ usbRoundTripUs: 0, probeMaxSwdHz: 50_000_000, flashTimeScale: 1, flashTiming: 'worst' }, 85_000],
    ] as const) {
      const probe = createSimulatedMicrobit('v2', { latency: { ...latency } });
      const bus = probe.target.chip.bus;
      bus.write32(0x4001e504, 2, DEBUG); // CONFIG = erase enable
      const start = probe.clock.nowUs;
      bus.write32(0x4001e508, 0x1000, DEBUG); // ERASEPAGE page 1
      while (bus.read32(0x4001e400, DEBUG) === 0) probe.clock.advance(100);
      expect(probe.clock.nowUs - start).toBeGreaterThanOrEqual(expectedUs);
      expect(probe.clock.nowUs - start).toBeLessThan(expectedUs + 200);
    }
  });
});
