/**
 * The STM32F1 flash program/erase controller (FPEC, FLASH at 0x40022000) and its option bytes,
 * after ST PM0075 (STM32F10xxx flash programming manual) and RM0008 §3:
 * - ACR (0x00), KEYR (0x04: 0x45670123 then 0xCDEF89AB clears CR.LOCK; a wrong key is a bus
 *   error and keeps the FPEC locked until reset), OPTKEYR (0x08: the same two keys set
 *   CR.OPTWRE), SR (0x0C: BSY, PGERR, WRPRTERR, EOP; the last three cleared by writing 1),
 *   CR (0x10: PG, PER, MER, OPTPG, OPTER, STRT, LOCK, OPTWRE, ERRIE, EOPIE), AR (0x14: page
 *   address for PER), OBR (0x1C) and WRPR (0x20), the option bytes loaded at reset.
 * - Main flash is programmed a half-word at a time with PG = 1; any other access size is a bus
 *   error. A half-word that is not erased (0xFFFF) is not programmed and sets PGERR, except
 *   that 0x0000 may always be written. Write-protected pages (WRPR bit = 0; one bit per 4 KiB,
 *   the last bit covering the rest of a larger flash) set WRPRTERR. A store without PG is ignored
 *   (and counted). EOP is set when an operation ends.
 * - Page erase (PER, AR, STRT), mass erase (MER, STRT); option byte erase (OPTER, STRT) and
 *   programming (OPTPG, half-words at 0x1FFFF800–0x1FFFF80F, the complement byte computed by the
 *   FPEC) need OPTWRE.
 * - Read-out protection (RDP ≠ 0xA5 at reset): while a debugger is connected the main flash
 *   cannot be read, programmed or page-erased by anyone (bus error / WRPRTERR); the first 4 KiB
 *   (pages 0–3, or 0–1 with 2 KiB pages) are write-protected; a mass erase is allowed.
 *   Programming RDP = 0xA5 while protection is in force first mass-erases the main flash; the
 *   new RDP takes effect at the next reset.
 * - Reads of the array stall while BSY (the debugger's MEM-AP answers WAIT).
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, DEBUG, type BusDevice, type Master } from '../cortex-m/bus';
import { FlashBusy } from './flash-timing';
import type { NorFlash } from './nor-flash';
import type { FlashCounters } from './nvmc';

/** SR bits. */
export const F1_FLASH_SR = {
  BSY: 1 << 0,
  PGERR: 1 << 2,
  WRPRTERR: 1 << 4,
  EOP: 1 << 5,
} as const;

/** CR bits. */
export const F1_FLASH_CR = {
  PG: 1 << 0,
  PER: 1 << 1,
  MER: 1 << 2,
  OPTPG: 1 << 4,
  OPTER: 1 << 5,
  STRT: 1 << 6,
  LOCK: 1 << 7,
  OPTWRE: 1 << 9,
  ERRIE: 1 << 10,
  EOPIE: 1 << 12,
} as const;

/** Flash error kinds a test can inject. */
export type Stm32f1FlashError = 'PGERR' | 'WRPRTERR';

/** Operation durations in µs (`timing-profiles.ts`). */
export interface Stm32f1FlashTimings {
  /** One half-word program (tPROG). */
  programUs: number;
  /** One page erase (tERASE). */
  pageEraseUs: number;
  /** Mass erase (tME). */
  massEraseUs: number;
}

/** Options for {@link Stm32f1Flash}. */
export interface Stm32f1FlashOptions {
  clock: VirtualClock;
  flash: NorFlash;
  /** The 16 bytes of option bytes (RDP, USER, Data0, Data1, WRP0–3, each with its complement). */
  optionBytes: NorFlash;
  pageSize: number;
  timings: Stm32f1FlashTimings;
  timeScale: number;
  /** True while a debugger is connected (debug domain powered up). */
  debuggerConnected: () => boolean;
}

