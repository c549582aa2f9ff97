/**
 * The STM32F4 embedded flash interface (FLASH at 0x40023C00): ACR, KEYR (0x45670123 then
 * 0xCDEF89AB unlocks CR; a wrong key is a bus error and keeps CR locked until reset), OPTKEYR
 * (0x08192A3B, 0x4C5D6E7F), SR (EOP, OPERR, WRPERR, PGAERR, PGPERR, PGSERR, BSY), CR (PG,
 * SER, MER, SNB, PSIZE, STRT, EOPIE, ERRIE, LOCK) and OPTCR (RDP, nWRP). Programming needs
 * PG = 1 and an access size equal to PSIZE; a store without PG sets PGSERR and is ignored
 * (and counted). Reads of the array stall while BSY. Read-out protection level 1 forbids
 * flash access while a debugger is connected; setting RDP back to 0xAA mass-erases. Level 2
 * (RDP 0xCC) keeps that protection and freezes the option bytes; that it also disables the
 * debug port is not modeled.
 * Source: ST RM0383 (STM32F411) / RM0090 §3, reference notes flash-targets.md §4.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, DEBUG, type BusDevice, type Master } from '../cortex-m/bus';
import { FlashBusy } from './flash-timing';
import type { FlashCounters } from './nvmc';
import type { NorFlash } from './nor-flash';

/** SR bits. */
export const FLASH_SR = {
  EOP: 1 << 0,
  OPERR: 1 << 1,
  WRPERR: 1 << 4,
  PGAERR: 1 << 5,
  PGPERR: 1 << 6,
  PGSERR: 1 << 7,
  BSY: 1 << 16,
} as const;

/** CR bits. */
export const FLASH_CR = {
  PG: 1 << 0,
  SER: 1 << 1,
  MER: 1 << 2,
  STRT: 1 << 16,
  EOPIE: 1 << 24,
  ERRIE: 1 << 25,
  LOCK: 1 << 31,
} as const;

/** Flash error kinds a test can inject. */
export type Stm32FlashError = 'WRPERR' | 'PGAERR' | 'PGPERR' | 'PGSERR' | 'OPERR';

const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;
const OPTKEY1 = 0x08192a3b;
const OPTKEY2 = 0x4c5d6e7f;
const CR_WRITABLE = 0x8301037f;
const ERROR_BITS = FLASH_SR.OPERR | FLASH_SR.WRPERR | FLASH_SR.PGAERR | FLASH_SR.PGPERR | FLASH_SR.PGSERR;
/** Option byte defaults: RDP 0xAA (level 0), no write protection. */
export const OPTCR_DEFAULT = 0x0fffaaed;

/** Program/erase parallelism in bits, set by CR.PSIZE (×8, ×16, ×32, ×64). */
export type Stm32Parallelism = 8 | 16 | 32 | 64;

/** Operation durations in µs (`timing-profiles.ts`). */
export interface Stm32FlashTimings {
  /** One program operation (a byte, halfword or word, as PSIZE says). */
  programUs: number;
  /** Erase time of a sector of `size` bytes at a parallelism. */
  sectorEraseUs(size: number, parallelism: Stm32Parallelism): number;
  /** Mass erase time at a parallelism. */
  massEraseUs(parallelism: Stm32Parallelism): number;
}

/** Options for {@link Stm32f4Flash}. */
export interface Stm32f4FlashOptions {
  clock: VirtualClock;
  flash: NorFlash;
  /** Sector sizes in order from the start of flash. */
  sectorSizes: readonly number[];
  timings: Stm32FlashTimings;
  timeScale: number;
  /** True while a debugger is connected (debug domain powered up). */
  debuggerConnected: () => boolean;
  /** Option bytes (OPTCR value) the chip starts with. */
  optcr?: number;
}

/** The flash interface and its array. */
export class Stm32f4Flash implements FlashCounters {
  ignoredWrites = 0;
  ignoredErases = 0;
  /** Fault injection: the next program/erase fails with this SR error and changes nothing. */
  failNext: Stm32FlashError | undefined;
  private cr = FLASH_CR.LOCK >>> 0;
  private sr = 0;
  private acr = 0;
  private keyStep = 0;
  private lockedUntilReset = false;
  private optKeyStep = 0;
  private optLocked = true;
  /** OPTCR as written (takes effect on OPTSTRT). */
  private optcr: number;
  /** The option bytes in force. */
  private optionWord: number;
  private eopAt = -1;
  private readonly busy: FlashBusy;
  /** Bus device for the FLASH registers. */
  readonly registers: BusDevice;
  /** Bus device for the flash array (0x08000000, also aliased at 0). */
  readonly arrayPort: BusDevice;
  /** Read-only option bytes (0x1FFFC000). */
  readonly optionBytes: BusDevice;

