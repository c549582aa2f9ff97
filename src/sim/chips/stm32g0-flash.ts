/**
 * The STM32G0x1 embedded flash interface (FLASH at 0x40022000), single bank, after ST RM0444
 * ("Embedded Flash memory (FLASH)"): ACR, KEYR (0x45670123 then 0xCDEF89AB clears CR.LOCK; a
 * wrong key is a bus error and keeps CR locked until reset), OPTKEYR (0x08192A3B, 0x4C5D6E7F
 * clears CR.OPTLOCK; a wrong key is a bus error and keeps the option registers locked until
 * reset; setting LOCK sets OPTLOCK too), SR (EOP, OPERR, PROGERR, WRPERR, PGAERR, SIZERR,
 * PGSERR, MISSERR, FASTERR, OPTVERR, BSY1, CFGBSY) and CR (PG, PER, MER1, PNB, STRT, OPTSTRT,
 * FSTPG, EOPIE, ERRIE, OBL_LAUNCH, OPTLOCK, LOCK), the option registers
 * OPTR/PCROP1A/WRP1A/WRP1B/PCROP1B/SECR.
 *
 * - The array is 72-bit cells (64 data + 8 ECC bits): standard programming is a double word,
 *   two 32-bit stores, the first at a double-word-aligned address and the second at the next
 *   word; the second store starts the operation (BSY1 and CFGBSY from the first store until it
 *   ends). A byte or halfword store is SIZERR, a store outside the double word being filled
 *   PGAERR, a store without PG (or while PER/MER1 is set) PGSERR, a double word that is not
 *   erased PROGERR (unless the new value is all zeros), a page in a WRP area WRPERR. While an
 *   error flag from earlier is still set a new program or erase is refused with PGSERR.
 * - Page erase (PER, PNB, STRT) of a 2 KiB page, mass erase (MER1, STRT) of the main array;
 *   OPTSTRT programs the option bytes from the option registers into the option area at
 *   0x1FFF7800 (value and complement words), OBL_LAUNCH reloads them with a system reset.
 * - Read-out protection level 1 (OPTR.RDP neither 0xAA nor 0xCC) forbids access to the main
 *   array while a debugger is connected; going back to level 0 mass-erases the main array.
 * - An access to the array while BSY1 stalls the bus until the operation ends.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, DEBUG, type BusDevice, type Master } from '../cortex-m/bus';
import { FlashBusy } from './flash-timing';
import type { FlashCounters } from './nvmc';
import type { NorFlash } from './nor-flash';

/** SR bits (RM0444 FLASH_SR). */
export const G0_FLASH_SR = {
  EOP: 1 << 0,
  OPERR: 1 << 1,
  PROGERR: 1 << 3,
  WRPERR: 1 << 4,
  PGAERR: 1 << 5,
  SIZERR: 1 << 6,
  PGSERR: 1 << 7,
  MISSERR: 1 << 8,
  FASTERR: 1 << 9,
  RDERR: 1 << 14,
  OPTVERR: 1 << 15,
  BSY1: 1 << 16,
  CFGBSY: 1 << 18,
} as const;

/** CR bits (RM0444 FLASH_CR). */
export const G0_FLASH_CR = {
  PG: 1 << 0,
  PER: 1 << 1,
  MER1: 1 << 2,
  STRT: 1 << 16,
  OPTSTRT: 1 << 17,
  FSTPG: 1 << 18,
  EOPIE: 1 << 24,
  ERRIE: 1 << 25,
  OBL_LAUNCH: 1 << 27,
  OPTLOCK: 1 << 30,
  LOCK: 1 << 31,
} as const;

/** Flash error kinds a test can inject. */
export type Stm32g0FlashError = 'PROGERR' | 'WRPERR' | 'PGAERR' | 'SIZERR' | 'PGSERR' | 'OPERR';

const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;
const OPTKEY1 = 0x08192a3b;
const OPTKEY2 = 0x4c5d6e7f;
/** Error flags that make the next program/erase fail with PGSERR until cleared. */
const PROGRAM_ERRORS =
  G0_FLASH_SR.PROGERR |
  G0_FLASH_SR.WRPERR |
  G0_FLASH_SR.PGAERR |
  G0_FLASH_SR.SIZERR |
  G0_FLASH_SR.PGSERR |
  G0_FLASH_SR.MISSERR |
  G0_FLASH_SR.FASTERR;
