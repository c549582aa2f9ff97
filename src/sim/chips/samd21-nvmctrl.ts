/**
 * The SAM D21 Non-Volatile Memory Controller (NVMCTRL at 0x41004000), after the SAM D21
 * family datasheet (DS40001882), chapter "NVMCTRL":
 *
 * - CTRLA (0x00, 16 bits): CMD[6:0] runs only when written together with CMDEX = 0xA5; another
 *   key, an unknown command or a command while INTFLAG.READY = 0 sets STATUS.PROGE and does
 *   nothing. Commands: ER (erase row), WP (write page), EAR (erase auxiliary row: the user
 *   row), WAP (write auxiliary page), LR/UR (lock/unlock the region at ADDR until reset), PBC
 *   (page buffer clear), SSB (set security bit), INVALL.
 * - CTRLB (0x04): RWS, MANW (manual write; 0 writes the page when its last word is loaded),
 *   SLEEPPRM, READMODE, CACHEDIS. PARAM (0x08): NVMP (pages) and PSZ (3 = 64-byte pages).
 *   INTFLAG (0x14): READY (bit 0), ERROR (bit 1, w1c). STATUS (0x18, 16 bits): PRM, LOAD,
 *   PROGE, LOCKE, NVME (errors w1c), SB (security bit). ADDR (0x1C): 16-bit word address.
 *   LOCK (0x20): one bit per region (flash / 16), 1 = unlocked, loaded from the user row.
 * - Stores to the main array or the user row go to the 64-byte page buffer (16- or 32-bit
 *   only: a byte store is a bus error) and set ADDR and STATUS.LOAD; the array changes only by
 *   WP/WAP, which AND the page buffer into the page and clear the buffer. Rows are 4 pages
 *   (256 bytes). ER/WP in a locked region or in the boot section that the user row's BOOTPROT
 *   protects set STATUS.LOCKE and do nothing.
 * - The user row (0x00804000, one 256-byte row): BOOTPROT (bits 2:0 of the first word: 7 = none,
 *   6 = 512 B … 0 = 32 KiB) and LOCK (bits 63:48) take effect at the next reset.
 * - While a command runs READY reads 0, and a bus access to the array stalls until it ends.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, type BusDevice, type Master } from '../cortex-m/bus';
import { FlashBusy } from './flash-timing';
import type { FlashCounters } from './nvmc';
import type { NorFlash } from './nor-flash';

/** NVMCTRL commands (CTRLA.CMD). */
export const NVM_CMD = {
  ER: 0x02,
  WP: 0x04,
  EAR: 0x05,
  WAP: 0x06,
  LR: 0x40,
  UR: 0x41,
  SPRM: 0x42,
  CPRM: 0x43,
  PBC: 0x44,
  SSB: 0x45,
  INVALL: 0x46,
} as const;

/** STATUS bits. */
export const NVM_STATUS = {
  PRM: 1 << 0,
  LOAD: 1 << 1,
  PROGE: 1 << 2,
  LOCKE: 1 << 3,
  NVME: 1 << 4,
  SB: 1 << 8,
} as const;

/** Page size (PARAM.PSZ = 3) and row size of the SAM D21. */
export const SAMD_PAGE = 64;
export const SAMD_ROW = 256;
/** Where the NVM user row is mapped. */
export const SAMD_USER_ROW = 0x00804000;

/** Flash error kinds a test can inject. */
export type Samd21FlashError = 'PROGE' | 'LOCKE' | 'NVME';

const CMDEX_KEY = 0xa5;
const ERROR_BITS = NVM_STATUS.PROGE | NVM_STATUS.LOCKE | NVM_STATUS.NVME;

/** Operation durations in µs (`timing-profiles.ts`). */
export interface Samd21NvmTimings {
  /** Write page (WP/WAP). */
  pageWriteUs: number;
  /** Erase row (ER/EAR). */
  rowEraseUs: number;
  /** The DSU's chip erase. */
  chipEraseUs: number;
}

/** Options for {@link Samd21Nvmctrl}. */
export interface Samd21NvmctrlOptions {
  clock: VirtualClock;
  /** The main array (at 0). */
  flash: NorFlash;
  /** The user row (256 bytes at 0x00804000). */
  userRow: NorFlash;
  timings: Samd21NvmTimings;
  timeScale: number;
  /** Security bit set at power-on. */
  secured?: boolean;
}

/** BOOTPROT (user row word 0, bits 2:0) as a boot-section size in bytes. */
export function bootSectionSize(bootprot: number): number {
  const value = bootprot & 7;
  return value === 7 ? 0 : 1 << (15 - value);
}

