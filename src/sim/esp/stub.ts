/**
 * The flasher stub (esp-flasher-stub, as uploaded by esptool-js 0.7.0) after it has said OHAI.
 * Modeled on espressif/esp-flasher-stub `src/command_handler.c`: two status bytes carrying a
 * 16-bit big-endian response code; FLASH_DATA / FLASH_DEFL_DATA / READ_FLASH / CHANGE_BAUDRATE
 * are acknowledged first and carried out afterwards ("post-process"), and a post-process error
 * is reported in place of the next command's reply. Flash erase runs ahead in the background,
 * in 64 KiB blocks where aligned, else 4 KiB sectors: FLASH_BEGIN starts the first erase without
 * waiting for it, each inflate step starts the next one if the flash chip is idle, and a write
 * waits only until its own range is erased (`stub_lib_flash_start_next_erase`). READ_FLASH
 * streams packets with one unacknowledged packet in flight and ends with the raw 16-byte MD5.
 */
import { Inflate } from 'pako';
import { md5 } from '@noble/hashes/legacy.js';
import { Op, SYNC_PAYLOAD, buildResponse, checksum, parseRequest, readU32, securityInfo } from './protocol';
import type { LoaderContext, LoaderRequest } from './protocol';
import { BLOCK_SIZE, SECTOR_SIZE } from './spi-flash';
import { UART_MAX_BAUD } from './rom-protocol';

/** Stub response codes (sent big-endian in the two status bytes). */
export const StubResponse = {
  SUCCESS: 0x0000,
  BAD_DATA_LEN: 0xc000,
  BAD_DATA_CHECKSUM: 0xc100,
  BAD_BLOCKSIZE: 0xc200,
  INVALID_COMMAND: 0xc300,
  FAILED_SPI_OP: 0xc400,
  FAILED_SPI_UNLOCK: 0xc500,
  NOT_IN_FLASH_MODE: 0xc600,
  INFLATE_ERROR: 0xc700,
  NOT_ENOUGH_DATA: 0xc800,
  TOO_MUCH_DATA: 0xc900,
  CMD_NOT_IMPLEMENTED: 0xff00,
} as const;

/**
 * Bytes one received frame may have (decoded, header included): esp-flasher-stub's
 * `FRAME_BUFFER_SIZE` (frame_buffer.h: 8-byte header + 0x4000 + 0xFF). A longer frame is marked
 * as an error and dropped without a reply (frame_buffer.c, main.c).
 */
export const STUB_FRAME_BUFFER_BYTES = 8 + 0x4000 + 0xff;

/** Largest READ_FLASH packet the stub's buffer holds. */
const MAX_READ_PACKET = 4096;

interface FlashOperation {
  offset: number;
  remaining: number;
  nextErase: number;
  eraseRemaining: number;
  inflate: Inflate | null;
}

interface ReadOperation {
  offset: number;
  remaining: number;
  size: number;
  packetSize: number;
  sent: number;
  acked: number;
  ackedBytes: number;
  hash: ReturnType<typeof md5.create>;
}

type PostProcess = () => number;

/** The stub's command loop; feed it each received SLIP frame. */
export class StubLoader {
  private carried: number = StubResponse.SUCCESS;
  private flashOp: FlashOperation | null = null;
  private memOp: { address: number; remaining: number } | null = null;
  private readOp: ReadOperation | null = null;

  constructor(private readonly ctx: LoaderContext) {}

