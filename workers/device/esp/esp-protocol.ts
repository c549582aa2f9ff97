/**
 * The parts of the ESP serial bootloader protocol the ESP backend drives itself (everything
 * else goes through esptool-js 0.7.0): command numbers, request packets, stub replies, and the
 * translation of esptool-js failures into `WebProgError`s.
 *
 * Packet layouts follow esptool's `docs/en/advanced-topics/serial-protocol.rst`
 * (/work/shared/reference/esp-serial-protocol.md §2–§4).
 */
import { WebProgError, type ErrorCode } from '../../../src/core/errors';

/** Command numbers (esptool `loader.py`). */
export const EspOp = {
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  READ_REG: 0x0a,
} as const;

/** The flash sector: the unit ESP loaders erase (`FLASH_SECTOR_SIZE`). */
export const SECTOR_SIZE = 0x1000;
/** Largest data block the stub takes over a USB-UART bridge (esptool `STUB_FLASH_WRITE_SIZE`). */
export const STUB_BLOCK_SIZE = 0x4000;

/** Stub error codes (first status byte), esptool `stub_flasher.h` / esp-flasher-stub `commands.h`. */
const STUB_ERRORS: Record<number, string> = {
  0xc0: 'bad data length',
  0xc1: 'bad data checksum',
  0xc2: 'bad block size',
  0xc3: 'invalid command',
  0xc4: 'SPI operation failed',
  0xc5: 'SPI unlock failed',
  0xc6: 'not in flash mode',
  0xc7: 'inflate error',
  0xc8: 'not enough data',
  0xc9: 'too much data',
  0xff: 'command not implemented',
};

/** Little-endian u32 words as bytes. */
export function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return out;
}

/** The data checksum of FLASH_DATA / FLASH_DEFL_DATA: 0xEF XOR every payload byte. */
export function dataChecksum(payload: Uint8Array): number {
  let sum = 0xef;
  for (const b of payload) sum ^= b;
  return sum;
}

/** A request packet (before SLIP framing): direction 0, op, length, checksum, data. */
export function requestPacket(op: number, data: Uint8Array, checksum = 0): Uint8Array {
  const packet = new Uint8Array(8 + data.length);
  const view = new DataView(packet.buffer);
  packet[0] = 0x00;
  packet[1] = op;
  view.setUint16(2, data.length, true);
  view.setUint32(4, checksum >>> 0, true);
  packet.set(data, 8);
  return packet;
}

/** A FLASH_DEFL_DATA request carrying compressed block `seq`. */
export function deflateDataPacket(block: Uint8Array, seq: number): Uint8Array {
  const data = new Uint8Array(16 + block.length);
  data.set(words(block.length, seq, 0, 0), 0);
  data.set(block, 16);
  return requestPacket(EspOp.FLASH_DEFL_DATA, data, dataChecksum(block));
}

/** A parsed stub reply. */
export interface StubReply {
  /** The op it answers. */
  op: number;
  /** The `value` word (READ_REG result). */
  value: number;
  /** Data before the two status bytes. */
  data: Uint8Array;
  /** First status byte: 0 = success. */
  status: number;
  /** Second status byte. */
  error: number;
}

/** Parses a stub reply packet (two status bytes); undefined for anything that is not a reply. */
export function parseStubReply(packet: Uint8Array): StubReply | undefined {
  if (packet.length < 10 || packet[0] !== 0x01) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const length = view.getUint16(2, true);
  if (8 + length > packet.length || length < 2) return undefined;
  return {
    op: packet[1],
    value: view.getUint32(4, true),
    data: packet.slice(8, 8 + length - 2),
    status: packet[8 + length - 2],
    error: packet[8 + length - 1],
  };
}

/** Words for a failed stub reply. */
export function describeStubStatus(status: number, error: number): string {
  const name = STUB_ERRORS[status] ?? STUB_ERRORS[error];
  return `status 0x${status.toString(16)}${name ? ` (${name})` : ''}`;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True for the errors Web Serial raises when the board is unplugged. */
export function isDeviceLost(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /NetworkError|device has been lost|device lost|port is closed|not open/i.test(text);
}

/**
 * Turns whatever esptool-js or Web Serial threw into a `WebProgError` with a code a person
 * can act on; `what` names the step ("Write", "Connect").
 */
export function toEspError(error: unknown, what: string): WebProgError {
  if (error instanceof WebProgError) return error;
  const message = error instanceof Error ? error.message : String(error);
  let code: ErrorCode = 'DEVICE_PROTOCOL';
  let text = `${what}: the board answered something unexpected (${message}).`;
  if (isDeviceLost(error)) {
    code = 'DEVICE_LOST';
    text = `${what}: the board was disconnected (${message}). Plug it in again and reconnect.`;
  } else if (/timed? ?out|No serial data|stream stopped/i.test(message)) {
    code = 'TIMEOUT';
    text = `${what}: the board stopped answering (${message}).`;
  }
  return new WebProgError(code, text, { cause: error });
}
