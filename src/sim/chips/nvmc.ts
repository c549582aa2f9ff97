/**
 * Nordic's Non-Volatile Memory Controller (nRF51 and nRF52, base 0x4001E000): READY (0x400),
 * READYNEXT (0x408, nRF52), CONFIG (0x504: 0 read-only, 1 write enable, 2 erase enable),
 * ERASEPAGE/ERASEPCR1 (0x508), ERASEALL (0x50C), ERASEPCR0 (0x510), ERASEUICR (0x514),
 * ERASEPAGEPARTIAL (0x518, nRF52), ERASEPAGEPARTIALCFG (0x51C, nRF52: DURATION in ms, 10 after
 * reset), ICACHECNF (0x540, nRF52). Stores to code flash or UICR program a 32-bit word only while
 * CONFIG = 1; erases only act while CONFIG = 2; everything else is ignored and counted, except
 * that on nRF52 a store to flash that is not word-aligned while writing is enabled is a bus
 * fault ("Byte or half-word-aligned writes will result in a hard fault").
 * A partial erase keeps the NVMC busy for DURATION ms; the page is erased once the partial
 * erases of that page add up to tERASEPAGE (before that its bits are undefined; the model
 * leaves them unchanged).
 * READY reads 0 for the erase/program time of the chip's timing profile (typical or worst,
 * `timing-profiles.ts`). Source: nRF51 RM v3.0 and nRF52833 PS v1.5 / nRF52840 PS v1.1, NVMC
 * chapters (§4.3.1 writing, §4.3.4 partial erase); reference notes flash-targets.md §2.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, type BusDevice, type Master } from '../cortex-m/bus';
import { FlashBusy } from './flash-timing';
import type { NorFlash } from './nor-flash';

/** Operation durations in µs (one column of `timing-profiles.ts`). */
export interface NvmcTimings {
  wordWriteUs: number;
  pageEraseUs: number;
  eraseAllUs: number;
  uicrEraseUs: number;
}

/** Options for {@link Nvmc}. */
export interface NvmcOptions {
  clock: VirtualClock;
  code: NorFlash;
  uicr: NorFlash;
  pageSize: number;
  timings: NvmcTimings;
  /** Multiplier for the timings (0 = instant). */
  timeScale: number;
  nrf52: boolean;
}

/** Counters a test can read. */
export interface FlashCounters {
  /** Stores to flash that the controller ignored (no write enable, wrong size). */
  ignoredWrites: number;
  /** Erase requests the controller ignored (no erase enable). */
  ignoredErases: number;
}

const CONFIG_WEN = 1;
const CONFIG_EEN = 2;
/** ERASEPAGEPARTIALCFG after reset: DURATION = 10 ms (0x0A in Nordic's nRF52 SVD, as the svd2rust nRF PACs' `erasepagepartialcfg.rs` give it). */
const PARTIAL_CFG_RESET = 0x0a;

/** The NVMC with its two flash arrays (code flash and UICR). */
export class Nvmc implements FlashCounters {
  ignoredWrites = 0;
  ignoredErases = 0;
  /** Fault injection: the next program or erase silently does nothing (a worn-out cell). */
  failNext = false;
  private config = 0;
  private icachecnf = 0;
  private partialCfg = PARTIAL_CFG_RESET;
  /** Partial erase time (µs) each code page has had since its last full erase. */
  private readonly partialUs = new Map<number, number>();
  private readonly busy: FlashBusy;
  /** Bus device for the NVMC registers. */
  readonly registers: BusDevice;
  /** Bus device for code flash (mapped at 0). */
  readonly codePort: BusDevice;
  /** Bus device for UICR (mapped at 0x10001000). */
  readonly uicrPort: BusDevice;

  constructor(private readonly options: NvmcOptions) {
    this.busy = new FlashBusy(options.clock, options.timeScale);
    this.registers = {
      read: (offset) => this.readRegister(offset & ~3),
      write: (offset, value, size, master) => this.writeRegister(offset & ~3, value, size, master),
      nextChangeUs: () => this.busy.nextChangeUs,
    };
    this.codePort = this.arrayPort(options.code);
    this.uicrPort = this.arrayPort(options.uicr);
  }

  /** System reset: CONFIG back to read-only; a running operation completes. */
  reset(): void {
    this.config = 0;
    this.partialCfg = PARTIAL_CFG_RESET;
    this.busy.finish();
  }

