/**
 * The boot firmware's commands, one method each, over an {@link RaLink}: the UART handshake,
 * inquiry, signature, area information, baud rate, ID authentication, erase, write, read, CRC,
 * DLM state and TrustZone boundary requests. Every reply is checked; an error reply becomes the
 * WebProgError its status code stands for.
 */
import { WebProgError } from '../../../src/core/errors';
import type { RaLink } from './ra-link';
import {
  MAX_PACKET_DATA,
  RA_CMD,
  SOD_COMMAND,
  SOD_DATA,
  be32s,
  buildPacket,
  commandName,
  readBe32,
  replyError,
  type Reply,
} from './ra-protocol';

/** What kind of memory an area is (from the KOA byte). */
export type RaAreaKind = 'code' | 'data' | 'config' | 'other';

/** One area as the area information command reports it. */
export interface RaArea {
  /** Area number. */
  number: number;
  /** KOA byte. */
  koa: number;
  /** Kind of memory. */
  kind: RaAreaKind;
  /** First address. */
  start: number;
  /** Last address (inclusive). */
  end: number;
  /** Erase unit (0: not erasable). */
  eau: number;
  /** Write unit. */
  wau: number;
  /** Read unit. */
  rau: number;
  /** CRC unit (0: no chip-side CRC). */
  cau: number;
  /** True when the chip did not report its CRC unit (17-byte record) and `cau` is a guess. */
  cauAssumed?: boolean;
}

/** The signature reply. */
export interface RaSignature {
  /** Recommended maximum UART baud rate. */
  maxBaud: number;
  /** Number of areas. */
  areaCount: number;
  /** Device type code. */
  typ: number;
  /** Boot firmware version "major.minor.build". */
  bootFirmware: string;
  /** Device unique ID (hex), when reported. */
  deviceId?: string;
  /** Product name (e.g. "R7FA4M1AB3CFM"), when reported. */
  productName?: string;
}

/** Names of DLM states. */
export const DLM_STATES: Record<number, string> = {
  0x01: 'CM (chip manufacturing)',
  0x02: 'SSD (secure software development)',
  0x03: 'NSECSD (non-secure software development)',
  0x04: 'DPL (deployed)',
  0x05: 'LCK_DBG (locked debug)',
  0x06: 'LCK_BOOT (locked boot interface)',
  0x07: 'RMA_REQ (return material authorisation requested)',
  0x08: 'RMA_ACK (return material authorisation acknowledged)',
};

/** TrustZone boundary (KiB). */
export interface RaBoundary {
  /** Secure code flash without / with the non-secure callable part. */
  cfs1: number;
  cfs2: number;
  /** Secure data flash. */
  dfs: number;
  /** Secure SRAM without / with the non-secure callable part. */
  srs1: number;
  srs2: number;
}

/** Time limits of the commands. */
export interface RaTimeouts {
  /** A reply to a command without flash work, ms. */
  replyMs: number;
  /** Extra time per erase unit, ms (the datasheets' worst case is below 1 s for 32 KiB). */
  perEraseUnitMs: number;
}

/** Default time limits. */
export const DEFAULT_TIMEOUTS: RaTimeouts = { replyMs: 2000, perEraseUnitMs: 1000 };

function areaKind(koa: number): RaAreaKind {
  switch (koa >> 4) {
    case 0:
      return 'code';
    case 1:
      return 'data';
    case 2:
      return 'config';
    default:
      return 'other';
  }
}

