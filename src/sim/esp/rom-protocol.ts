/**
 * The ROM serial bootloader of ESP32, ESP32-S3 and ESP32-C3 (download mode). Replies carry
 * four status bytes (status, error, 0, 0); the ROM does its flash work before it answers and
 * reads each written block back (0x08 on a mismatch); SPI_FLASH_MD5 answers 32 hex characters,
 * READ_FLASH_SLOW a whole 64-byte buffer; unsupported commands are answered 8 times with a
 * different op and `01 05`. Behaviour per /work/shared/reference/esp-serial-protocol.md §2–5.
 */
import { Inflate } from 'pako';
import { md5 } from '@noble/hashes/legacy.js';
import { sameBytes } from '../../core/memory/bytes';
import { Op, SYNC_PAYLOAD, buildResponse, checksum, parseRequest, readU32, securityInfo } from './protocol';
import type { LoaderContext, LoaderRequest } from './protocol';
import type { EspChipSpec } from './chips';

/** ROM error codes (second status byte). */
export const RomError = {
  INVALID_MESSAGE: 0x05,
  FAILED_TO_ACT: 0x06,
  BAD_CRC: 0x07,
  FLASH_WRITE: 0x08,
  FLASH_READ: 0x09,
  FLASH_READ_LENGTH: 0x0a,
  DEFLATE: 0x0b,
} as const;

/** Value the ROM leaves in the response `value` field after SYNC (real ESP32 trace). */
export const ROM_SYNC_VALUE = 0x20120707;

/** Size of the buffer READ_FLASH_SLOW reads into and answers with (esptool: "ROM read limit per command"). */
const READ_FLASH_SLOW_BUFFER = 64;

/** Op carried by the ROM's reply to an unsupported command (any value ≠ the request's op). */
const UNSUPPORTED_REPLY_OP = 0x00;

interface FlashWrite {
  offset: number;
  blockSize: number;
  inflate: Inflate | null;
  written: number;
}

/** Highest baud rate the ESP32/S3/C3 UARTs support (TRM, UART Controller: "up to 5 Mbaud"). */
export const UART_MAX_BAUD = 5_000_000;

/**
 * The baud rate the ROM's UART really runs at after CHANGE_BAUDRATE(`requested`), or null when
 * no divider gives it. The ROM computes the clock divider (integer part and 4-bit fraction,
 * UART_CLKDIV_REG) from the crystal frequency it estimated at boot ({@link EspChipSpec.romXtalEstimateHz}),
 * while the UART runs from the real crystal: on an ESP32 whose estimate is off, the baud is off by
 * the same ratio, which is why esptool (`targets/esp32.py` `change_baud`) scales its argument by
 * estimate / 40 MHz. A zero, a rate above the UART's limit, or one the 20-bit divider cannot reach
 * is refused with "invalid message" instead of being applied (what the real ROM does with them is
 * unverified: it would divide by zero or program a nonsense divider).
 */
export function romAppliedBaud(chip: EspChipSpec, requested: number): number | null {
  if (!(requested > 0) || requested > UART_MAX_BAUD) return null;
  const sixteenths = Math.floor((chip.romXtalEstimateHz * 16) / requested);
  if (sixteenths < 16 || sixteenths >> 4 > 0xfffff) return null;
  return (chip.xtalHz * 16) / sixteenths;
}

/** The ROM loader's state machine; feed it each received SLIP frame. */
export class RomLoader {
  private value = 0;
  private attached = false;
  private mem: { address: number; blockSize: number; size: number } | null = null;
  private write: FlashWrite | null = null;
  /** READ_FLASH_SLOW's buffer, sent whole every time. */
  private readonly readBuffer = new Uint8Array(READ_FLASH_SLOW_BUFFER);

  constructor(private readonly ctx: LoaderContext) {}

  /** Handles one frame from the host. */
  handle(frame: Uint8Array): void {
    const request = parseRequest(frame);
    if (request === null || request.direction !== 0x00) return;
    if (request.declaredLength !== request.data.length) {
      this.fail(request.op, RomError.INVALID_MESSAGE);
      return;
    }
    this.dispatch(request);
  }