const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;
/** CR bits software can write (STRT acts, is not stored; OPTWRE can only be cleared). */
const CR_WRITABLE = 0x14b7;
const WRP_GRANULE = 4 * 1024;
/** Bytes at the start of main flash that read-out protection write-protects. */
const RDP_WRITE_PROTECTED = 4 * 1024;
/** RDP value that disables read-out protection. */
export const RDP_UNPROTECTED = 0xa5;

/** Option bytes as the factory leaves them: RDP 0xA5, USER 0xFF, no write protection. */
export function defaultOptionBytes(readProtected = false): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const value = i === 0 ? (readProtected ? 0x00 : RDP_UNPROTECTED) : 0xff;
    bytes[2 * i] = value;
    bytes[2 * i + 1] = ~value & 0xff;
  }
  return bytes;
}

/** The FPEC and the flash arrays behind it. */
export class Stm32f1Flash implements FlashCounters {
  ignoredWrites = 0;
  ignoredErases = 0;
  /** Fault injection: the next program/erase fails with this SR error and changes nothing. */
  failNext: Stm32f1FlashError | undefined;
  private cr = F1_FLASH_CR.LOCK;
  private sr = 0;
  private acr = 0x30;
  private ar = 0;
  private keyStep = 0;
  private optKeyStep = 0;
  private lockedUntilReset = false;
  private obr = 0;
  private wrpr = 0xffffffff;
  private eopAt = -1;
  private readonly busy: FlashBusy;
  /** Bus device for the FLASH registers (0x40022000). */
  readonly registers: BusDevice;
  /** Bus device for the main flash (0x08000000, also aliased at 0). */
  readonly arrayPort: BusDevice;
  /** Bus device for the option bytes (0x1FFFF800, 16 bytes). */
  readonly optionPort: BusDevice;

  constructor(private readonly options: Stm32f1FlashOptions) {
    this.busy = new FlashBusy(options.clock, options.timeScale);
    this.registers = {
      read: (offset, size) => sized(this.readRegister(offset & ~3), offset, size),
      write: (offset, value, size) => this.writeRegister(offset & ~3, value >>> 0, size),
      nextChangeUs: () => Math.min(this.busy.nextChangeUs, this.eopAt >= 0 ? this.eopAt : Infinity),
    };
    this.arrayPort = {
      read: (offset, size, master) => this.readArray(offset, size, master),
      write: (offset, value, size, master) => this.program(offset, value, size, master),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => (this.flashBlocked ? 0 : this.busy.arrayNextChangeUs),
    };
    this.optionPort = {
      read: (offset, size, master) => {
        if (master === CPU && this.busy.busy) this.busy.stallCpu();
        return options.optionBytes.read(offset, size);
      },
      write: (offset, value, size, master) => this.programOption(offset, value, size, master),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => this.busy.arrayNextChangeUs,
    };
    this.loadOptionBytes();
  }

  /** Read-out protection is in force (RDP was not 0xA5 at the last reset). */
  get readProtected(): boolean {
    return (this.obr & 2) !== 0;
  }

  /** System reset: FPEC locked, SR cleared, option bytes reloaded. */
  reset(): void {
    this.cr = F1_FLASH_CR.LOCK;
    this.sr = 0;
    this.keyStep = 0;
    this.optKeyStep = 0;
    this.lockedUntilReset = false;
    this.eopAt = -1;
    this.busy.finish();
    this.loadOptionBytes();
  }

  /** OBR and WRPR from the option bytes; a byte whose complement does not match reads 0xFF. */
  private loadOptionBytes(): void {
    const raw = this.options.optionBytes;
    let optErr = 0;
    const byte = (i: number): number => {
      const value = raw.read(2 * i, 1);
      const complement = raw.read(2 * i + 1, 1);
      if ((value ^ complement) !== 0xff) {
        optErr = 1;
        return 0xff;
      }
      return value;
    };
    const rdp = byte(0);
    const user = byte(1);
    const data0 = byte(2);
    const data1 = byte(3);
    this.wrpr = (byte(4) | (byte(5) << 8) | (byte(6) << 16) | (byte(7) << 24)) >>> 0;
    this.obr =
      (optErr | (rdp !== RDP_UNPROTECTED ? 2 : 0) | ((user & 0xff) << 2) | (data0 << 10) | (data1 << 18)) >>>
      0;
  }