/** SR bits cleared by writing 1. */
const SR_W1C = PROGRAM_ERRORS | G0_FLASH_SR.EOP | G0_FLASH_SR.OPERR | G0_FLASH_SR.RDERR | G0_FLASH_SR.OPTVERR;
/** CR bits software can write (PNB 9:3 included). */
const CR_WRITABLE = 0xcf0703ff;
/** Page size of the STM32G0 main array. */
export const G0_PAGE_SIZE = 2048;

/** The option registers (offset in FLASH → offset of the value word in the option area). */
const OPTION_SLOTS: readonly [number, number][] = [
  [0x20, 0x00], // OPTR (user options and RDP)
  [0x24, 0x08], // PCROP1ASR
  [0x28, 0x10], // PCROP1AER
  [0x2c, 0x18], // WRP1AR
  [0x30, 0x20], // WRP1BR
  [0x34, 0x28], // PCROP1BSR
  [0x38, 0x30], // PCROP1BER
  [0x80, 0x70], // SECR
];

/**
 * Factory option bytes of an STM32G071 as ST ships it: OPTR 0xDFFFE1AA (RDP level 0, boot from
 * main flash), PCROP and WRP areas empty (start above end), no secure area.
 */
export const G0_OPTION_DEFAULTS: ReadonlyMap<number, number> = new Map([
  [0x20, 0xdfffe1aa],
  [0x24, 0x000000ff],
  [0x28, 0x00000000],
  [0x2c, 0x000000ff],
  [0x30, 0x000000ff],
  [0x34, 0x000000ff],
  [0x38, 0x00000000],
  [0x80, 0x00000000],
]);

/** Operation durations in µs (`timing-profiles.ts`). */
export interface Stm32g0FlashTimings {
  /** One 64-bit double word. */
  doubleWordUs: number;
  /** One 2 KiB page. */
  pageEraseUs: number;
  /** Mass erase of the main array. */
  massEraseUs: number;
}

/** Options for {@link Stm32g0Flash}. */
export interface Stm32g0FlashOptions {
  clock: VirtualClock;
  flash: NorFlash;
  timings: Stm32g0FlashTimings;
  timeScale: number;
  /** True while a debugger is connected (debug domain powered up). */
  debuggerConnected: () => boolean;
  /** The option bytes the chip starts with (register offset → value); defaults above. */
  options?: ReadonlyMap<number, number>;
  /** Requests a system reset (OBL_LAUNCH). */
  systemReset?: () => void;
}

/** The flash interface, its main array and its option area. */
export class Stm32g0Flash implements FlashCounters {
  ignoredWrites = 0;
  ignoredErases = 0;
  /** Fault injection: the next program/erase fails with this SR error and changes nothing. */
  failNext: Stm32g0FlashError | undefined;
  private cr = (G0_FLASH_CR.LOCK | G0_FLASH_CR.OPTLOCK) >>> 0;
  private sr = 0;
  private acr = 0x00040600;
  private keyStep = 0;
  private lockedUntilReset = false;
  private optLockedUntilReset = false;
  private optKeyStep = 0;
  /** First word of the double word being programmed: its offset, or -1. */
  private pendingOffset = -1;
  private pendingWord = 0;
  private eopAt = -1;
  /** The option registers as written (programmed by OPTSTRT). */
  private readonly optionRegisters = new Map<number, number>();
  /** The option bytes stored in the option area (value words, by register offset). */
  private readonly storedOptions = new Map<number, number>();
  /** The option bytes in force (loaded at reset / OBL_LAUNCH). */
  private readonly loadedOptions = new Map<number, number>();
  private readonly busy: FlashBusy;
  private readonly pageCount: number;
  /** Bus device for the FLASH registers. */
  readonly registers: BusDevice;
  /** Bus device for the main array (0x08000000, also aliased at 0). */
  readonly arrayPort: BusDevice;
  /** Bus device for the option area (0x1FFF7800, 128 bytes: value, complement per slot). */
  readonly optionArea: BusDevice;