  private dispatch(r: LoaderRequest): void {
    const { ctx } = this;
    const d = r.data;
    switch (r.op) {
      case Op.SYNC:
        if (d.length !== 36 || d.some((b, i) => b !== SYNC_PAYLOAD[i])) return this.fail(r.op, 0x05);
        this.value = ROM_SYNC_VALUE;
        for (let i = 0; i < 8; i++) this.ok(r.op);
        return;
      case Op.READ_REG:
        if (d.length !== 4) return this.fail(r.op, RomError.INVALID_MESSAGE);
        this.value = ctx.registers.read(readU32(d, 0));
        return this.ok(r.op);
      case Op.WRITE_REG:
        if (d.length === 0 || d.length % 16 !== 0) return this.fail(r.op, RomError.INVALID_MESSAGE);
        for (let i = 0; i < d.length; i += 16) {
          ctx.work(readU32(d, i + 12) / 1e6);
          ctx.registers.write(readU32(d, i), readU32(d, i + 4), readU32(d, i + 8));
        }
        return this.ok(r.op);
      case Op.SPI_ATTACH:
        if (d.length !== 4 && d.length !== 8) return this.fail(r.op, RomError.INVALID_MESSAGE);
        this.attached = true;
        return this.ok(r.op);
      case Op.SPI_SET_PARAMS:
        return d.length === 24 ? this.ok(r.op) : this.fail(r.op, RomError.INVALID_MESSAGE);
      case Op.CHANGE_BAUDRATE: {
        if (d.length !== 8) return this.fail(r.op, RomError.INVALID_MESSAGE);
        const applied = romAppliedBaud(ctx.chip, readU32(d, 0));
        if (applied === null) return this.fail(r.op, RomError.INVALID_MESSAGE);
        this.ok(r.op);
        return ctx.changeBaud(applied);
      }
      case Op.MEM_BEGIN:
        if (d.length !== 16) return this.fail(r.op, RomError.INVALID_MESSAGE);
        this.mem = { size: readU32(d, 0), blockSize: readU32(d, 8), address: readU32(d, 12) };
        return this.ok(r.op);
      case Op.MEM_DATA:
        return this.memData(r);
      case Op.MEM_END:
        return this.memEnd(r);
      case Op.FLASH_BEGIN:
      case Op.FLASH_DEFL_BEGIN:
        return this.flashBegin(r, r.op === Op.FLASH_DEFL_BEGIN);
      case Op.FLASH_DATA:
      case Op.FLASH_DEFL_DATA:
        return this.flashData(r);
      case Op.FLASH_END:
      case Op.FLASH_DEFL_END:
        return this.flashEnd(r);
      case Op.SPI_FLASH_MD5:
        return this.flashMd5(r);
      case Op.READ_FLASH_SLOW:
        return this.readFlashSlow(r);
      case Op.GET_SECURITY_INFO:
        if (ctx.chip.securityInfoChipId === null) return this.unsupported();
        return this.reply(r.op, securityInfo(ctx.chip.securityInfoChipId), 0, ctx.chip.securityInfoRomError);
      default:
        return this.unsupported();
    }
  }

  private memData(r: LoaderRequest): void {
    const d = r.data;
    if (this.mem === null || d.length < 16) return this.fail(r.op, RomError.INVALID_MESSAGE);
    const size = readU32(d, 0);
    const payload = d.subarray(16);
    if (size !== payload.length || size > this.mem.blockSize)
      return this.fail(r.op, RomError.INVALID_MESSAGE);
    if (checksum(payload) !== r.checksum) return this.fail(r.op, RomError.BAD_CRC);
    this.ctx.ram.write(this.mem.address + readU32(d, 4) * this.mem.blockSize, payload);
    this.ok(r.op);
  }

  private memEnd(r: LoaderRequest): void {
    if (r.data.length !== 8) return this.fail(r.op, RomError.INVALID_MESSAGE);
    const flag = readU32(r.data, 0);
    const entry = readU32(r.data, 4);
    this.ok(r.op);
    // flag 0 = jump to entry. The simulator cannot execute the uploaded code: any entry point
    // inside uploaded RAM is taken to be a flasher stub; elsewhere the CPU would fetch garbage,
    // so the chip falls silent until the next reset.
    if (flag === 0) {
      if (this.ctx.ram.contains(entry)) this.ctx.startStub(entry);
      else this.ctx.work(Number.POSITIVE_INFINITY);
    }
  }

  private flashBegin(r: LoaderRequest, compressed: boolean): void {
    const d = r.data;
    if (d.length !== 16 && d.length !== 20) return this.fail(r.op, RomError.INVALID_MESSAGE);
    const eraseSize = readU32(d, 0);
    const offset = readU32(d, 12);
    if (eraseSize > 0 && !this.attached) return this.fail(r.op, RomError.FLASH_WRITE);
    if (offset + eraseSize > this.ctx.flash.size) return this.fail(r.op, RomError.FLASH_WRITE);
    this.ctx.flashWork(this.ctx.flash.eraseRange(offset, eraseSize));
    this.write = {
      offset,
      blockSize: readU32(d, 8),
      inflate: compressed ? new Inflate({ chunkSize: 0x8000 }) : null,
      written: 0,
    };
    this.ok(r.op);
  }

