/**
 * The RL78 boot firmware's command processor in flash memory programming mode (R01AN0815,
 * "RL78 Protocol A"): it collects command and data frames byte by byte, checks their sums,
 * runs the command on the flash and answers with status and data frames. Time: each byte
 * arrives at a modeled time; the firmware answers no sooner than it has finished the work
 * before (flash busy times from `RL78_TIMING`).
 *
 * Replies, as the application note lays them out:
 * - Reset: status. Baud Rate Set: one frame `ACK, MHz, mode` (0 full-speed, 1 wide-voltage),
 *   then the UART runs at the new rate.
 * - Silicon Signature, Checksum, Security Get: status, then a data frame.
 * - Block Erase, Block Blank Check: status (blank check: ACK = blank, 0x1B = not blank).
 * - Programming: status; after each data frame a 2-byte status (reception, write); after the
 *   last frame the completion status (internal verify: the programmed zeros hold; a 1 written
 *   over a 0 is not an internal verify failure, it shows at Verify).
 * - Verify: status; after each data frame a 2-byte status (reception, compare: 0x0F on a
 *   difference).
 * - Security Set: status; then one 8-byte data frame (FLG, BOT, window start L/H, window end
 *   L/H, 2 reserved), answered with a status once written. Prohibitions only ever tighten
 *   (a 0 bit stays 0) except the programming prohibition, which Security Release lifts when
 *   neither block erase nor boot cluster rewrite is prohibited.
 *
 * Parameter rules of the model: Block Erase takes a block start; Block Blank Check whole
 * blocks; Programming, Verify and Checksum 256-byte units (start …00, end …FF); every range in
 * one area (code or data flash), else status 0x05.
 */
import { BLOCK_SIZE, RL78_TIMING, type Rl78ChipSpec } from './chips';
import { SecurityFlag, type Rl78Flash } from './flash';
import {
  BAUD_RATES,
  Command,
  ETB,
  ETX,
  SOH,
  STX,
  Status,
  dataFrame,
  frameSum,
  readAddress,
} from './protocol';

/** What the firmware needs from the board. */
export interface FirmwareContext {
  /** Sends bytes from the chip no sooner than modeled time `at`; returns when the last leaves. */
  send(bytes: Uint8Array, at: number): number;
  /** Switches the chip's UART to `baud` from modeled time `at`. */
  setBaud(baud: number, at: number): void;
}

type Transfer =
  { kind: 'programming' | 'verify'; start: number; end: number; next: number } | { kind: 'security-set' };

/** Counters for tests. */
export interface FirmwareStats {
  /** Command frames accepted (good sum). */
  commands: number;
  /** Frames refused for a bad sum. */
  checksumErrors: number;
  /** Blocks erased. */
  blocksErased: number;
}

/** The boot firmware of one chip, from mode entry until the next reset. */
export class Rl78BootFirmware {
  /** Counters since this firmware started. */
  readonly stats: FirmwareStats = { commands: 0, checksumErrors: 0, blocksErased: 0 };
  private buffer: number[] = [];
  private busyUntil = 0;
  private transfer: Transfer | null = null;

  constructor(
    private readonly chip: Rl78ChipSpec,
    private readonly flash: Rl78Flash,
    private readonly context: FirmwareContext,
  ) {}

  /** Bytes the chip's UART received, the last at modeled time `at`. */
  receive(bytes: Uint8Array, at: number): void {
    for (const b of bytes) {
      this.buffer.push(b);
      this.parse(at);
    }
  }

  private parse(at: number): void {
    const buf = this.buffer;
    // Wait for a frame start; anything else on the line is ignored.
    while (buf.length > 0 && buf[0] !== SOH && !(this.transfer !== null && buf[0] === STX)) buf.shift();
    if (buf.length < 2) return;
    const len = buf[1] === 0 ? 256 : buf[1];
    const total = len + 4;
    if (buf.length < total) return;
    const frame = Uint8Array.from(buf.splice(0, total));
    const body = frame.subarray(1, len + 2);
    const sumOk = frameSum(body) === frame[len + 2];
    const end = frame[len + 3];
    const t = Math.max(at, this.busyUntil) + RL78_TIMING.commandSeconds;
    if (frame[0] === SOH) {
      // A new command abandons any unfinished transfer.
      this.transfer = null;
      if (!sumOk || end !== ETX) {
        this.stats.checksumErrors++;
        this.reply([Status.checksumError], t);
        return;
      }
      this.stats.commands++;
      this.command(frame[2], frame.subarray(3, len + 2), t);
      return;
    }
    this.data(frame.subarray(2, len + 2), sumOk && (end === ETX || end === ETB), end === ETX, t);
  }