  constructor(private readonly options: Stm32g0FlashOptions) {
    this.busy = new FlashBusy(options.clock, options.timeScale);
    this.pageCount = options.flash.size / G0_PAGE_SIZE;
    for (const [offset] of OPTION_SLOTS) {
      const value = options.options?.get(offset) ?? G0_OPTION_DEFAULTS.get(offset) ?? 0;
      this.storedOptions.set(offset, value >>> 0);
    }
    this.loadOptions();
    this.registers = {
      read: (offset) => this.readRegister(offset & ~3),
      write: (offset, value, size) => this.writeRegister(offset & ~3, value >>> 0, size),
      nextChangeUs: () => Math.min(this.busy.nextChangeUs, this.eopAt >= 0 ? this.eopAt : Infinity),
    };
    this.arrayPort = {
      read: (offset, size, master) => this.readArray(offset, size, master),
      write: (offset, value, size, master) => this.program(offset, value >>> 0, size, master),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => (this.flashBlocked ? 0 : this.busy.arrayNextChangeUs),
    };
    this.optionArea = {
      read: (offset, size) => this.readOptionArea(offset, size),
      write: () => {
        throw BUS_FAULT; // the option area is programmed through the registers only
      },
      nextChangeUs: () => this.busy.arrayNextChangeUs,
    };
  }

  /** Read-out protection level 1 (RDP neither 0xAA nor 0xCC) or level 2 (0xCC) is in force. */
  get readProtected(): boolean {
    const rdp = (this.loadedOptions.get(0x20) ?? 0xaa) & 0xff;
    return rdp !== 0xaa;
  }

  /** System reset: CR locked again, SR cleared, option bytes reloaded. */
  reset(): void {
    this.cr = (G0_FLASH_CR.LOCK | G0_FLASH_CR.OPTLOCK) >>> 0;
    this.sr = 0;
    this.keyStep = 0;
    this.optKeyStep = 0;
    this.lockedUntilReset = false;
    this.optLockedUntilReset = false;
    this.pendingOffset = -1;
    this.eopAt = -1;
    this.busy.finish();
    this.loadOptions();
  }

  private loadOptions(): void {
    for (const [offset, value] of this.storedOptions) {
      this.loadedOptions.set(offset, value);
      this.optionRegisters.set(offset, value);
    }
  }

  private get flashBlocked(): boolean {
    return this.readProtected && this.options.debuggerConnected();
  }

  private readArray(offset: number, size: number, master: Master): number {
    if (this.flashBlocked && (master === DEBUG || master === CPU)) throw BUS_FAULT;
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    return this.options.flash.read(offset, size);
  }

