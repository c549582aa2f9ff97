/**
 * The RA standard boot firmware as a state machine, fed one byte at a time:
 *
 * - Connection, on UART and USB CDC alike: the chip waits for 0x00 (on UART sent at 9600 baud,
 *   the rate it measures), answers 0x00 (ACK), then 0x55 → the boot code (0xC3 Cortex-M4/M23,
 *   0xC6 Cortex-M33). The Cortex-M33 boot firmware answers only after three 0x00 in a row
 *   (Renesas's answer on its RA forum, citing §4.6 of the "Standard Boot Firmware for RA family
 *   MCUs based on Arm Cortex-M33" specification: "If 00h is received continuously for 3 bytes
 *   in either 2-wire UART communication or USB communication, ACK is transmitted"); the
 *   Cortex-M4 one after the first (raflash's USB connect relies on that: the 0x00 inside its
 *   first packet is answered with 0x00, then 0x55 with 0xC3). Both open-source hosts (raflash,
 *   radfu) do this handshake on USB too.
 * - Command phase: inquiry, signature, area information, baud rate (UART), ID authentication,
 *   erase, write, read, CRC, DLM state and TrustZone boundary requests (the last two on parts
 *   with DLM). With an ID code set, only the first five are accepted until the ID matches
 *   (ERR_PROT); every wrong ID is counted.
 * - Write phase: the host sends data packets (SOD 0x81) for `[SAD, EAD]`, each acknowledged.
 * - Read phase: the chip sends data packets, the host acknowledges each but the last.
 *
 * Flash follows NOR rules: erasing sets an erase unit to 0xFF, programming only clears bits.
 * Busy times come from the chip's datasheet ({@link RaChipSpec}).
 */
import { crc32 } from '../../core/checksum/crc32';
import type { RaAreaSpec, RaChipSpec } from './chips';
import {
  CMD,
  FrameReader,
  MAX_DATA,
  SOD_COMMAND,
  SOD_DATA,
  STATUS,
  be32,
  encodeFrame,
  putBe32,
  statusReply,
  type Frame,
} from './frames';

/** What the boot firmware sends after receiving a byte. */
export interface BootReply {
  /** Bytes to send. */
  bytes: Uint8Array;
  /** Time the chip works before it starts sending, µs (flash busy time, CRC). */
  busyUs: number;
  /** A baud-rate change that takes effect after the reply is sent (UART). */
  baudAfter?: number;
}

/** Options of {@link RaBootFirmware}. */
export interface RaBootFirmwareOptions {
  /** 'usb' (CDC, no handshake) or 'uart' (SCI, auto-baud handshake). */
  transport: 'usb' | 'uart';
  /** 16-byte ID code; when set (not all 0xFF), flash commands need ID authentication first. */
  idCode?: Uint8Array;
  /** After this many wrong ID codes the boot interface is disabled (ERR_SERI); default never. */
  idAttemptLimit?: number;
  /** Initial contents (absolute addresses). */
  flash?: readonly { address: number; data: Uint8Array }[];
  /** DLM state code (parts with DLM; default 0x02, SSD). */
  dlmState?: number;
  /** 16-byte device unique ID (default derived from the product name). */
  deviceId?: Uint8Array;
}

type Phase =
  | { kind: 'autobaud' }
  | { kind: 'sync' }
  | { kind: 'command' }
  | { kind: 'write'; area: number; next: number; end: number }
  | { kind: 'read'; area: number; next: number; end: number };

/** Counters tests look at. */
export interface BootCounters {
  /** Erase units erased. */
  erasedUnits: number;
  /** Bytes programmed. */
  programmedBytes: number;
  /** Write commands accepted. */
  writeCommands: number;
  /** Program operations over bytes that were not blank (a NOR rule violation on hardware). */
  overwrites: number;
  /** Wrong ID codes received. */
  failedIdAttempts: number;
  /** Packets received. */
  packets: number;
}

/** The simulated boot firmware of one RA chip. */
export class RaBootFirmware {
  /** Live flash contents per area (index = area number). */
  readonly memory: Uint8Array[];
  /** Counters. */
  readonly counters: BootCounters = {
    erasedUnits: 0,
    programmedBytes: 0,
    writeCommands: 0,
    overwrites: 0,
    failedIdAttempts: 0,
    packets: 0,
  };
  /** Fault switch: the next erase command fails with ERR_ERA after its busy time. */
  failNextErase = false;
  /** DLM state code. */
  dlmState: number;
  private phase: Phase;
  /** 0x00 bytes received in a row while waiting for the connection. */
  private zeros = 0;
  private readonly reader = new FrameReader();
  private authenticated: boolean;
  private readonly idCode: Uint8Array | undefined;
  private readonly deviceId: Uint8Array;