  private flashData(r: LoaderRequest): void {
    const d = r.data;
    const w = this.write;
    const compressed = r.op === Op.FLASH_DEFL_DATA;
    if (w === null || d.length < 16 || (w.inflate !== null) !== compressed) {
      return this.fail(r.op, RomError.INVALID_MESSAGE);
    }
    const payload = d.subarray(16);
    if (readU32(d, 0) !== payload.length || payload.length > this.ctx.chip.romMaxFlashBlock) {
      return this.fail(r.op, RomError.INVALID_MESSAGE);
    }
    if (checksum(payload) !== r.checksum) return this.fail(r.op, RomError.BAD_CRC);
    let bytes: Uint8Array[] = [payload];
    let at = w.offset + readU32(d, 4) * w.blockSize;
    if (w.inflate !== null) {
      const out: Uint8Array[] = [];
      w.inflate.onData = (chunk) => out.push(chunk as Uint8Array);
      w.inflate.push(payload, false);
      if (w.inflate.err) return this.fail(r.op, RomError.DEFLATE);
      bytes = out;
      at = w.offset + w.written;
    }
    // The ROM programs whole blocks wherever they land: a last block padded past FLASH_BEGIN's
    // size (esptool pads it to the block size with 0xFF) is written too; only the end of the
    // flash chip stops it. After writing, it reads the block back and answers "flash write
    // error" if it differs (serial-protocol.rst, ROM loader errors, 0x08; the ROM compares an
    // 8-bit CRC, modeled here as a byte-for-byte comparison).
    const flash = this.ctx.flash;
    for (const chunk of bytes) {
      if (at + chunk.length > flash.size) return this.fail(r.op, RomError.FLASH_WRITE);
      this.ctx.flashWork(flash.program(at, chunk));
      this.ctx.flashWork(flash.readTime(chunk.length));
      if (!sameBytes(flash.read(at, chunk.length), chunk)) return this.fail(r.op, RomError.FLASH_WRITE);
      at += chunk.length;
      w.written += chunk.length;
    }
    this.ok(r.op);
  }

  private flashEnd(r: LoaderRequest): void {
    if (r.data.length !== 4) return this.fail(r.op, RomError.INVALID_MESSAGE);
    this.write = null;
    this.ok(r.op);
    if (readU32(r.data, 0) === 0) this.ctx.softReset();
    else this.ctx.runUserCode();
  }

  private flashMd5(r: LoaderRequest): void {
    const d = r.data;
    if (d.length !== 16) return this.fail(r.op, RomError.INVALID_MESSAGE);
    if (!this.attached) return this.fail(r.op, RomError.FLASH_READ);
    const address = readU32(d, 0);
    const size = readU32(d, 4);
    if (address + size > this.ctx.flash.size) return this.fail(r.op, RomError.FLASH_READ_LENGTH);
    this.ctx.flashWork(this.ctx.flash.readTime(size));
    const hex = Array.from(md5(this.ctx.flash.read(address, size)), (b) => b.toString(16).padStart(2, '0'));
    this.reply(r.op, new TextEncoder().encode(hex.join('')), 0, 0);
  }

  /**
   * READ_FLASH_SLOW(address, size ≤ 64): the ROM reads `size` bytes into its 64-byte buffer and
   * always sends the whole buffer (esptool `ESP32ROM.read_flash_slow`: "command always returns
   * 64 byte buffer, regardless of how many bytes were actually read from flash"). What the rest
   * holds is unverified; modeled as what the buffer held before (zeros after reset).
   */
  private readFlashSlow(r: LoaderRequest): void {
    const d = r.data;
    if (d.length !== 8 || readU32(d, 4) > READ_FLASH_SLOW_BUFFER)
      return this.fail(r.op, RomError.INVALID_MESSAGE);
    if (!this.attached) return this.fail(r.op, RomError.FLASH_READ);
    const size = readU32(d, 4);
    this.ctx.flashWork(this.ctx.flash.readTime(size));
    this.readBuffer.set(this.ctx.flash.read(readU32(d, 0), size));
    this.reply(r.op, this.readBuffer.slice(), 0, 0);
  }

  private ok(op: number): void {
    this.reply(op, new Uint8Array(0), 0, 0);
  }

  private fail(op: number, error: number): void {
    this.reply(op, new Uint8Array(0), 1, error);
  }

  private reply(op: number, data: Uint8Array, status: number, error: number): void {
    this.ctx.send(buildResponse(op, this.value, data, Uint8Array.of(status, error, 0, 0)));
  }

  /** The ROM repeats its "invalid message" reply 8 times, with an op that is not the request's. */
  private unsupported(): void {
    for (let i = 0; i < 8; i++) {
      this.ctx.send(
        buildResponse(UNSUPPORTED_REPLY_OP, this.value, new Uint8Array(0), Uint8Array.of(1, 5, 0, 0)),
      );
    }
  }
}