  constructor(private readonly options: Stm32f4FlashOptions) {
    this.busy = new FlashBusy(options.clock, options.timeScale);
    this.optionWord = (options.optcr ?? OPTCR_DEFAULT) & 0x0fffffec;
    this.optcr = this.optionWord;
    this.registers = {
      read: (offset) => this.readRegister(offset & ~3),
      write: (offset, value, size) => this.writeRegister(offset & ~3, value >>> 0, size),
      // SR sets EOP when read after the operation's end: a change at that time too.
      nextChangeUs: () => Math.min(this.busy.nextChangeUs, this.eopAt >= 0 ? this.eopAt : Infinity),
    };
    this.arrayPort = {
      read: (offset, size, master) => this.readArray(offset, size, master),
      write: (offset, value, size, master) => this.program(offset, value, size, master),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => (this.flashBlocked ? 0 : this.busy.arrayNextChangeUs),
    };
    this.optionBytes = {
      read: (offset) => (offset < 8 ? this.optionWord & 0xffff : (this.optionWord >>> 16) & 0xfff),
      write: () => undefined,
      nextChangeUs: () => Infinity,
    };
  }

  /**
   * Read-out protection level 1 (RDP neither 0xAA nor 0xCC) or level 2 (0xCC, which keeps
   * level 1's protection and also turns debug off; RM0383 §3.6.3) is active.
   */
  get readProtected(): boolean {
    return this.rdp !== 0xaa;
  }

  private get rdp(): number {
    return (this.optionWord >>> 8) & 0xff;
  }

  /** System reset: CR locked again, SR cleared, option bytes reloaded. */
  reset(): void {
    this.cr = FLASH_CR.LOCK >>> 0;
    this.sr = 0;
    this.keyStep = 0;
    this.optKeyStep = 0;
    this.optLocked = true;
    this.lockedUntilReset = false;
    this.optcr = this.optionWord;
    this.busy.finish();
  }

  private get flashBlocked(): boolean {
    return this.readProtected && this.options.debuggerConnected();
  }

  private readArray(offset: number, size: number, master: Master): number {
    if (this.flashBlocked && master === DEBUG) throw BUS_FAULT;
    if (this.flashBlocked && master === CPU) throw BUS_FAULT;
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    return this.options.flash.read(offset, size);
  }

  private program(offset: number, value: number, size: number, master: Master): void {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    const cr = this.cr;
    if (
      (cr & FLASH_CR.PG) === 0 ||
      (cr & FLASH_CR.LOCK) !== 0 ||
      (cr & (FLASH_CR.SER | FLASH_CR.MER)) !== 0
    ) {
      this.fail(FLASH_SR.PGSERR);
      this.ignoredWrites++;
      return;
    }
    const psize = (cr >>> 8) & 3;
    if (psize === 3 || 1 << psize !== size) {
      this.fail(FLASH_SR.PGPERR);
      this.ignoredWrites++;
      return;
    }
    if ((offset & (size - 1)) !== 0) {
      this.fail(FLASH_SR.PGAERR);
      this.ignoredWrites++;
      return;
    }
    if (this.flashBlocked || this.sectorProtected(this.sectorOf(offset))) {
      this.fail(FLASH_SR.WRPERR);
      this.ignoredWrites++;
      return;
    }
    if (this.injectedFailure()) return;
    this.options.flash.program(offset, value, size);
    this.startOperation(this.options.timings.programUs);
  }

  private startOperation(durationUs: number): void {
    this.busy.start(durationUs);
    if (this.cr & FLASH_CR.EOPIE) this.eopAt = this.busy.busyUntil;
  }

  private fail(bit: number): void {
    this.sr |= bit;
    if (this.cr & FLASH_CR.ERRIE) this.sr |= FLASH_SR.OPERR;
  }

  private injectedFailure(): boolean {
    if (this.failNext === undefined) return false;
    this.fail(FLASH_SR[this.failNext]);
    this.failNext = undefined;
    return true;
  }

  private sectorOf(offset: number): number {
    let start = 0;
    const sizes = this.options.sectorSizes;
    for (let i = 0; i < sizes.length; i++) {
      if (offset < start + sizes[i]) return i;
      start += sizes[i];
    }
    return sizes.length;
  }