/** Commands of the RA standard boot firmware. */
export class RaBootClient {
  constructor(
    readonly link: RaLink,
    private readonly timeouts: RaTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  /**
   * Sends 0x00 (on UART at 9600 baud, the rate the chip measures) until the chip answers 0x00
   * (a Cortex-M33 part answers the third in a row), then 0x55; returns the boot code (0xC3
   * Cortex-M4/M23, 0xC6 Cortex-M33, 0xC5 M85).
   */
  async handshake(): Promise<number> {
    let answered = false;
    for (let attempt = 0; attempt < 5 && !answered; attempt++) {
      await this.link.send(Uint8Array.of(0x00), 'Connect');
      try {
        const b = await this.link.read(1, 100, 'Connect');
        answered = b[0] === 0x00;
      } catch (error) {
        if (!(error instanceof WebProgError) || error.code !== 'TIMEOUT') throw error;
      }
    }
    if (!answered) {
      throw new WebProgError(
        'BOOT_MODE_REQUIRED',
        'Connect: the chip did not answer the boot-mode handshake (0x00, then 0x55). Put the board in boot mode (MD pin low at reset; see the steps for your board) and, on a USB-UART, check the TX/RX wiring.',
      );
    }
    await this.link.send(Uint8Array.of(0x55), 'Connect');
    const code = (await this.link.read(1, this.timeouts.replyMs, 'Connect'))[0];
    if (![0xc3, 0xc5, 0xc6].includes(code)) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `Connect: the chip answered 0x55 with 0x${code.toString(16)}, not an RA boot code (0xC3, 0xC5 or 0xC6).`,
      );
    }
    return code;
  }

  /** Sends a command and returns its (successful) reply. */
  async command(
    code: number,
    data: Uint8Array = new Uint8Array(0),
    timeoutMs = this.timeouts.replyMs,
    address?: number,
  ): Promise<Reply> {
    const what = `The ${commandName(code)} command`;
    await this.link.send(buildPacket(SOD_COMMAND, code, data), what);
    return this.expect(code, timeoutMs, what, address);
  }

  private async expect(code: number, timeoutMs: number, what: string, address?: number): Promise<Reply> {
    const reply = await this.link.readPacket(timeoutMs, what);
    if (reply.code === ((code | 0x80) & 0xff)) throw replyError(code, reply, address);
    if (reply.code !== code) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        `${what}: the chip answered with 0x${reply.code.toString(16)}.`,
      );
    }
    return reply;
  }

  /** Inquiry: the chip is there and in the command phase. */
  async inquiry(): Promise<void> {
    await this.command(RA_CMD.inquiry);
  }

  /**
   * The signature, in either layout: 12 bytes on RA2/RA4 parts (SCI frequency, RMB, NOA, TYP,
   * BFV major.minor) or 41 bytes on newer ones (RMB, NOA, TYP, BFV major.minor.build, device ID,
   * product name).
   */
  async signature(): Promise<RaSignature> {
    const d = (await this.command(RA_CMD.signature)).data;
    if (d.length === 12) {
      return { maxBaud: readBe32(d, 4), areaCount: d[8], typ: d[9], bootFirmware: `${d[10]}.${d[11]}` };
    }
    if (d.length < 9)
      throw new WebProgError('DEVICE_PROTOCOL', `The signature reply is too short (${d.length} bytes).`);
    const sig: RaSignature = {
      maxBaud: readBe32(d, 0),
      areaCount: d[4],
      typ: d[5],
      bootFirmware: `${d[6]}.${d[7]}.${d[8]}`,
    };
    if (d.length >= 25)
      sig.deviceId = [...d.subarray(9, 25)].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (d.length >= 41) {
      sig.productName = String.fromCharCode(...d.subarray(25, 41))
        .replace(/\0/g, ' ')
        .trim();
    }
    return sig;
  }

  /**
   * Area information for area `n`: 25-byte records, or 17-byte ones (RA2/RA4) without RAU and
   * CAU; for those the read unit is taken as 4 bytes and the CRC unit as the erase unit, marked
   * `cauAssumed` (the backend stops using CRC there if the chip refuses it).
   */
  async area(n: number): Promise<RaArea> {
    const d = (await this.command(RA_CMD.areaInformation, Uint8Array.of(n))).data;
    if (d.length < 17)
      throw new WebProgError('DEVICE_PROTOCOL', `The area ${n} record is too short (${d.length} bytes).`);
    const word = (i: number) => readBe32(d, 1 + i * 4);
    return {
      number: n,
      koa: d[0],
      kind: areaKind(d[0]),
      start: word(0),
      end: word(1),
      eau: word(2),
      wau: word(3),
      rau: d.length >= 25 ? word(4) : 4,
      cau: d.length >= 25 ? word(5) : word(2),
      ...(d.length >= 25 ? {} : { cauAssumed: true }),
    };
  }

  /** Sets the UART baud rate (the reply comes at the old rate). */
  async setBaud(baud: number): Promise<void> {
    await this.command(RA_CMD.baudRate, be32s(baud));
  }

  /** ID authentication with the 16-byte ID code. */
  async authenticate(id: Uint8Array): Promise<void> {
    await this.command(RA_CMD.idAuthentication, id);
  }

  /** Erases `[start, end]` (`units` erase units: sets the time limit). */
  async erase(start: number, end: number, units: number): Promise<void> {
    await this.command(
      RA_CMD.erase,
      be32s(start, end),
      this.timeouts.replyMs + units * this.timeouts.perEraseUnitMs,
      start,
    );
  }

  /** Writes `data` at `start` (aligned to the write unit); `onPacket` after each acknowledged packet. */
  async write(start: number, data: Uint8Array, onPacket?: (bytes: number) => void): Promise<void> {
    await this.command(RA_CMD.write, be32s(start, start + data.length - 1), this.timeouts.replyMs, start);
    for (let at = 0; at < data.length; at += MAX_PACKET_DATA) {
      const chunk = data.subarray(at, Math.min(data.length, at + MAX_PACKET_DATA));
      const what = 'Writing';
      await this.link.send(buildPacket(SOD_DATA, RA_CMD.write, chunk), what);
      await this.expect(RA_CMD.write, this.timeouts.replyMs, what, start + at);
      onPacket?.(chunk.length);
    }
  }

  /** Reads `[start, start + length)` (aligned to the read unit). */
  async read(start: number, length: number, onPacket?: (bytes: number) => void): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let reply = await this.command(
      RA_CMD.read,
      be32s(start, start + length - 1),
      this.timeouts.replyMs,
      start,
    );
    let filled = 0;
    for (;;) {
      if (reply.data.length === 0 || filled + reply.data.length > length) {
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `Reading: the chip sent ${reply.data.length} bytes where ${length - filled} were due.`,
        );
      }
      out.set(reply.data, filled);
      filled += reply.data.length;
      onPacket?.(reply.data.length);
      if (filled === length) return out;
      await this.link.send(buildPacket(SOD_DATA, RA_CMD.read, Uint8Array.of(0)), 'Reading');
      reply = await this.expect(RA_CMD.read, this.timeouts.replyMs, 'Reading', start + filled);
    }
  }

  /** CRC-32 the chip computes over `[start, start + length)` (aligned to the CRC unit). */
  async crc(start: number, length: number): Promise<number> {
    const d = (
      await this.command(RA_CMD.crc, be32s(start, start + length - 1), this.timeouts.replyMs * 4, start)
    ).data;
    if (d.length < 4) throw new WebProgError('DEVICE_PROTOCOL', 'The CRC reply is too short.');
    return readBe32(d, 0);
  }

  /** DLM state code, or undefined on chips without DLM. */
  async dlm(): Promise<number | undefined> {
    return this.optional(async () => (await this.command(RA_CMD.dlm)).data[0]);
  }

  /** TrustZone boundary, or undefined on chips without TrustZone. */
  async boundary(): Promise<RaBoundary | undefined> {
    return this.optional(async () => {
      const d = (await this.command(RA_CMD.boundary)).data;
      const w = (i: number) => (d[i * 2] << 8) | d[i * 2 + 1];
      return { cfs1: w(0), cfs2: w(1), dfs: w(2), srs1: w(3), srs2: w(4) };
    });
  }

  private async optional<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof WebProgError && error.code === 'NOT_SUPPORTED') return undefined;
      throw error;
    }
  }
}