  /** Handles one frame from the host. */
  handle(frame: Uint8Array): void {
    if (this.readOp !== null) {
      if (frame.length === 4) return this.readAck(readU32(frame, 0));
      this.finishRead();
    }
    const r = parseRequest(frame);
    if (r === null) return;
    if (r.direction !== 0) return this.respond(r.op, StubResponse.INVALID_COMMAND);
    if (r.declaredLength !== r.data.length) return this.respond(r.op, StubResponse.BAD_DATA_LEN);
    if (this.carried !== StubResponse.SUCCESS) {
      const code = this.carried;
      this.carried = StubResponse.SUCCESS;
      return this.respond(r.op, code);
    }
    if (r.op === Op.RUN_USER_CODE) return; // no reply; the stub does not implement it
    let value = 0;
    let data: Uint8Array = new Uint8Array(0);
    let post: PostProcess | null = null;
    let code: number = StubResponse.SUCCESS;
    const d = r.data;
    switch (r.op) {
      case Op.SYNC:
        // Both stubs check only the length (command_handler.c `s_sync`, legacy
        // `verify_data_len(command, 36)`), not the 07 07 12 20 55… pattern.
        if (d.length !== SYNC_PAYLOAD.length) code = StubResponse.BAD_DATA_LEN;
        else for (let i = 0; i < 7; i++) this.respond(r.op, StubResponse.SUCCESS);
        break;
      case Op.READ_REG:
        if (d.length !== 4) code = StubResponse.BAD_DATA_LEN;
        else value = this.ctx.registers.read(readU32(d, 0));
        break;
      case Op.WRITE_REG:
        code = this.writeReg(d);
        break;
      case Op.SPI_ATTACH:
        if (d.length !== 4) code = StubResponse.BAD_DATA_LEN;
        break;
      case Op.SPI_SET_PARAMS:
        if (d.length !== 24) code = StubResponse.BAD_DATA_LEN;
        break;
      case Op.CHANGE_BAUDRATE: {
        // The stub divides the real APB clock, so the requested rate is what it gets. A zero or a
        // rate beyond the UART's limit is refused rather than applied (simulator choice: what
        // the real stub does with it is unverified).
        const baud = d.length === 8 ? readU32(d, 0) : 0;
        if (d.length !== 8) code = StubResponse.BAD_DATA_LEN;
        else if (baud === 0 || baud > UART_MAX_BAUD) code = StubResponse.INVALID_COMMAND;
        else post = () => (this.ctx.changeBaud(baud), StubResponse.SUCCESS);
        break;
      }
      case Op.FLASH_BEGIN:
      case Op.FLASH_DEFL_BEGIN:
        code = this.flashBegin(d, r.op === Op.FLASH_DEFL_BEGIN);
        break;
      case Op.FLASH_DATA:
        [code, post] = this.flashData(r);
        break;
      case Op.FLASH_DEFL_DATA:
        [code, post] = this.flashDeflData(r);
        break;
      case Op.FLASH_END:
      case Op.FLASH_DEFL_END:
        code = this.flashEnd(d);
        break;
      case Op.MEM_BEGIN:
        if (d.length !== 16) code = StubResponse.BAD_DATA_LEN;
        else this.memOp = { remaining: readU32(d, 0), address: readU32(d, 12) };
        break;
      case Op.MEM_DATA:
        code = this.memData(d);
        break;
      case Op.MEM_END:
        [code, post] = this.memEnd(d);
        break;
      case Op.SPI_FLASH_MD5:
        [code, data] = this.flashMd5(d);
        break;
      case Op.GET_SECURITY_INFO:
        if (d.length !== 0) code = StubResponse.BAD_DATA_LEN;
        else if (this.ctx.chip.securityInfoChipId === null) code = StubResponse.CMD_NOT_IMPLEMENTED;
        else data = securityInfo(this.ctx.chip.securityInfoChipId);
        break;
      case Op.READ_FLASH:
        if (d.length !== 16) code = StubResponse.BAD_DATA_LEN;
        else post = () => this.startRead(readU32(d, 0), readU32(d, 4), readU32(d, 8));
        break;
      case Op.ERASE_FLASH:
        this.ctx.flashWork(this.ctx.flash.eraseChip());
        break;
      case Op.ERASE_REGION:
        code = this.eraseRegion(d);
        break;
      default:
        code = StubResponse.INVALID_COMMAND;
    }
    if (code !== StubResponse.SUCCESS) return this.respond(r.op, code);
    this.respond(r.op, StubResponse.SUCCESS, value, data);
    if (post !== null) this.carried = post();
  }

  private writeReg(d: Uint8Array): number {
    if (d.length === 0 || d.length % 16 !== 0) return StubResponse.NOT_ENOUGH_DATA;
    for (let i = 0; i < d.length; i += 16) {
      this.ctx.work(readU32(d, i + 12) / 1e6);
      this.ctx.registers.write(readU32(d, i), readU32(d, i + 4), readU32(d, i + 8));
    }
    return StubResponse.SUCCESS;
  }