  private sectorProtected(sector: number): boolean {
    return ((this.optionWord >>> 16) & (1 << sector)) === 0; // nWRPi = 0: protected
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case 0x00:
        return this.acr;
      case 0x0c: {
        if (this.eopAt >= 0 && this.options.clock.nowUs >= this.eopAt) {
          this.sr |= FLASH_SR.EOP;
          this.eopAt = -1;
        }
        return (this.sr | (this.busy.busy ? FLASH_SR.BSY : 0)) >>> 0;
      }
      case 0x10:
        return (
          (this.cr | (this.busy.busy && this.cr & (FLASH_CR.SER | FLASH_CR.MER) ? FLASH_CR.STRT : 0)) >>> 0
        );
      case 0x14:
        return ((this.optcr & ~3) | (this.optLocked ? 1 : 0)) >>> 0;
      default:
        return 0;
    }
  }

  private writeRegister(offset: number, value: number, size: number): void {
    switch (offset) {
      case 0x00:
        this.acr = value & 0x1f0f;
        return;
      case 0x04:
        this.writeKey(value);
        return;
      case 0x08:
        this.writeOptKey(value);
        return;
      case 0x0c:
        this.sr &= ~(value & (ERROR_BITS | FLASH_SR.EOP));
        return;
      case 0x10:
        if (size === 4) this.writeCr(value);
        return;
      case 0x14:
        this.writeOptcr(value);
        return;
    }
  }

  private writeKey(value: number): void {
    if ((this.cr & FLASH_CR.LOCK) === 0) return; // already unlocked (modelling choice: ignored)
    if (!this.lockedUntilReset && this.keyStep === 0 && value === KEY1) {
      this.keyStep = 1;
      return;
    }
    if (!this.lockedUntilReset && this.keyStep === 1 && value === KEY2) {
      this.keyStep = 0;
      this.cr &= ~FLASH_CR.LOCK;
      return;
    }
    this.keyStep = 0;
    this.lockedUntilReset = true;
    throw BUS_FAULT; // a wrong sequence is a bus error and locks CR until reset
  }

  private writeOptKey(value: number): void {
    if (this.optKeyStep === 0 && value === OPTKEY1) this.optKeyStep = 1;
    else if (this.optKeyStep === 1 && value === OPTKEY2) {
      this.optKeyStep = 0;
      this.optLocked = false;
    } else {
      this.optKeyStep = 0;
      throw BUS_FAULT;
    }
  }

  private writeCr(value: number): void {
    if (this.cr & FLASH_CR.LOCK) return;
    this.cr = (value & CR_WRITABLE & ~FLASH_CR.STRT) >>> 0;
    if ((value & FLASH_CR.STRT) === 0) return;
    if (this.busy.busy) return;
    const ser = (value & FLASH_CR.SER) !== 0;
    const mer = (value & FLASH_CR.MER) !== 0;
    if (ser === mer || (value & FLASH_CR.PG) !== 0) {
      this.fail(FLASH_SR.PGSERR);
      this.ignoredErases++;
      return;
    }
    const { flash, sectorSizes, timings } = this.options;
    if (mer) {
      if (this.flashBlocked || sectorSizes.some((_, i) => this.sectorProtected(i))) {
        this.fail(FLASH_SR.WRPERR);
        return;
      }
      if (this.injectedFailure()) return;
      flash.erase(0, flash.size);
      this.startOperation(timings.massEraseUs(parallelism(value)));
      return;
    }
    const sector = (value >>> 3) & 0xf;
    if (sector >= sectorSizes.length || this.flashBlocked || this.sectorProtected(sector)) {
      this.fail(FLASH_SR.WRPERR);
      return;
    }
    if (this.injectedFailure()) return;
    const start = sectorSizes.slice(0, sector).reduce((a, b) => a + b, 0);
    flash.erase(start, sectorSizes[sector]);
    this.startOperation(timings.sectorEraseUs(sectorSizes[sector], parallelism(value)));
  }

  private writeOptcr(value: number): void {
    if (this.optLocked) return;
    if (value & 1) {
      this.optLocked = true;
      return;
    }
    this.optcr = (value & 0x0fffffec) >>> 0;
    if ((value & 2) === 0 || this.busy.busy) return;
    // Level 2 is irreversible: the option bytes can no longer be changed (RM0383 §3.6.3).
    if (this.rdp === 0xcc) return;
    const wasProtected = this.readProtected;
    this.optionWord = this.optcr;
    if (wasProtected && !this.readProtected) {
      // Regression from level 1 to level 0 mass-erases the flash (RM0383 §3.6.3).
      this.options.flash.erase(0, this.options.flash.size);
      this.busy.start(this.options.timings.massEraseUs(parallelism(this.cr)));
    } else {
      // Option bytes: RM0383 §3.6 gives no duration; modeled as programming their 4 words.
      this.busy.start(this.options.timings.programUs * 4);
    }
  }
}

/** The parallelism CR's PSIZE field (bits 9:8) selects. */
function parallelism(cr: number): Stm32Parallelism {
  return (8 << ((cr >>> 8) & 3)) as Stm32Parallelism;
}
