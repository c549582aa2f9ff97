/**
 * The packet format of the RA standard boot firmware, device side: `SOD LNH LNL CMD/RES data…
 * SUM ETX`, SOD 0x01 for a command and 0x81 for a data packet (host data, device replies),
 * LN = 1 + data length (data ≤ 1024 bytes), SUM the two's complement of LNH + LNL + CMD + data,
 * ETX 0x03. Replies carry the command code as RES, with bit 7 set and a status byte on error.
 */

/** Start of a command packet. */
export const SOD_COMMAND = 0x01;
/** Start of a data packet (host data, and every device reply). */
export const SOD_DATA = 0x81;
/** End of every packet. */
export const ETX = 0x03;
/** Most data bytes in one packet. */
export const MAX_DATA = 1024;

/** Command codes. */
export const CMD = {
  inquiry: 0x00,
  erase: 0x12,
  write: 0x13,
  read: 0x15,
  crc: 0x18,
  dlm: 0x2c,
  idAuthentication: 0x30,
  baudRate: 0x34,
  signature: 0x3a,
  areaInformation: 0x3b,
  boundary: 0x4f,
} as const;

/** Status codes of error replies. */
export const STATUS = {
  ok: 0x00,
  unsupported: 0xc0,
  packet: 0xc1,
  checksum: 0xc2,
  flow: 0xc3,
  address: 0xd0,
  baudMargin: 0xd4,
  protection: 0xda,
  id: 0xdb,
  serialDisabled: 0xdc,
  erase: 0xe1,
  write: 0xe2,
  sequencer: 0xe7,
} as const;

/** A received packet. */
export interface Frame {
  /** SOD_COMMAND or SOD_DATA. */
  sod: number;
  /** Command / response code. */
  code: number;
  /** Data bytes. */
  data: Uint8Array;
}

/** The checksum byte of a packet with these LN, code and data. */
export function frameSum(length: number, code: number, data: Uint8Array): number {
  let sum = ((length >> 8) & 0xff) + (length & 0xff) + code;
  for (const b of data) sum += b;
  return -sum & 0xff;
}

/** Builds one packet. */
export function encodeFrame(sod: number, code: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const length = data.length + 1;
  const out = new Uint8Array(data.length + 6);
  out[0] = sod;
  out[1] = (length >> 8) & 0xff;
  out[2] = length & 0xff;
  out[3] = code;
  out.set(data, 4);
  out[4 + data.length] = frameSum(length, code, data);
  out[5 + data.length] = ETX;
  return out;
}

/** A status reply: RES = code (bit 7 set on error), one status byte. */
export function statusReply(code: number, status: number): Uint8Array {
  return encodeFrame(SOD_DATA, status === STATUS.ok ? code : (code | 0x80) & 0xff, Uint8Array.of(status));
}

/** Result of feeding bytes to a {@link FrameReader}. */
export type FrameEvent = { kind: 'frame'; frame: Frame } | { kind: 'bad'; code: number; status: number };

/** Collects bytes into packets; bytes before a start-of-packet byte are dropped. */
export class FrameReader {
  private buffer: number[] = [];

  /** Drops anything partly received. */
  reset(): void {
    this.buffer = [];
  }

  /** True while a packet is partly received. */
  get busy(): boolean {
    return this.buffer.length > 0;
  }

  /** Adds one byte; returns a complete (or broken) packet when this byte ends one. */
  push(byte: number): FrameEvent | undefined {
    const b = this.buffer;
    if (b.length === 0 && byte !== SOD_COMMAND && byte !== SOD_DATA) return undefined;
    b.push(byte);
    if (b.length < 3) return undefined;
    const length = (b[1] << 8) | b[2];
    if (length === 0 || length > MAX_DATA + 1) {
      this.buffer = [];
      return { kind: 'bad', code: 0, status: STATUS.packet };
    }
    if (b.length < length + 5) return undefined;
    this.buffer = [];
    const code = b[3];
    const data = Uint8Array.from(b.slice(4, 3 + length));
    const sum = b[3 + length];
    if (b[4 + length] !== ETX) return { kind: 'bad', code, status: STATUS.packet };
    if (frameSum(length, code, data) !== sum) return { kind: 'bad', code, status: STATUS.checksum };
    return { kind: 'frame', frame: { sod: b[0], code, data } };
  }
}

/** Reads a big-endian 32-bit number. */
export function be32(bytes: Uint8Array, at = 0): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/** Writes a big-endian 32-bit number. */
export function putBe32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