  private reply(data: number[] | Uint8Array, at: number): number {
    this.busyUntil = this.context.send(dataFrame(Uint8Array.from(data)), at);
    return this.busyUntil;
  }

  private command(code: number, data: Uint8Array, t: number): void {
    switch (code) {
      case Command.reset:
        this.reply([Status.ack], t);
        return;
      case Command.baudRateSet:
        return this.baudRateSet(data, t);
      case Command.siliconSignature:
        return this.signature(t);
      case Command.blockErase:
        return this.blockErase(data, t);
      case Command.blockBlankCheck:
        return this.blankCheck(data, t);
      case Command.programming:
      case Command.verify:
        return this.startTransfer(code === Command.programming ? 'programming' : 'verify', data, t);
      case Command.checksum:
        return this.checksum(data, t);
      case Command.securityGet:
        return this.securityGet(t);
      case Command.securitySet:
        this.transfer = { kind: 'security-set' };
        this.reply([Status.ack], t);
        return;
      case Command.securityRelease:
        return this.securityRelease(t);
      default:
        this.reply([Status.commandNumberError], t);
    }
  }

  private baudRateSet(data: Uint8Array, t: number): void {
    const code = data[0];
    const voltage = data[1];
    if (data.length !== 2 || code >= BAUD_RATES.length || voltage < 18 || voltage > 55) {
      this.reply([Status.parameterError], t);
      return;
    }
    const fullSpeed = voltage >= 27;
    const mhz = fullSpeed ? this.chip.fullSpeedMhz : this.chip.wideVoltageMhz;
    const done = this.reply([Status.ack, mhz, fullSpeed ? 0 : 1], t);
    this.context.setBaud(BAUD_RATES[code], done);
  }

  private signature(t: number): void {
    const out = new Uint8Array(22);
    out.set(this.chip.deviceCode, 0);
    for (let i = 0; i < 10; i++) out[3 + i] = this.chip.signatureName.charCodeAt(i) || 0x20;
    const put24 = (offset: number, v: number) => {
      out[offset] = v & 0xff;
      out[offset + 1] = (v >> 8) & 0xff;
      out[offset + 2] = (v >> 16) & 0xff;
    };
    put24(13, this.flash.codeEnd);
    put24(16, this.flash.dataEnd);
    out.set(this.chip.firmwareVersion, 19);
    const after = this.reply([Status.ack], t);
    this.reply(out, after);
  }

  /** The range `[start, end]` if it lies in one area with the given alignment, else null. */
  private range(start: number, end: number, unit: number): boolean {
    return start % unit === 0 && (end + 1) % unit === 0 && this.flash.area(start, end) !== undefined;
  }

  private protectedRewrite(start: number): boolean {
    const f = this.flash.security.flags;
    return (
      (f & SecurityFlag.bootClusterProhibited) === 0 &&
      this.flash.area(start, start)?.base === 0 &&
      this.flash.inBootCluster(start)
    );
  }

  private blockErase(data: Uint8Array, t: number): void {
    const start = readAddress(data, 0);
    if (data.length !== 3 || !this.range(start, start + BLOCK_SIZE - 1, BLOCK_SIZE)) {
      this.reply([Status.parameterError], t);
      return;
    }
    const f = this.flash.security.flags;
    const both = SecurityFlag.blockEraseProhibited | SecurityFlag.programmingProhibited;
    const prohibited = (f & both) !== both;
    if (prohibited || this.protectedRewrite(start)) {
      this.reply([Status.protectError], t);
      return;
    }
    this.flash.eraseBlock(start);
    this.stats.blocksErased++;
    this.reply([Status.ack], t + RL78_TIMING.blockEraseSeconds);
  }

  private blankCheck(data: Uint8Array, t: number): void {
    const start = readAddress(data, 0);
    const end = readAddress(data, 3);
    if (data.length !== 7 || data[6] > 1 || !this.range(start, end, BLOCK_SIZE)) {
      this.reply([Status.parameterError], t);
      return;
    }
    const bytes = this.flash.read(start, end);
    const blank = bytes.every((b) => b === 0xff);
    const blocks = (end + 1 - start) / BLOCK_SIZE;
    this.reply([blank ? Status.ack : Status.blankError], t + blocks * RL78_TIMING.blankCheckBlockSeconds);
  }