  private get flashBlocked(): boolean {
    return this.readProtected && this.options.debuggerConnected();
  }

  private readArray(offset: number, size: number, master: Master): number {
    if (this.flashBlocked && (master === DEBUG || master === CPU)) throw BUS_FAULT;
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    return this.options.flash.read(offset, size);
  }

  private pageProtected(offset: number): boolean {
    if (this.flashBlocked) return true;
    // Read protection write-protects the first 4 KiB: pages 0–3 of a 1 KiB-page part, pages
    // 0–1 of a 2 KiB-page (high-density) part (PM0075 §2.4.1).
    if (this.readProtected && offset < RDP_WRITE_PROTECTED) return true;
    const bit = Math.min(31, Math.floor(offset / WRP_GRANULE));
    return (this.wrpr & (1 << bit)) === 0;
  }

  private program(offset: number, value: number, size: number, master: Master): void {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    if ((this.cr & F1_FLASH_CR.PG) === 0 || (this.cr & F1_FLASH_CR.LOCK) !== 0) {
      this.ignoredWrites++;
      return;
    }
    if (size !== 2) {
      this.ignoredWrites++;
      throw BUS_FAULT; // only half-word writes program the main flash
    }
    if (this.busy.busy) this.busy.stallCpu(); // a debugger's write waits too
    const { flash, timings } = this.options;
    if (this.pageProtected(offset)) {
      this.fail(F1_FLASH_SR.WRPRTERR);
      return;
    }
    const half = value & 0xffff;
    if (flash.read(offset, 2) !== 0xffff && half !== 0) {
      this.fail(F1_FLASH_SR.PGERR);
      return;
    }
    if (this.injectedFailure()) return;
    flash.program(offset, half, 2);
    this.startOperation(timings.programUs);
  }

  private programOption(offset: number, value: number, size: number, master: Master): void {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    const cr = this.cr;
    if ((cr & F1_FLASH_CR.OPTPG) === 0 || (cr & F1_FLASH_CR.OPTWRE) === 0 || (cr & F1_FLASH_CR.LOCK) !== 0) {
      this.ignoredWrites++;
      return;
    }
    if (size !== 2) {
      this.ignoredWrites++;
      throw BUS_FAULT;
    }
    if (this.busy.busy) this.busy.stallCpu();
    const bytes = this.options.optionBytes;
    if (bytes.read(offset & ~1, 2) !== 0xffff) {
      this.fail(F1_FLASH_SR.PGERR);
      return;
    }
    if (this.injectedFailure()) return;
    const low = value & 0xff;
    let durationUs = this.options.timings.programUs;
    if ((offset & ~1) === 0 && low === RDP_UNPROTECTED && this.readProtected) {
      // Removing read protection first mass-erases the main flash (PM0075 §2.4.1).
      this.options.flash.erase(0, this.options.flash.size);
      durationUs += this.options.timings.massEraseUs;
    }
    bytes.program(offset & ~1, low | ((~low & 0xff) << 8), 2);
    this.startOperation(durationUs);
  }

  private startOperation(durationUs: number): void {
    this.busy.start(durationUs);
    this.eopAt = this.busy.busyUntil;
  }

  private fail(bit: number): void {
    this.sr |= bit;
  }

