/**
 * A SPI NOR flash chip as found next to an ESP32: 4 KiB sectors, 64 KiB blocks, 256-byte pages.
 * NOR rules: erasing sets every bit of a sector/block to 1 (0xFF); programming can only clear
 * bits (new = old AND data). Every operation returns the time the chip is busy, so the board
 * can charge it to its virtual clock.
 *
 * Default timings are the typical values of the Winbond W25Q32JV datasheet (rev. I, table 9.7:
 * tPP 0.4 ms, tSE 45 ms, tBE2 150 ms; `src/core/timing/spi-flash.ts`, which the host's estimate
 * of the stub's pace reads too). Chip erase uses the times measured on ESP32 boards
 * (4 MB in 5.4–6.0 s, /work/shared/reference/esp-serial-protocol.md §10), i.e. 1.4 s per MiB.
 */
import { W25Q32JV_TYPICAL } from '../../core/timing/spi-flash';

/** Erase unit of the ESP loaders (`FLASH_SECTOR_SIZE`). */
export const SECTOR_SIZE = 0x1000;
/** Large erase block. */
export const BLOCK_SIZE = 0x10000;
/** Program page. */
export const PAGE_SIZE = 0x100;

/** Busy times of the flash chip, in seconds. */
export interface FlashTimings {
  /** Programming one (full or partial) 256-byte page. */
  pageProgram: number;
  /** Erasing one 4 KiB sector. */
  sectorErase: number;
  /** Erasing one 64 KiB block. */
  blockErase: number;
  /** Erasing the whole chip, per MiB of capacity. */
  chipErasePerMiB: number;
  /** Reading one byte (fast read over the SPI bus). */
  readPerByte: number;
}

/** Typical W25Q32JV timings (see the file comment). */
export const DEFAULT_FLASH_TIMINGS: FlashTimings = {
  ...W25Q32JV_TYPICAL, // page program, sector and block erase (src/core/timing/spi-flash.ts)
  chipErasePerMiB: 1.4,
  // 10 MB/s: a 40 MHz SPI clock in DIO mode moves 2 bits per clock (ESP32 TRM, SPI flash modes;
  // esptool's default --flash_freq 40m and --flash_mode dio). Derived, not measured.
  readPerByte: 1 / 10e6,
};

/** Sizes a simulated flash chip can have (a JEDEC capacity code exists for each). */
export const FLASH_SIZES = [0x40000, 0x80000, 0x100000, 0x200000, 0x400000, 0x800000, 0x1000000] as const;

/** Options of {@link SpiFlash}. */
export interface SpiFlashOptions {
  /** Capacity in bytes, a power of two from 256 KiB to 16 MiB; default 4 MiB. */
  size?: number;
  /** JEDEC manufacturer id; default 0xEF (Winbond). */
  manufacturer?: number;
  /** JEDEC memory type; default 0x40 (W25Q series, SPI). */
  memoryType?: number;
  /** Busy times; defaults to {@link DEFAULT_FLASH_TIMINGS}. */
  timings?: Partial<FlashTimings>;
}

/** A range of bytes that no longer programs (a worn-out area). */
export interface WeakRange {
  address: number;
  length: number;
}

/** SPI NOR flash contents and timing. Addresses wrap at the capacity, as on a real chip. */
export class SpiFlash {
  /** Capacity in bytes. */
  readonly size: number;
  /** JEDEC id bytes in the order the chip sends them: manufacturer, type, capacity. */
  readonly jedecId: readonly [number, number, number];
  /** Busy times. */
  readonly timings: FlashTimings;
  private readonly data: Uint8Array;
  private weak: WeakRange | null = null;

  constructor(options: SpiFlashOptions = {}) {
    const size = options.size ?? 0x400000;
    if (!(FLASH_SIZES as readonly number[]).includes(size)) {
      throw new RangeError(`Unsupported flash size ${size}: use a power of two from 256 KiB to 16 MiB`);
    }
    this.size = size;
    this.jedecId = [options.manufacturer ?? 0xef, options.memoryType ?? 0x40, Math.log2(size)];
    this.timings = { ...DEFAULT_FLASH_TIMINGS, ...options.timings };
    this.data = new Uint8Array(size).fill(0xff);
  }

  /** The JEDEC id as the ESP reads it into SPI_W0 after command 0x9F (first byte lowest). */
  get jedecWord(): number {
    return this.jedecId[0] | (this.jedecId[1] << 8) | (this.jedecId[2] << 16);
  }

  /** A copy of `length` bytes from `address`. */
  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length;) {
      const at = (address + i) % this.size;
      const n = Math.min(length - i, this.size - at);
      out.set(this.data.subarray(at, at + n), i);
      i += n;
    }
    return out;
  }

  /** Time to read `length` bytes. */
  readTime(length: number): number {
    return length * this.timings.readPerByte;
  }

  /** Programs `bytes` at `address` (bits can only go from 1 to 0); returns the busy time. */
  program(address: number, bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; i++) {
      const at = (address + i) % this.size;
      if (this.isWeak(at)) continue;
      this.data[at] &= bytes[i];
    }
    if (bytes.length === 0) return 0;
    const firstPage = Math.floor(address / PAGE_SIZE);
    const lastPage = Math.floor((address + bytes.length - 1) / PAGE_SIZE);
    return (lastPage - firstPage + 1) * this.timings.pageProgram;
  }

  /** Erases the 4 KiB sector containing `address`; returns the busy time. */
  eraseSector(address: number): number {
    this.fill(address - (address % SECTOR_SIZE), SECTOR_SIZE);
    return this.timings.sectorErase;
  }

  /** Erases the 64 KiB block containing `address`; returns the busy time. */
  eraseBlock(address: number): number {
    this.fill(address - (address % BLOCK_SIZE), BLOCK_SIZE);
    return this.timings.blockErase;
  }

  /** Erases the whole chip; returns the busy time. */
  eraseChip(): number {
    this.data.fill(0xff);
    return (this.size / 0x100000) * this.timings.chipErasePerMiB;
  }

  /**
   * Erases every sector touched by [address, address + length), with 64 KiB block erases where
   * a whole aligned block is covered (as the flasher stub does); returns the busy time.
   */
  eraseRange(address: number, length: number): number {
    let at = address - (address % SECTOR_SIZE);
    const end = address + length;
    let busy = 0;
    while (at < end) {
      if (at % BLOCK_SIZE === 0 && end - at >= BLOCK_SIZE) {
        busy += this.eraseBlock(at);
        at += BLOCK_SIZE;
      } else {
        busy += this.eraseSector(at);
        at += SECTOR_SIZE;
      }
    }
    return busy;
  }

  /** Test hook: sets bytes directly (no NOR rules, no time), e.g. to preload an application. */
  load(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.data[(address + i) % this.size] = bytes[i];
  }

  /** Test hook: makes a range stop programming (it stays erased), or heals it with `null`. */
  setWeakRange(range: WeakRange | null): void {
    this.weak = range;
  }

  private isWeak(at: number): boolean {
    return this.weak !== null && at >= this.weak.address && at < this.weak.address + this.weak.length;
  }

  private fill(start: number, length: number): void {
    for (let i = 0; i < length; i++) this.data[(start + i) % this.size] = 0xff;
  }
}