  private readOptionArea(offset: number, size: number): number {
    const slot = OPTION_SLOTS.find(([, at]) => at === (offset & ~7));
    let word = 0xffffffff;
    if (slot !== undefined) {
      const value = this.storedOptions.get(slot[0]) ?? 0;
      word = (offset & 4) === 0 ? value : ~value;
    }
    word >>>= 0;
    if (size === 4) return word;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  private program(offset: number, value: number, size: number, master: Master): void {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    const cr = this.cr;
    const programming = (cr & (G0_FLASH_CR.PG | G0_FLASH_CR.FSTPG)) !== 0;
    if (
      !programming ||
      (cr & G0_FLASH_CR.LOCK) !== 0 ||
      (cr & (G0_FLASH_CR.PER | G0_FLASH_CR.MER1)) !== 0 ||
      (this.sr & PROGRAM_ERRORS) !== 0
    ) {
      this.refuseWrite(G0_FLASH_SR.PGSERR);
      return;
    }
    if (size !== 4) {
      this.refuseWrite(G0_FLASH_SR.SIZERR);
      return;
    }
    if (this.pendingOffset < 0) {
      if ((offset & 7) !== 0) {
        this.refuseWrite(G0_FLASH_SR.PGAERR);
        return;
      }
      this.pendingOffset = offset;
      this.pendingWord = value;
      return; // CFGBSY until the second word arrives
    }
    const first = this.pendingOffset;
    this.pendingOffset = -1;
    if (offset !== first + 4) {
      this.refuseWrite(G0_FLASH_SR.PGAERR);
      return;
    }
    const flash = this.options.flash;
    if (this.flashBlocked || this.pageProtected(Math.floor(first / G0_PAGE_SIZE))) {
      this.refuseWrite(G0_FLASH_SR.WRPERR);
      return;
    }
    const erased = flash.read(first, 4) === 0xffffffff && flash.read(first + 4, 4) === 0xffffffff;
    if (!erased && !(this.pendingWord === 0 && value === 0)) {
      this.refuseWrite(G0_FLASH_SR.PROGERR);
      return;
    }
    if (this.injectedFailure()) return;
    flash.program(first, this.pendingWord, 4);
    flash.program(first + 4, value, 4);
    this.startOperation(this.options.timings.doubleWordUs);
  }

  private refuseWrite(bit: number): void {
    this.pendingOffset = -1;
    this.fail(bit);
    this.ignoredWrites++;
  }

  private startOperation(durationUs: number): void {
    this.busy.start(durationUs);
    if (this.cr & G0_FLASH_CR.EOPIE) this.eopAt = this.busy.busyUntil;
  }

  private fail(bit: number): void {
    this.sr |= bit;
  }

  private injectedFailure(): boolean {
    if (this.failNext === undefined) return false;
    this.fail(G0_FLASH_SR[this.failNext]);
    this.failNext = undefined;
    return true;
  }

  /** True when `page` lies in the WRP1A or WRP1B area in force. */
  private pageProtected(page: number): boolean {
    for (const offset of [0x2c, 0x30]) {
      const wrp = this.loadedOptions.get(offset) ?? 0xff;
      const start = wrp & 0x7f;
      const end = (wrp >>> 16) & 0x7f;
      if (start <= end && page >= start && page <= end) return true;
    }
    return false;
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case 0x00:
        return this.acr;
      case 0x10: {
        if (this.eopAt >= 0 && this.options.clock.nowUs >= this.eopAt) {
          this.sr |= G0_FLASH_SR.EOP;
          this.eopAt = -1;
        }
        const busy = this.busy.busy ? G0_FLASH_SR.BSY1 | G0_FLASH_SR.CFGBSY : 0;
        const configuring = this.pendingOffset >= 0 ? G0_FLASH_SR.CFGBSY : 0;
        return (this.sr | busy | configuring) >>> 0;
      }
      case 0x14: {
        const running = this.busy.busy && (this.cr & (G0_FLASH_CR.PER | G0_FLASH_CR.MER1)) !== 0;
        return (this.cr | (running ? G0_FLASH_CR.STRT : 0)) >>> 0;
      }
      case 0x18:
        return 0; // ECCR: no ECC error ever detected
      default:
        return this.optionRegisters.get(offset) ?? 0;
    }
  }

  private writeRegister(offset: number, value: number, size: number): void {
    switch (offset) {
      case 0x00:
        this.acr = value & 0x00070707;
        return;
      case 0x08:
        this.writeKey(value);
        return;
      case 0x0c:
        this.writeOptKey(value);
        return;
      case 0x10:
        this.sr &= ~(value & SR_W1C);
        return;
      case 0x14:
        if (size === 4) this.writeCr(value);
        return;
      default:
        if (this.optionRegisters.has(offset) && (this.cr & G0_FLASH_CR.OPTLOCK) === 0)
          this.optionRegisters.set(offset, value);
    }
  }

  private writeKey(value: number): void {
    if ((this.cr & G0_FLASH_CR.LOCK) === 0) return; // already unlocked (modelling choice: ignored)
    if (!this.lockedUntilReset && this.keyStep === 0 && value === KEY1) {
      this.keyStep = 1;
      return;
    }
    if (!this.lockedUntilReset && this.keyStep === 1 && value === KEY2) {
      this.keyStep = 0;
      this.cr &= ~G0_FLASH_CR.LOCK;
      return;
    }
    this.keyStep = 0;
    this.lockedUntilReset = true;
    throw BUS_FAULT; // a wrong sequence is a bus error and locks CR until reset
  }

