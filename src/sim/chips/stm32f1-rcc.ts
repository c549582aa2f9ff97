/**
 * The clock tree of an STM32F1 as far as it sets the core clock (RCC at 0x40021000, RM0008
 * §7.3): CR (HSION/HSIRDY, HSEON/HSERDY, PLLON/PLLRDY) and CFGR (SW/SWS, HPRE, PLLSRC,
 * PLLXTPRE, PLLMUL). SYSCLK is HSI (8 MHz), HSE (the board's crystal) or the PLL (HSI / 2 or
 * HSE, optionally / 2, times 2–16); HCLK, the core clock, is SYSCLK / HPRE. PLLRDY and HSERDY
 * follow PLLON / HSEON after their start-up times (datasheet: PLL lock 200 µs maximum; HSE
 * start-up 2 ms typical); a switch to a clock that is not ready is not done (SWS keeps the old
 * source), as on silicon. PLLMUL and PLLSRC are ignored while the PLL runs. The other RCC
 * registers are plain storage. A system reset restores HSI at 8 MHz.
 */
import type { VirtualClock } from '../clock';
import type { BusDevice } from '../cortex-m/bus';
import { RegisterFile } from './register-file';

/** Options for {@link Stm32f1Rcc}. */
export interface Stm32f1RccOptions {
  clock: VirtualClock;
  /** The board's HSE crystal in Hz (Blue Pill: 8 MHz). */
  hseHz: number;
  /** Called with the new core clock whenever HCLK changes. */
  setCoreHz(hz: number): void;
}

const HSI_HZ = 8_000_000;
const PLL_LOCK_US = 200;
const HSE_STARTUP_US = 2_000;
/** CR after reset: HSION, HSIRDY, HSITRIM = 16. */
const CR_RESET = 0x83;
const CR = { HSEON: 1 << 16, HSERDY: 1 << 17, PLLON: 1 << 24, PLLRDY: 1 << 25 } as const;
/** CFGR bits that are read-only (SWS) or ignored while the PLL runs (PLLSRC, PLLXTPRE, PLLMUL). */
const CFGR_SWS = 0xc;
const CFGR_PLL_FIELDS = 0x3f0000;
const AHB_DIVIDERS = [2, 4, 8, 16, 64, 128, 256, 512];

/** The RCC registers that set the core clock. */
export class Stm32f1Rcc implements BusDevice {
  private cr = CR_RESET;
  private cfgr = 0;
  private pllReadyAt = Infinity;
  private hseReadyAt = Infinity;
  private readonly others = new RegisterFile();

  constructor(private readonly options: Stm32f1RccOptions) {}

  read(offset: number, size: number): number {
    const aligned = offset & ~3;
    let word: number;
    if (aligned === 0x00) word = this.crValue();
    else if (aligned === 0x04) word = this.cfgr;
    else return this.others.read(offset, size);
    if (size === 4) return word >>> 0;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, value: number, size: number): void {
    const aligned = offset & ~3;
    if (aligned > 0x04 || size !== 4) {
      this.others.write(offset, value, size);
      return;
    }
    if (aligned === 0x00) this.writeCr(value >>> 0);
    else this.writeCfgr(value >>> 0);
  }

  /** PLLRDY and HSERDY rise by themselves after their start-up times. */
  nextChangeUs(): number {
    const now = this.options.clock.nowUs;
    return Math.min(
      this.pllReadyAt > now ? this.pllReadyAt : Infinity,
      this.hseReadyAt > now ? this.hseReadyAt : Infinity,
    );
  }

  /** System reset: HSI at 8 MHz, PLL and HSE off. */
  reset(): void {
    this.cr = CR_RESET;
    this.cfgr = 0;
    this.pllReadyAt = Infinity;
    this.hseReadyAt = Infinity;
    this.others.reset();
    this.options.setCoreHz(HSI_HZ);
  }

  private crValue(): number {
    const now = this.options.clock.nowUs;
    let cr = this.cr;
    if (now >= this.pllReadyAt) cr |= CR.PLLRDY;
    if (now >= this.hseReadyAt) cr |= CR.HSERDY;
    return cr;
  }

  private writeCr(value: number): void {
    const now = this.options.clock.nowUs;
    const pllOn = (value & CR.PLLON) !== 0;
    const hseOn = (value & CR.HSEON) !== 0;
    const selected = this.cfgr & 3;
    // The clock in use as SYSCLK (or feeding the PLL in use) cannot be switched off.
    if (!pllOn && selected === 2) value |= CR.PLLON;
    if (!hseOn && (selected === 1 || (selected === 2 && this.cfgr & (1 << 16)))) value |= CR.HSEON;
    if (value & CR.PLLON && this.pllReadyAt === Infinity) this.pllReadyAt = now + PLL_LOCK_US;
    if (!(value & CR.PLLON)) this.pllReadyAt = Infinity;
    if (value & CR.HSEON && this.hseReadyAt === Infinity) this.hseReadyAt = now + HSE_STARTUP_US;
    if (!(value & CR.HSEON)) this.hseReadyAt = Infinity;
    this.cr = ((value & 0x010d00f9) | 0x2) >>> 0; // HSIRDY stays set: HSI always runs here
  }

  private writeCfgr(value: number): void {
    const pllRunning = (this.cr & CR.PLLON) !== 0;
    const kept = pllRunning ? this.cfgr & CFGR_PLL_FIELDS : value & CFGR_PLL_FIELDS;
    let next = ((value & ~(CFGR_SWS | CFGR_PLL_FIELDS)) | kept) >>> 0;
    const cr = this.crValue();
    const wanted = next & 3;
    const ready =
      wanted === 0 || (wanted === 1 && (cr & CR.HSERDY) !== 0) || (wanted === 2 && (cr & CR.PLLRDY) !== 0);
    const source = ready ? wanted : (this.cfgr >>> 2) & 3;
    next = ((next & ~3) | source | (source << 2)) >>> 0;
    this.cfgr = next;
    this.options.setCoreHz(this.hclkHz());
  }

  private hclkHz(): number {
    const cfgr = this.cfgr;
    const source = (cfgr >>> 2) & 3;
    let sysclk = HSI_HZ;
    if (source === 1) sysclk = this.options.hseHz;
    if (source === 2) {
      const mul = Math.min(16, ((cfgr >>> 18) & 0xf) + 2);
      const input = cfgr & (1 << 16) ? this.options.hseHz / (cfgr & (1 << 17) ? 2 : 1) : HSI_HZ / 2;
      sysclk = input * mul;
    }
    const hpre = (cfgr >>> 4) & 0xf;
    return hpre < 8 ? sysclk : sysclk / AHB_DIVIDERS[hpre - 8];
  }
}