  /** Erases code flash and UICR as ERASEALL does (used by the nRF52 CTRL-AP); returns µs. */
  eraseAll(): number {
    this.options.code.erase(0, this.options.code.size);
    this.options.uicr.erase(0, this.options.uicr.size);
    this.partialUs.clear();
    this.busy.start(this.options.timings.eraseAllUs);
    return this.options.timings.eraseAllUs * this.options.timeScale;
  }

  private arrayPort(array: NorFlash): BusDevice {
    return {
      read: (offset, size, master) => {
        if (master === CPU && this.busy.busy) this.busy.stallCpu();
        return array.read(offset, size);
      },
      write: (offset, value, size, master) => this.program(array, offset, value, size, master),
      stallUntil: () => this.busy.stallUntil(),
      nextChangeUs: () => this.busy.arrayNextChangeUs,
    };
  }

  private program(array: NorFlash, offset: number, value: number, size: number, master: Master): void {
    if (master === CPU && this.busy.busy) this.busy.stallCpu();
    if (this.options.nrf52 && this.config === CONFIG_WEN && (offset & 3) !== 0) {
      this.ignoredWrites++;
      throw BUS_FAULT; // nRF52 PS §4.3.1: only word-aligned writes
    }
    if (this.config !== CONFIG_WEN || size !== 4 || offset >= array.size) {
      this.ignoredWrites++;
      return;
    }
    if (this.failNext) this.failNext = false;
    else array.program(offset, value, 4);
    this.busy.start(this.options.timings.wordWriteUs);
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case 0x400:
        return this.busy.busy ? 0 : 1;
      case 0x408:
        return this.options.nrf52 && !this.busy.busy ? 1 : 0;
      case 0x504:
        return this.config;
      case 0x51c:
        return this.options.nrf52 ? this.partialCfg : 0;
      case 0x540:
        return this.options.nrf52 ? this.icachecnf : 0;
      default:
        return 0;
    }
  }

  private writeRegister(offset: number, value: number, _size: number, master: Master): void {
    if (master === CPU && this.busy.busy && offset >= 0x508 && offset <= 0x518) this.busy.stallCpu();
    const { code, uicr, pageSize, timings } = this.options;
    switch (offset) {
      case 0x504:
        this.config = value & 3;
        return;
      case 0x508:
      case 0x510: {
        const page = (value >>> 0) - ((value >>> 0) % pageSize);
        if (!this.eraseAllowed() || page >= code.size) return;
        this.partialUs.delete(page);
        this.erase(code, page, pageSize, timings.pageEraseUs);
        return;
      }
      case 0x50c:
        if ((value & 1) === 0 || !this.eraseAllowed()) return;
        this.partialUs.clear();
        this.erase(code, 0, code.size, 0);
        this.erase(uicr, 0, uicr.size, timings.eraseAllUs);
        return;
      case 0x514:
        if ((value & 1) === 0 || !this.eraseAllowed()) return;
        this.erase(uicr, 0, uicr.size, timings.uicrEraseUs);
        return;
      case 0x518:
        if (this.options.nrf52) this.partialErase(value >>> 0);
        return;
      case 0x51c:
        if (this.options.nrf52) this.partialCfg = value & 0x7f;
        return;
      case 0x540:
        if (this.options.nrf52) this.icachecnf = value & 0x101;
        return;
    }
  }

  /** ERASEPAGEPARTIAL: DURATION ms more erase time for the page; erased at tERASEPAGE. */
  private partialErase(address: number): void {
    const { code, pageSize, timings } = this.options;
    const page = address - (address % pageSize);
    if (!this.eraseAllowed() || page >= code.size) return;
    const durationUs = this.partialCfg * 1000;
    const total = (this.partialUs.get(page) ?? 0) + durationUs;
    if (total >= timings.pageEraseUs) {
      this.partialUs.delete(page);
      this.erase(code, page, pageSize, 0);
    } else {
      this.partialUs.set(page, total);
    }
    if (durationUs > 0) this.busy.start(durationUs);
  }

  private eraseAllowed(): boolean {
    if (this.config === CONFIG_EEN) return true;
    this.ignoredErases++;
    return false;
  }

  private erase(array: NorFlash, offset: number, length: number, durationUs: number): void {
    if (this.failNext) this.failNext = false;
    else array.erase(offset, length);
    if (durationUs > 0) this.busy.start(durationUs);
  }
}