  private flashBegin(d: Uint8Array, compressed: boolean): number {
    if (d.length !== 16 && d.length !== 20) return StubResponse.BAD_DATA_LEN;
    const size = readU32(d, 0);
    const offset = readU32(d, 12);
    const start = offset - (offset % SECTOR_SIZE);
    const end = Math.ceil((offset + size) / SECTOR_SIZE) * SECTOR_SIZE;
    if (end > this.ctx.flash.size) return StubResponse.FAILED_SPI_OP;
    this.flashOp = {
      offset,
      remaining: size,
      nextErase: start,
      eraseRemaining: end - start,
      inflate: compressed ? new Inflate({ chunkSize: 0x8000 }) : null,
    };
    this.startErase(this.flashOp);
    return StubResponse.SUCCESS;
  }

  private flashData(r: LoaderRequest): [number, PostProcess | null] {
    const op = this.flashOp;
    if (r.data.length < 16) return [StubResponse.NOT_ENOUGH_DATA, null];
    if (op === null) return [StubResponse.NOT_IN_FLASH_MODE, null];
    const payload = r.data.subarray(16);
    if (readU32(r.data, 0) !== payload.length) return [StubResponse.TOO_MUCH_DATA, null];
    if (checksum(payload) !== r.checksum) return [StubResponse.BAD_DATA_CHECKSUM, null];
    return [
      StubResponse.SUCCESS,
      () => this.writeFlash(op, payload.subarray(0, Math.min(payload.length, op.remaining))),
    ];
  }

  private flashDeflData(r: LoaderRequest): [number, PostProcess | null] {
    const op = this.flashOp;
    if (r.data.length < 16) return [StubResponse.BAD_DATA_LEN, null];
    if (op === null || op.inflate === null) return [StubResponse.NOT_IN_FLASH_MODE, null];
    if (op.remaining === 0 && r.data.length > 4) return [StubResponse.TOO_MUCH_DATA, null];
    const payload = r.data.subarray(16, 16 + readU32(r.data, 0));
    if (checksum(payload) !== r.checksum) return [StubResponse.BAD_DATA_CHECKSUM, null];
    const inflate = op.inflate;
    return [
      StubResponse.SUCCESS,
      () => {
        // The stub inflates into a 32 KiB buffer and writes it whenever it fills (pako's
        // chunkSize); before each inflate step it starts the next erase if the flash is idle.
        const out: Uint8Array[] = [];
        inflate.onData = (chunk) => out.push(chunk as Uint8Array);
        this.startErase(op);
        inflate.push(payload, false);
        for (const [i, chunk] of out.entries()) {
          const code = this.writeFlash(op, chunk);
          if (code !== StubResponse.SUCCESS) return code;
          if (i < out.length - 1 || !streamEnded(inflate)) this.startErase(op);
        }
        return inflate.err ? StubResponse.INFLATE_ERROR : StubResponse.SUCCESS;
      },
    ];
  }

  private flashEnd(d: Uint8Array): number {
    if (d.length !== 4) return StubResponse.BAD_DATA_LEN;
    if (this.flashOp === null) return StubResponse.NOT_IN_FLASH_MODE;
    if (this.flashOp.remaining !== 0) return StubResponse.BAD_DATA_LEN;
    this.flashOp = null; // the stub ignores the reboot flag (not implemented upstream)
    return StubResponse.SUCCESS;
  }

  /** Erases up to the end of `bytes` (waiting as needed), then programs them synchronously. */
  private writeFlash(op: FlashOperation, bytes: Uint8Array): number {
    if (bytes.length > op.remaining) return StubResponse.TOO_MUCH_DATA;
    while (op.nextErase < op.offset + bytes.length && op.eraseRemaining > 0) {
      this.ctx.waitFlash();
      this.startErase(op);
    }
    this.ctx.flashWork(this.ctx.flash.program(op.offset, bytes));
    op.offset += bytes.length;
    op.remaining -= bytes.length;
    return StubResponse.SUCCESS;
  }

  /**
   * Starts erasing the next unit of the operation's range (a 64 KiB block where aligned and
   * wholly needed, else a 4 KiB sector) without waiting for it; does nothing while the flash
   * chip is still busy or when nothing is left to erase.
   */
  private startErase(op: FlashOperation): void {
    if (op.eraseRemaining === 0 || !this.ctx.flashIdle()) return;
    const block = op.nextErase % BLOCK_SIZE === 0 && op.eraseRemaining >= BLOCK_SIZE;
    const unit = block ? BLOCK_SIZE : SECTOR_SIZE;
    const flash = this.ctx.flash;
    this.ctx.startFlash(block ? flash.eraseBlock(op.nextErase) : flash.eraseSector(op.nextErase));
    op.nextErase += unit;
    op.eraseRemaining -= unit;
  }

