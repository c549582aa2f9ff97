import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock';
import { Stm32f1Rcc } from './stm32f1-rcc';

function rcc() {
  const clock = new VirtualClock();
  const hz: number[] = [];
  const device = new Stm32f1Rcc({ clock, hseHz: 8_000_000, setCoreHz: (h) => hz.push(h) });
  return { clock, hz, device };
}

const CR = 0x00;
const CFGR = 0x04;
const PLL_X16_HSI = (14 << 18) | (4 << 8);

describe('STM32F1 RCC (core clock)', () => {
  it('runs on HSI after reset; the PLL locks after its start-up time; SYSCLK switches only then', () => {
    const { clock, hz, device } = rcc();
    expect(device.read(CR, 4) & 0x3).toBe(0x3); // HSION, HSIRDY
    device.write(CFGR, PLL_X16_HSI, 4);
    device.write(CR, device.read(CR, 4) | (1 << 24), 4);
    expect(device.read(CR, 4) & (1 << 25)).toBe(0); // not locked yet
    expect(device.nextChangeUs()).toBe(clock.nowUs + 200);
    device.write(CFGR, PLL_X16_HSI | 2, 4); // too early: stays on HSI
    expect((device.read(CFGR, 4) >>> 2) & 3).toBe(0);
    expect(hz.at(-1)).toBe(8_000_000);
    clock.advanceTo(clock.nowUs + 200);
    expect(device.read(CR, 4) & (1 << 25)).not.toBe(0);
    expect(device.nextChangeUs()).toBe(Infinity);
    device.write(CFGR, PLL_X16_HSI | 2, 4);
    expect((device.read(CFGR, 4) >>> 2) & 3).toBe(2); // SWS = PLL
    expect(hz.at(-1)).toBe(64_000_000);
    device.write(CFGR, PLL_X16_HSI | 2 | (8 << 4), 4); // HPRE = SYSCLK / 2
    expect(hz.at(-1)).toBe(32_000_000);
  });

  it('keeps PLLMUL while the PLL runs and the PLL on while it is SYSCLK; reset restores 8 MHz', () => {
    const { clock, hz, device } = rcc();
    device.write(CFGR, PLL_X16_HSI, 4);
    device.write(CR, 0x83 | (1 << 24), 4);
    clock.advanceTo(clock.nowUs + 200);
    device.write(CFGR, (7 << 18) | 2, 4); // PLLMUL x9 ignored: the PLL runs
    expect(hz.at(-1)).toBe(64_000_000);
    device.write(CR, 0x83, 4); // PLLON cannot be cleared while the PLL is SYSCLK
    expect(device.read(CR, 4) & (1 << 24)).not.toBe(0);
    device.reset();
    expect(hz.at(-1)).toBe(8_000_000);
    expect(device.read(CFGR, 4)).toBe(0);
    expect(device.read(CR, 4) & (1 << 24)).toBe(0);
  });
});