  private startTransfer(kind: 'programming' | 'verify', data: Uint8Array, t: number): void {
    const start = readAddress(data, 0);
    const end = readAddress(data, 3);
    if (data.length !== 6 || !this.range(start, end, 256)) {
      this.reply([Status.parameterError], t);
      return;
    }
    if (kind === 'programming') {
      const f = this.flash.security.flags;
      if ((f & SecurityFlag.programmingProhibited) === 0 || this.protectedRewrite(start)) {
        this.reply([Status.protectError], t);
        return;
      }
    }
    this.transfer = { kind, start, end, next: start };
    this.reply([Status.ack], t);
  }

  private data(payload: Uint8Array, ok: boolean, last: boolean, t: number): void {
    const transfer = this.transfer;
    if (transfer === null) return;
    if (transfer.kind === 'security-set') {
      this.transfer = null;
      if (!ok) {
        this.stats.checksumErrors++;
        this.reply([Status.checksumError], t);
        return;
      }
      this.securitySet(payload, t);
      return;
    }
    if (!ok) {
      this.stats.checksumErrors++;
      this.transfer = null;
      this.reply([Status.checksumError, Status.checksumError], t);
      return;
    }
    const remaining = transfer.end + 1 - transfer.next;
    const expected = Math.min(256, remaining);
    if (payload.length !== expected || last !== (remaining === payload.length)) {
      this.transfer = null;
      this.reply([Status.parameterError, Status.parameterError], t);
      return;
    }
    const address = transfer.next;
    transfer.next += payload.length;
    if (transfer.kind === 'programming') {
      this.flash.program(address, payload);
      const done = t + RL78_TIMING.program256Seconds * (payload.length / 256);
      // Internal verify: every bit the data clears is clear in the cells.
      const cells = this.flash.read(address, address + payload.length - 1);
      const held = payload.every((b, i) => (cells[i] & ~b & 0xff) === 0);
      const after = this.reply([Status.ack, held ? Status.ack : Status.writeError], done);
      if (last) {
        this.transfer = null;
        this.reply([held ? Status.ack : Status.blankError], after);
      }
      return;
    }
    const cells = this.flash.read(address, address + payload.length - 1);
    const same = payload.every((b, i) => b === cells[i]);
    if (last) this.transfer = null;
    this.reply(
      [Status.ack, same ? Status.ack : Status.verifyError],
      t + payload.length * RL78_TIMING.readByteSeconds,
    );
  }

  private checksum(data: Uint8Array, t: number): void {
    const start = readAddress(data, 0);
    const end = readAddress(data, 3);
    if (data.length !== 6 || !this.range(start, end, 256)) {
      this.reply([Status.parameterError], t);
      return;
    }
    let sum = 0;
    for (const b of this.flash.read(start, end)) sum = (sum - b) & 0xffff;
    const after = this.reply([Status.ack], t);
    const ready = Math.max(after, t + (end + 1 - start) * RL78_TIMING.readByteSeconds);
    this.reply([sum & 0xff, sum >> 8], ready);
  }

  private securityGet(t: number): void {
    const s = this.flash.security;
    const after = this.reply([Status.ack], t);
    this.reply(
      [
        s.flags,
        s.bootBlock,
        s.windowStart & 0xff,
        s.windowStart >> 8,
        s.windowEnd & 0xff,
        s.windowEnd >> 8,
        0x03,
        0x03,
      ],
      after,
    );
  }

  private securitySet(payload: Uint8Array, t: number): void {
    if (payload.length !== 8) {
      this.reply([Status.parameterError], t);
      return;
    }
    const s = this.flash.security;
    const blocks = this.chip.codeFlashSize / BLOCK_SIZE;
    const windowStart = payload[2] | (payload[3] << 8);
    const windowEnd = payload[4] | (payload[5] << 8);
    if (windowStart > windowEnd || windowEnd >= blocks || payload[1] >= blocks) {
      this.reply([Status.parameterError], t);
      return;
    }
    // A prohibition once set stays set: Security Set cannot turn a 0 bit back into 1.
    const lifted = ~s.flags & payload[0] & 0xff;
    if (lifted !== 0) {
      this.reply([Status.protectError], t);
      return;
    }
    this.flash.security = { flags: payload[0], bootBlock: payload[1], windowStart, windowEnd };
    this.reply([Status.ack], t + RL78_TIMING.securityWriteSeconds);
  }

  private securityRelease(t: number): void {
    const s = this.flash.security;
    const permanent = SecurityFlag.blockEraseProhibited | SecurityFlag.bootClusterProhibited;
    if ((s.flags & permanent) !== permanent) {
      this.reply([Status.protectError], t);
      return;
    }
    this.flash.security = { ...s, flags: s.flags | SecurityFlag.programmingProhibited };
    this.reply([Status.ack], t + RL78_TIMING.securityWriteSeconds);
  }
}