  private memData(d: Uint8Array): number {
    if (d.length < 16) return StubResponse.NOT_ENOUGH_DATA;
    if (this.memOp === null) return StubResponse.NOT_IN_FLASH_MODE;
    const size = readU32(d, 0);
    if (this.memOp.remaining < size || size !== d.length - 16) return StubResponse.TOO_MUCH_DATA;
    this.ctx.ram.write(this.memOp.address, d.subarray(16));
    this.memOp.address += size;
    this.memOp.remaining -= size;
    return StubResponse.SUCCESS;
  }

  private memEnd(d: Uint8Array): [number, PostProcess | null] {
    if (d.length !== 8) return [StubResponse.BAD_DATA_LEN, null];
    if (this.memOp === null) return [StubResponse.NOT_IN_FLASH_MODE, null];
    this.memOp = null;
    const flag = readU32(d, 0);
    const entry = readU32(d, 4);
    if (flag !== 0) return [StubResponse.SUCCESS, null];
    return [
      StubResponse.SUCCESS,
      () => {
        if (this.ctx.ram.contains(entry)) this.ctx.startStub(entry);
        else this.ctx.work(Number.POSITIVE_INFINITY);
        return StubResponse.SUCCESS;
      },
    ];
  }

  private flashMd5(d: Uint8Array): [number, Uint8Array] {
    if (d.length !== 16) return [StubResponse.BAD_DATA_LEN, new Uint8Array(0)];
    const address = readU32(d, 0);
    const size = readU32(d, 4);
    if (address + size > this.ctx.flash.size) return [StubResponse.FAILED_SPI_OP, new Uint8Array(0)];
    this.ctx.flashWork(this.ctx.flash.readTime(size));
    return [StubResponse.SUCCESS, md5(this.ctx.flash.read(address, size))];
  }

  private eraseRegion(d: Uint8Array): number {
    if (d.length !== 8) return StubResponse.BAD_DATA_LEN;
    const address = readU32(d, 0);
    const size = readU32(d, 4);
    if (address % SECTOR_SIZE || size % SECTOR_SIZE) return StubResponse.BAD_DATA_LEN;
    if (address + size > this.ctx.flash.size) return StubResponse.FAILED_SPI_OP;
    this.ctx.flashWork(this.ctx.flash.eraseRange(address, size));
    return StubResponse.SUCCESS;
  }

  private startRead(offset: number, size: number, packetSize: number): number {
    if (packetSize > MAX_READ_PACKET || packetSize === 0) return StubResponse.BAD_DATA_LEN;
    if (offset + size > this.ctx.flash.size) return StubResponse.FAILED_SPI_OP;
    this.readOp = {
      offset,
      remaining: size,
      size,
      packetSize,
      sent: 0,
      acked: 0,
      ackedBytes: 0,
      hash: md5.create(),
    };
    this.pumpRead();
    return StubResponse.SUCCESS;
  }

  private readAck(totalReceived: number): void {
    const op = this.readOp;
    if (op === null) return;
    op.ackedBytes = totalReceived;
    op.acked++;
    this.pumpRead();
  }

  /** Sends the next packet if the one before it was acknowledged; ends with the MD5. */
  private pumpRead(): void {
    const op = this.readOp;
    if (op === null) return;
    if (op.remaining > 0 && op.sent - op.acked < 1) {
      const n = Math.min(op.remaining, op.packetSize);
      this.ctx.flashWork(this.ctx.flash.readTime(n));
      const chunk = this.ctx.flash.read(op.offset, n);
      op.hash.update(chunk);
      this.ctx.send(chunk);
      op.offset += n;
      op.remaining -= n;
      op.sent++;
    }
    if (op.remaining === 0 && op.ackedBytes >= op.size) this.finishRead();
  }

  private finishRead(): void {
    const op = this.readOp;
    if (op === null) return;
    this.readOp = null;
    this.ctx.send(op.hash.digest());
  }

  private respond(op: number, code: number, value = 0, data: Uint8Array = new Uint8Array(0)): void {
    this.ctx.send(buildResponse(op, value, data, Uint8Array.of(code >> 8, code & 0xff)));
  }
}

/** Whether pako's inflater has reached the end of the zlib stream (its untyped `ended` flag). */
function streamEnded(inflate: Inflate): boolean {
  return (inflate as unknown as { ended: boolean }).ended;
}