  private injectedFailure(): boolean {
    if (this.failNext === undefined) return false;
    this.fail(F1_FLASH_SR[this.failNext]);
    this.failNext = undefined;
    return true;
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case 0x00:
        return this.acr;
      case 0x0c:
        if (this.eopAt >= 0 && this.options.clock.nowUs >= this.eopAt) {
          this.sr |= F1_FLASH_SR.EOP;
          this.eopAt = -1;
        }
        return this.sr | (this.busy.busy ? F1_FLASH_SR.BSY : 0);
      case 0x10:
        return this.cr;
      case 0x14:
        return this.ar;
      case 0x1c:
        return this.obr;
      case 0x20:
        return this.wrpr;
      default:
        return 0;
    }
  }

  private writeRegister(offset: number, value: number, size: number): void {
    switch (offset) {
      case 0x00:
        this.acr = (this.acr & 0x20) | (value & 0x1f) | ((value & 0x10) !== 0 ? 0x20 : 0);
        return;
      case 0x04:
        this.writeKey(value);
        return;
      case 0x08:
        this.writeOptKey(value);
        return;
      case 0x0c:
        this.sr &= ~(value & (F1_FLASH_SR.PGERR | F1_FLASH_SR.WRPRTERR | F1_FLASH_SR.EOP));
        return;
      case 0x10:
        if (size === 4) this.writeCr(value);
        return;
      case 0x14:
        if ((this.cr & F1_FLASH_CR.LOCK) === 0 && !this.busy.busy) this.ar = value;
        return;
    }
  }

  private writeKey(value: number): void {
    if (!this.lockedUntilReset && this.keyStep === 0 && value === KEY1) {
      this.keyStep = 1;
      return;
    }
    if (!this.lockedUntilReset && this.keyStep === 1 && value === KEY2) {
      this.keyStep = 0;
      this.cr &= ~F1_FLASH_CR.LOCK;
      return;
    }
    this.keyStep = 0;
    this.lockedUntilReset = true;
    this.cr |= F1_FLASH_CR.LOCK;
    throw BUS_FAULT; // a wrong sequence is a bus error and locks the FPEC until reset
  }

  private writeOptKey(value: number): void {
    if ((this.cr & F1_FLASH_CR.LOCK) === 0 && this.optKeyStep === 0 && value === KEY1) {
      this.optKeyStep = 1;
      return;
    }
    if (this.optKeyStep === 1 && value === KEY2) {
      this.optKeyStep = 0;
      this.cr |= F1_FLASH_CR.OPTWRE;
      return;
    }
    this.optKeyStep = 0;
  }

  private writeCr(value: number): void {
    if (this.cr & F1_FLASH_CR.LOCK) return;
    const optwre = this.cr & value & F1_FLASH_CR.OPTWRE; // OPTWRE: writing 0 clears it
    this.cr = ((value & CR_WRITABLE) | optwre) >>> 0;
    if ((value & F1_FLASH_CR.STRT) === 0 || this.busy.busy) return;
    const kinds = [F1_FLASH_CR.PER, F1_FLASH_CR.MER, F1_FLASH_CR.OPTER].filter((bit) => value & bit);
    if (kinds.length !== 1 || (kinds[0] === F1_FLASH_CR.OPTER && !optwre)) {
      this.ignoredErases++;
      return;
    }
    const { flash, optionBytes, pageSize, timings } = this.options;
    switch (kinds[0]) {
      case F1_FLASH_CR.PER: {
        const offset = (this.ar >>> 0) - 0x08000000;
        const page = offset - (offset % pageSize);
        if (offset < 0 || page >= flash.size || this.pageProtected(page)) {
          this.fail(F1_FLASH_SR.WRPRTERR);
          return;
        }
        if (this.injectedFailure()) return;
        flash.erase(page, pageSize);
        this.startOperation(timings.pageEraseUs);
        return;
      }
      case F1_FLASH_CR.MER:
        if (!this.readProtected && this.wrpr !== 0xffffffff) {
          this.fail(F1_FLASH_SR.WRPRTERR);
          return;
        }
        if (this.injectedFailure()) return;
        flash.erase(0, flash.size);
        this.startOperation(timings.massEraseUs);
        return;
      default:
        if (this.injectedFailure()) return;
        optionBytes.erase(0, optionBytes.size);
        this.startOperation(timings.pageEraseUs);
    }
  }
}

/** `size` bytes of a register word at `offset` (byte and half-word reads of 32-bit registers). */
function sized(word: number, offset: number, size: number): number {
  if (size === 4) return word >>> 0;
  return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
}