/** The NVMCTRL with its main array, page buffer and user row. */
export class Samd21Nvmctrl implements FlashCounters {
  ignoredWrites = 0;
  ignoredErases = 0;
  /** Fault injection: the next ER/WP fails with this STATUS error and changes nothing. */
  failNext: Samd21FlashError | undefined;
  private ctrlb = 0;
  private status = 0;
  private intflagError = false;
  private addr = 0;
  private lock = 0xffff;
  private bootBytes = 0;
  private secured: boolean;
  private readonly pageBuffer = new Uint8Array(SAMD_PAGE).fill(0xff);
  private readonly busy: FlashBusy;
  private readonly regionSize: number;
  /** Bus device for the NVMCTRL registers. */
  readonly registers: BusDevice;
  /** Bus device for the main array (mapped at 0). */
  readonly arrayPort: BusDevice;
  /** Bus device for the user row (mapped at 0x00804000). */
  readonly userRowPort: BusDevice;

  constructor(private readonly options: Samd21NvmctrlOptions) {
    this.busy = new FlashBusy(options.clock, options.timeScale);
    this.regionSize = options.flash.size / 16;
    this.secured = options.secured ?? false;
    this.loadUserRow();
    this.registers = {
      read: (offset, size) => this.readRegister(offset, size),
      write: (offset, value, size) => this.writeRegister(offset, value >>> 0, size),
      nextChangeUs: () => this.busy.nextChangeUs,
    };
    this.arrayPort = {
      read: (offset, size, master) => this.readArray(options.flash, offset, size, master),
      write: (offset, value, size, master) => this.load(offset, value, size, master, false),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => this.busy.arrayNextChangeUs,
    };
    this.userRowPort = {
      read: (offset, size, master) => this.readArray(options.userRow, offset, size, master),
      write: (offset, value, size, master) => this.load(offset, value, size, master, true),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => this.busy.arrayNextChangeUs,
    };
  }

  /** The security bit is set (the DSU then shuts the debugger out). */
  get securityBit(): boolean {
    return this.secured;
  }

  /** System reset: the user row's BOOTPROT and LOCK load, the page buffer is cleared. */
  reset(): void {
    this.ctrlb = 0;
    this.status &= NVM_STATUS.SB;
    this.intflagError = false;
    this.addr = 0;
    this.pageBuffer.fill(0xff);
    this.busy.finish();
    this.loadUserRow();
  }

  /** The DSU's chip erase: the main array (not the user row), then the security bit clears. */
  chipErase(): number {
    this.options.flash.erase(0, this.options.flash.size);
    this.pageBuffer.fill(0xff);
    this.secured = false;
    this.busy.start(this.options.timings.chipEraseUs);
    return this.busy.busyUntil;
  }

  private loadUserRow(): void {
    const row = this.options.userRow;
    this.bootBytes = bootSectionSize(row.read(0, 4));
    this.lock = row.read(6, 2);
  }

  private readArray(array: NorFlash, offset: number, size: number, master: Master): number {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    return array.read(offset, size);
  }

  /** A store to the array: into the page buffer (auto write of the page when MANW = 0). */
  private load(offset: number, value: number, size: number, master: Master, aux: boolean): void {
    if (size === 1) throw BUS_FAULT; // byte stores to the page buffer are a bus error
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    const at = offset % SAMD_PAGE;
    for (let i = 0; i < size; i++) this.pageBuffer[at + i] = (value >>> (8 * i)) & 0xff;
    this.addr = ((aux ? SAMD_USER_ROW + offset : offset) >>> 1) & 0x3fffff;
    this.status |= NVM_STATUS.LOAD;
    const manual = (this.ctrlb & (1 << 7)) !== 0;
    if (!manual && at + size === SAMD_PAGE) this.execute(aux ? NVM_CMD.WAP : NVM_CMD.WP);
  }

  private readRegister(offset: number, size: number): number {
    const word = (() => {
      switch (offset & ~3) {
        case 0x00:
          return 0;
        case 0x04:
          return this.ctrlb;
        case 0x08:
          return ((this.options.flash.size / SAMD_PAGE) | (3 << 16)) >>> 0;
        case 0x14:
          return (this.busy.busy ? 0 : 1) | (this.intflagError ? 2 : 0);
        case 0x18:
          return this.status | (this.secured ? NVM_STATUS.SB : 0);
        case 0x1c:
          return this.addr;
        case 0x20:
          return this.lock;
        default:
          return 0;
      }
    })();
    const shift = 8 * (offset & 3);
    if (size === 4) return word >>> 0;
    return (word >>> shift) & (size === 2 ? 0xffff : 0xff);
  }

  private writeRegister(offset: number, value: number, size: number): void {
    const shifted = (value << (8 * (offset & 3))) >>> 0;
    switch (offset & ~3) {
      case 0x00:
        if ((offset & 3) !== 0 || size === 1) return; // CMD and CMDEX go in one write
        if (((value >>> 8) & 0xff) !== CMDEX_KEY) {
          this.setError(NVM_STATUS.PROGE);
          return;
        }
        this.execute(value & 0x7f);
        return;
      case 0x04:
        // RWS 4:1, MANW 7, SLEEPPRM 9:8, READMODE 17:16, CACHEDIS 18; a byte or halfword write
        // changes only its own lanes.
        this.ctrlb = ((this.ctrlb & ~lanes(offset, size)) | (shifted & lanes(offset, size))) & 0x0007039e;
        return;
      case 0x14:
        if (shifted & 2) this.intflagError = false;
        return;
      case 0x18:
        this.status &= ~(shifted & ERROR_BITS);
        return;
      case 0x1c:
        this.addr = ((this.addr & ~lanes(offset, size)) | (shifted & lanes(offset, size))) & 0x3fffff;
        return;
    }
  }