  private writeOptKey(value: number): void {
    if ((this.cr & G0_FLASH_CR.LOCK) !== 0 || this.optLockedUntilReset) {
      this.optKeyStep = 0;
      throw BUS_FAULT; // OPTLOCK can only be cleared once CR is unlocked
    }
    if (this.optKeyStep === 0 && value === OPTKEY1) this.optKeyStep = 1;
    else if (this.optKeyStep === 1 && value === OPTKEY2) {
      this.optKeyStep = 0;
      this.cr &= ~G0_FLASH_CR.OPTLOCK;
    } else {
      // RM0444 "Option bytes programming": a wrong sequence locks the option registers
      // (OPTLOCK), not CR, until the next system reset.
      this.optKeyStep = 0;
      this.optLockedUntilReset = true;
      this.cr |= G0_FLASH_CR.OPTLOCK;
      throw BUS_FAULT;
    }
  }

  private writeCr(value: number): void {
    if (this.cr & G0_FLASH_CR.LOCK) return;
    if (value & G0_FLASH_CR.OBL_LAUNCH) {
      this.options.systemReset?.();
      return;
    }
    // LOCK and OPTLOCK can be set by software but only cleared by the key sequences; setting
    // LOCK sets OPTLOCK as well (RM0444 "Option bytes programming").
    const keep = this.cr & (G0_FLASH_CR.OPTLOCK | G0_FLASH_CR.LOCK);
    const lock = value & G0_FLASH_CR.LOCK ? G0_FLASH_CR.OPTLOCK : 0;
    this.cr = ((value & CR_WRITABLE & ~(G0_FLASH_CR.STRT | G0_FLASH_CR.OPTSTRT)) | keep | lock) >>> 0;
    if (this.busy.busy) return;
    if (value & G0_FLASH_CR.OPTSTRT) {
      this.startOptionProgramming();
      return;
    }
    if ((value & G0_FLASH_CR.STRT) === 0) return;
    const per = (value & G0_FLASH_CR.PER) !== 0;
    const mer = (value & G0_FLASH_CR.MER1) !== 0;
    if (per === mer || (value & G0_FLASH_CR.PG) !== 0 || (this.sr & PROGRAM_ERRORS) !== 0) {
      this.fail(G0_FLASH_SR.PGSERR);
      this.ignoredErases++;
      return;
    }
    const { flash, timings } = this.options;
    if (mer) {
      if (this.flashBlocked || this.anyPageProtected()) {
        this.fail(G0_FLASH_SR.WRPERR);
        return;
      }
      if (this.injectedFailure()) return;
      flash.erase(0, flash.size);
      this.startOperation(timings.massEraseUs);
      return;
    }
    const page = (value >>> 3) & 0x7f;
    if (page >= this.pageCount) {
      // RM0444 leaves a page number beyond the array undefined; modeled as a refused erase.
      this.fail(G0_FLASH_SR.PGSERR);
      this.ignoredErases++;
      return;
    }
    if (this.flashBlocked || this.pageProtected(page)) {
      this.fail(G0_FLASH_SR.WRPERR);
      return;
    }
    if (this.injectedFailure()) return;
    flash.erase(page * G0_PAGE_SIZE, G0_PAGE_SIZE);
    this.startOperation(timings.pageEraseUs);
  }

  private anyPageProtected(): boolean {
    for (let page = 0; page < this.pageCount; page++) if (this.pageProtected(page)) return true;
    return false;
  }

  /** OPTSTRT: the option registers go to the option area (they load at the next reset). */
  private startOptionProgramming(): void {
    if ((this.cr & G0_FLASH_CR.OPTLOCK) !== 0 || (this.sr & PROGRAM_ERRORS) !== 0) {
      this.fail(G0_FLASH_SR.PGSERR);
      return;
    }
    const wasProtected = this.readProtected;
    for (const [offset, value] of this.optionRegisters) this.storedOptions.set(offset, value >>> 0);
    const rdp = (this.storedOptions.get(0x20) ?? 0xaa) & 0xff;
    if (wasProtected && rdp === 0xaa) {
      // Regression from level 1 to level 0 erases the main array (RM0444 "Read protection").
      this.options.flash.erase(0, this.options.flash.size);
      this.loadOptions();
      this.startOperation(this.options.timings.massEraseUs);
      return;
    }
    // RM0444 gives no duration for option programming: modeled as erasing the option page
    // and programming its double words.
    const { timings } = this.options;
    this.startOperation(timings.pageEraseUs + OPTION_SLOTS.length * timings.doubleWordUs);
  }
}