  constructor(
    readonly spec: RaChipSpec,
    private readonly options: RaBootFirmwareOptions,
  ) {
    this.memory = spec.areas.map((a) => new Uint8Array(a.end - a.start + 1).fill(0xff));
    for (const piece of options.flash ?? []) this.load(piece.address, piece.data);
    const id = options.idCode;
    this.idCode = id && id.some((b) => b !== 0xff) ? Uint8Array.from(id) : undefined;
    this.authenticated = this.idCode === undefined;
    this.dlmState = options.dlmState ?? 0x02;
    this.deviceId =
      options.deviceId ??
      Uint8Array.from({ length: 16 }, (_, i) => spec.productName.charCodeAt(i % 8) ^ (i * 37));
    this.phase = { kind: 'autobaud' };
  }

  /** True once the host may send commands (after the handshake on UART). */
  get inCommandPhase(): boolean {
    return this.phase.kind !== 'autobaud' && this.phase.kind !== 'sync';
  }

  /** True while an ID code protects the chip and has not been matched. */
  get locked(): boolean {
    return !this.authenticated;
  }

  /** Reads flash directly (tests). */
  peek(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length).fill(0xff);
    for (let i = 0; i < length; i++) {
      const at = this.locate(address + i);
      if (at) out[i] = this.memory[at.area][at.offset];
    }
    return out;
  }

  /** Writes flash directly, ignoring NOR rules (tests, initial contents). */
  load(address: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const at = this.locate(address + i);
      if (!at) throw new RangeError(`0x${(address + i).toString(16)} is in no area of ${this.spec.group}`);
      this.memory[at.area][at.offset] = data[i];
    }
  }

  /** Back to the state after reset (the flash keeps its contents; the ID must be given again). */
  reset(): void {
    this.reader.reset();
    this.authenticated = this.idCode === undefined;
    this.phase = { kind: 'autobaud' };
    this.zeros = 0;
  }

  /**
   * One byte from the host, received at `hostBaud` (UART; the auto-baud measurement only
   * succeeds at 9600). Returns what the chip sends back, if anything.
   */
  receive(byte: number, hostBaud: number): BootReply | undefined {
    const phase = this.phase;
    if (phase.kind === 'autobaud') {
      // On UART the chip measures the low period of 0x00 sent at 9600 baud; anything else is
      // noise. On USB the rate does not matter.
      if (byte !== 0x00 || (this.options.transport === 'uart' && hostBaud !== 9600)) {
        this.zeros = 0;
        return undefined;
      }
      this.zeros++;
      if (this.zeros < (this.spec.core === 'Cortex-M33' ? 3 : 1)) return undefined;
      this.zeros = 0;
      this.phase = { kind: 'sync' };
      return { bytes: Uint8Array.of(0x00), busyUs: 0 };
    }
    if (phase.kind === 'sync') {
      if (byte === 0x55) {
        this.phase = { kind: 'command' };
        return { bytes: Uint8Array.of(this.spec.bootCode), busyUs: 0 };
      }
      return undefined;
    }
    const event = this.reader.push(byte);
    if (!event) return undefined;
    this.counters.packets++;
    if (event.kind === 'bad') {
      if (this.phase.kind !== 'command') this.phase = { kind: 'command' };
      return { bytes: statusReply(event.code, event.status), busyUs: 0 };
    }
    return this.packet(event.frame);
  }

  private packet(frame: Frame): BootReply {
    const phase = this.phase;
    if (phase.kind === 'write') {
      if (frame.sod !== SOD_DATA || frame.code !== CMD.write) {
        this.phase = { kind: 'command' };
        return { bytes: statusReply(frame.code, STATUS.flow), busyUs: 0 };
      }
      return this.writeData(phase, frame.data);
    }
    if (phase.kind === 'read') {
      if (frame.sod !== SOD_DATA || frame.code !== CMD.read || frame.data.length !== 1) {
        this.phase = { kind: 'command' };
        return { bytes: statusReply(frame.code, STATUS.flow), busyUs: 0 };
      }
      if (frame.data[0] !== STATUS.ok) {
        // The host gave up the read.
        this.phase = { kind: 'command' };
        return { bytes: new Uint8Array(0), busyUs: 0 };
      }
      return this.readNext(phase);
    }
    if (frame.sod !== SOD_COMMAND) return { bytes: statusReply(frame.code, STATUS.flow), busyUs: 0 };
    return this.command(frame.code, frame.data);
  }

  private command(code: number, data: Uint8Array): BootReply {
    const reply = (bytes: Uint8Array, busyUs = 0): BootReply => ({ bytes, busyUs });
    const status = (s: number) => reply(statusReply(code, s));
    const open = [CMD.inquiry, CMD.signature, CMD.areaInformation, CMD.baudRate, CMD.idAuthentication];
    if (
      this.options.idAttemptLimit !== undefined &&
      this.counters.failedIdAttempts >= this.options.idAttemptLimit
    )
      return status(STATUS.serialDisabled);
    switch (code) {
      case CMD.inquiry:
        return status(data.length === 0 ? STATUS.ok : STATUS.packet);
      case CMD.signature:
        return data.length === 0
          ? reply(encodeFrame(SOD_DATA, code, this.signature()))
          : status(STATUS.packet);
      case CMD.areaInformation: {
        if (data.length !== 1) return status(STATUS.packet);
        const area = this.spec.areas[data[0]];
        if (!area) return status(STATUS.address);
        const record = areaRecord(area);
        return reply(
          encodeFrame(SOD_DATA, code, this.spec.layout === 'short' ? record.subarray(0, 17) : record),
        );
      }
      case CMD.baudRate: {
        if (data.length !== 4) return status(STATUS.packet);
        const baud = be32(data);
        if (this.options.transport === 'usb') return status(STATUS.ok);
        if (baud < 9600 || baud > this.spec.maxBaud) return status(STATUS.baudMargin);
        return { bytes: statusReply(code, STATUS.ok), busyUs: 0, baudAfter: baud };
      }
      case CMD.idAuthentication:
        if (data.length !== 16) return status(STATUS.packet);
        if (this.idCode === undefined) return status(STATUS.ok);
        if (data.every((b, i) => b === this.idCode![i])) {
          this.authenticated = true;
          return status(STATUS.ok);
        }
        this.counters.failedIdAttempts++;
        return status(STATUS.id);
    }
    if (!open.includes(code as (typeof open)[number]) && !this.authenticated) {
      const known = [CMD.erase, CMD.write, CMD.read, CMD.crc, CMD.dlm, CMD.boundary];
      if (known.includes(code as (typeof known)[number])) return status(STATUS.protection);
    }
    switch (code) {
      case CMD.erase:
        return this.erase(data);
      case CMD.write:
        return this.startWrite(data);
      case CMD.read:
        return this.startRead(data);
      case CMD.crc:
        return this.crc(data);
      case CMD.dlm:
        if (!this.spec.dlm) return status(STATUS.unsupported);
        return data.length === 0
          ? reply(encodeFrame(SOD_DATA, code, Uint8Array.of(this.dlmState)))
          : status(STATUS.packet);
      case CMD.boundary: {
        const b = this.spec.boundary;
        if (!b) return status(STATUS.unsupported);
        const out = new Uint8Array(10);
        [b.cfs1, b.cfs2, b.dfs, b.srs1, b.srs2].forEach((v, i) => {
          out[i * 2] = (v >> 8) & 0xff;
          out[i * 2 + 1] = v & 0xff;
        });
        return reply(encodeFrame(SOD_DATA, code, out));
      }
      default:
        return status(STATUS.unsupported);
    }
  }

  private signature(): Uint8Array {
    if (this.spec.layout === 'short') {
      const out = new Uint8Array(12);
      putBe32(out, 0, this.spec.sciHz ?? 0);
      putBe32(out, 4, this.spec.maxBaud);
      out[8] = this.spec.areas.length;
      out[9] = this.spec.typ;
      out[10] = this.spec.bootFirmwareVersion[0];
      out[11] = this.spec.bootFirmwareVersion[1];
      return out;
    }
    const out = new Uint8Array(41);
    putBe32(out, 0, this.spec.maxBaud);
    out[4] = this.spec.areas.length;
    out[5] = this.spec.typ;
    out.set(this.spec.bootFirmwareVersion, 6);
    out.set(this.deviceId.subarray(0, 16), 9);
    for (let i = 0; i < 16; i++) out[25 + i] = this.spec.productName.charCodeAt(i) || 0x20;
    return out;
  }

  /** The area holding `[start, end]` with both ends aligned to `unit(area)`, or a status. */
  private range(
    data: Uint8Array,
    unit: (a: RaAreaSpec) => number,
  ): { area: number; start: number; end: number } | number {
    if (data.length !== 8) return STATUS.packet;
    const start = be32(data, 0);
    const end = be32(data, 4);
    const index = this.spec.areas.findIndex((a) => start >= a.start && start <= a.end);
    if (index < 0 || end < start) return STATUS.address;
    const area = this.spec.areas[index];
    const u = unit(area);
    if (end > area.end || u === 0 || (start - area.start) % u !== 0 || (end + 1 - area.start) % u !== 0)
      return STATUS.address;
    return { area: index, start, end };
  }

  private erase(data: Uint8Array): BootReply {
    const r = this.range(data, (a) => a.eau);
    if (typeof r === 'number') return { bytes: statusReply(CMD.erase, r), busyUs: 0 };
    const area = this.spec.areas[r.area];
    const units = (r.end - r.start + 1) / area.eau;
    const busyUs = units * area.eraseUs;
    if (this.failNextErase) {
      this.failNextErase = false;
      return { bytes: statusReply(CMD.erase, STATUS.erase), busyUs };
    }
    this.memory[r.area].fill(0xff, r.start - area.start, r.end - area.start + 1);
    this.counters.erasedUnits += units;
    return { bytes: statusReply(CMD.erase, STATUS.ok), busyUs };
  }

  private startWrite(data: Uint8Array): BootReply {
    const r = this.range(data, (a) => a.wau);
    if (typeof r === 'number') return { bytes: statusReply(CMD.write, r), busyUs: 0 };
    this.counters.writeCommands++;
    this.phase = { kind: 'write', area: r.area, next: r.start, end: r.end };
    return { bytes: statusReply(CMD.write, STATUS.ok), busyUs: 0 };
  }

  private writeData(phase: Extract<Phase, { kind: 'write' }>, data: Uint8Array): BootReply {
    const area = this.spec.areas[phase.area];
    const remaining = phase.end - phase.next + 1;
    if (data.length === 0 || data.length > MAX_DATA || data.length > remaining) {
      this.phase = { kind: 'command' };
      return { bytes: statusReply(CMD.write, STATUS.packet), busyUs: 0 };
    }
    const mem = this.memory[phase.area];
    const offset = phase.next - area.start;
    for (let i = 0; i < data.length; i++) {
      const old = mem[offset + i];
      if (old !== 0xff && data[i] !== 0xff) this.counters.overwrites++;
      mem[offset + i] = old & data[i];
    }
    this.counters.programmedBytes += data.length;
    const busyUs = Math.ceil(data.length / area.programUnit) * area.programUs;
    phase.next += data.length;
    if (phase.next > phase.end) this.phase = { kind: 'command' };
    return { bytes: statusReply(CMD.write, STATUS.ok), busyUs };
  }

  private startRead(data: Uint8Array): BootReply {
    const r = this.range(data, (a) => a.rau);
    if (typeof r === 'number') return { bytes: statusReply(CMD.read, r), busyUs: 0 };
    const phase: Extract<Phase, { kind: 'read' }> = { kind: 'read', area: r.area, next: r.start, end: r.end };
    this.phase = phase;
    return this.readNext(phase);
  }

  private readNext(phase: Extract<Phase, { kind: 'read' }>): BootReply {
    const area = this.spec.areas[phase.area];
    const n = Math.min(MAX_DATA, phase.end - phase.next + 1);
    const offset = phase.next - area.start;
    const bytes = encodeFrame(SOD_DATA, CMD.read, this.memory[phase.area].slice(offset, offset + n));
    phase.next += n;
    if (phase.next > phase.end) this.phase = { kind: 'command' };
    return { bytes, busyUs: 0 };
  }

  private crc(data: Uint8Array): BootReply {
    const r = this.range(data, (a) => a.cau);
    if (typeof r === 'number') return { bytes: statusReply(CMD.crc, r), busyUs: 0 };
    const area = this.spec.areas[r.area];
    const bytes = this.memory[r.area].subarray(r.start - area.start, r.end - area.start + 1);
    const out = new Uint8Array(4);
    putBe32(out, 0, crc32(bytes));
    return { bytes: encodeFrame(SOD_DATA, CMD.crc, out), busyUs: bytes.length / this.spec.crcBytesPerUs };
  }

  private locate(address: number): { area: number; offset: number } | undefined {
    const area = this.spec.areas.findIndex((a) => address >= a.start && address <= a.end);
    return area < 0 ? undefined : { area, offset: address - this.spec.areas[area].start };
  }
}

/** The 25-byte area information record: KOA, SAD, EAD, EAU, WAU, RAU, CAU (big-endian). */
export function areaRecord(area: RaAreaSpec): Uint8Array {
  const out = new Uint8Array(25);
  out[0] = area.koa;
  [area.start, area.end, area.eau, area.wau, area.rau, area.cau].forEach((v, i) =>
    putBe32(out, 1 + i * 4, v),
  );
  return out;
}