  private setError(bit: number): void {
    this.status |= bit;
    this.intflagError = true;
  }

  private execute(cmd: number): void {
    if (this.busy.busy) {
      this.setError(NVM_STATUS.PROGE);
      return;
    }
    const byteAddress = this.addr * 2;
    // ADDR holds 22 bits of a 16-bit-word address: 0x00804000 (the user row) reads back as
    // byte 0x4000 of the auxiliary space, which EAR/WAP address.
    const auxOffset = (byteAddress & 0x7fff) - (SAMD_USER_ROW & 0x7fff);
    const { flash, userRow, timings } = this.options;
    switch (cmd) {
      case NVM_CMD.ER: {
        const row = Math.floor(byteAddress / SAMD_ROW) * SAMD_ROW;
        if (row >= flash.size) return this.refuse(NVM_STATUS.NVME, 'erase');
        if (this.lockedAt(row)) return this.refuse(NVM_STATUS.LOCKE, 'erase');
        if (this.injectedFailure()) return;
        flash.erase(row, SAMD_ROW);
        this.busy.start(timings.rowEraseUs);
        return;
      }
      case NVM_CMD.WP: {
        const page = Math.floor(byteAddress / SAMD_PAGE) * SAMD_PAGE;
        if (page >= flash.size) return this.refuse(NVM_STATUS.NVME, 'write');
        if (this.lockedAt(page)) return this.refuse(NVM_STATUS.LOCKE, 'write');
        if (this.injectedFailure()) return;
        this.writePage(flash, page);
        return;
      }
      case NVM_CMD.EAR: {
        if (this.secured || auxOffset < 0 || auxOffset >= SAMD_ROW)
          return this.refuse(NVM_STATUS.PROGE, 'erase');
        userRow.erase(0, SAMD_ROW);
        this.busy.start(timings.rowEraseUs);
        return;
      }
      case NVM_CMD.WAP: {
        if (this.secured || auxOffset < 0 || auxOffset >= SAMD_ROW)
          return this.refuse(NVM_STATUS.PROGE, 'write');
        this.writePage(userRow, Math.floor(auxOffset / SAMD_PAGE) * SAMD_PAGE);
        return;
      }
      case NVM_CMD.LR:
      case NVM_CMD.UR: {
        const region = Math.floor(byteAddress / this.regionSize);
        if (region >= 16) return this.setError(NVM_STATUS.NVME);
        if (cmd === NVM_CMD.LR) this.lock &= ~(1 << region);
        else this.lock |= 1 << region;
        return;
      }
      case NVM_CMD.PBC:
        this.pageBuffer.fill(0xff);
        this.status &= ~NVM_STATUS.LOAD;
        return;
      case NVM_CMD.SSB:
        this.secured = true;
        return;
      case NVM_CMD.SPRM:
        this.status |= NVM_STATUS.PRM;
        return;
      case NVM_CMD.CPRM:
        this.status &= ~NVM_STATUS.PRM;
        return;
      case NVM_CMD.INVALL:
        return;
      default:
        this.setError(NVM_STATUS.PROGE);
    }
  }

  private refuse(bit: number, kind: 'erase' | 'write'): void {
    this.setError(bit);
    if (kind === 'erase') this.ignoredErases++;
    else this.ignoredWrites++;
  }

  private injectedFailure(): boolean {
    if (this.failNext === undefined) return false;
    this.setError(NVM_STATUS[this.failNext]);
    this.failNext = undefined;
    return true;
  }

  /** True when the row/page at `offset` is in a locked region or the protected boot section. */
  private lockedAt(offset: number): boolean {
    if (offset < this.bootBytes) return true;
    return (this.lock & (1 << Math.floor(offset / this.regionSize))) === 0;
  }

  private writePage(array: NorFlash, page: number): void {
    for (let i = 0; i < SAMD_PAGE; i += 4) {
      const word =
        this.pageBuffer[i] |
        (this.pageBuffer[i + 1] << 8) |
        (this.pageBuffer[i + 2] << 16) |
        (this.pageBuffer[i + 3] << 24);
      if (word !== -1) array.program(page + i, word >>> 0, 4);
    }
    this.pageBuffer.fill(0xff);
    this.status &= ~NVM_STATUS.LOAD;
    this.busy.start(this.options.timings.pageWriteUs);
  }
}

/** The bits of a 32-bit register that a `size`-byte write at `offset` covers. */
function lanes(offset: number, size: number): number {
  if (size === 4) return 0xffffffff;
  return ((size === 2 ? 0xffff : 0xff) << (8 * (offset & 3))) >>> 0;
}
