/**
 * The Renesas RA standard boot firmware protocol, host side: packet framing (`SOD LNH LNL
 * CMD data… SUM ETX`; SOD 0x01 for commands, 0x81 for data packets and every reply), command
 * codes, and the status codes of error replies turned into `WebProgError`s a person
 * understands. Written from Renesas's "Standard Boot Firmware" system specifications for RA.
 */
import { WebProgError, formatAddress, type ErrorCode } from '../../../src/core/errors';

/** Start of a command packet. */
export const SOD_COMMAND = 0x01;
/** Start of a data packet / reply. */
export const SOD_DATA = 0x81;
/** End of a packet. */
export const ETX = 0x03;
/** Most data bytes in one packet. */
export const MAX_PACKET_DATA = 1024;

/** Command codes. */
export const RA_CMD = {
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

/** Status codes of error replies, with what they mean. */
export const RA_STATUS: Record<number, { name: string; meaning: string; code: ErrorCode }> = {
  0xc0: { name: 'ERR_UNSU', meaning: 'the chip does not support this command', code: 'NOT_SUPPORTED' },
  0xc1: { name: 'ERR_PCKT', meaning: 'the chip received a malformed packet', code: 'DEVICE_PROTOCOL' },
  0xc2: { name: 'ERR_CHKS', meaning: 'a packet arrived with a wrong checksum', code: 'DEVICE_PROTOCOL' },
  0xc3: { name: 'ERR_FLOW', meaning: 'the command came out of sequence', code: 'DEVICE_PROTOCOL' },
  0xd0: {
    name: 'ERR_ADDR',
    meaning: 'the address range is invalid or misaligned',
    code: 'ADDRESS_OUT_OF_RANGE',
  },
  0xd4: { name: 'ERR_BAUD', meaning: 'the chip cannot run at that baud rate', code: 'INVALID_ARGUMENT' },
  0xda: { name: 'ERR_PROT', meaning: 'the area is protected', code: 'DEVICE_LOCKED' },
  0xdb: { name: 'ERR_ID', meaning: 'the ID code does not match', code: 'DEVICE_LOCKED' },
  0xdc: { name: 'ERR_SERI', meaning: 'serial programming is disabled on this chip', code: 'DEVICE_LOCKED' },
  0xe1: { name: 'ERR_ERA', meaning: 'the flash could not be erased', code: 'FLASH_ERASE_FAILED' },
  0xe2: { name: 'ERR_WRI', meaning: 'the flash could not be programmed', code: 'FLASH_WRITE_FAILED' },
  0xe7: { name: 'ERR_SEQ', meaning: 'the flash sequencer reported an error', code: 'DEVICE_FAULT' },
};

/** Name of a command code, for messages. */
export function commandName(code: number): string {
  const entry = Object.entries(RA_CMD).find(([, v]) => v === (code & 0x7f));
  return entry ? entry[0].replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`) : `0x${code.toString(16)}`;
}

/** The checksum of a packet: two's complement of LNH + LNL + CMD + data. */
export function packetSum(length: number, code: number, data: Uint8Array): number {
  let sum = ((length >> 8) & 0xff) + (length & 0xff) + code;
  for (const b of data) sum += b;
  return -sum & 0xff;
}

/** Builds a packet. */
export function buildPacket(
  sod: number,
  code: number,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array<ArrayBuffer> {
  if (data.length > MAX_PACKET_DATA) throw new RangeError('RA boot packets carry at most 1024 data bytes');
  const length = data.length + 1;
  const out = new Uint8Array(data.length + 6);
  out[0] = sod;
  out[1] = length >> 8;
  out[2] = length & 0xff;
  out[3] = code;
  out.set(data, 4);
  out[4 + data.length] = packetSum(length, code, data);
  out[5 + data.length] = ETX;
  return out;
}

/** A reply packet. */
export interface Reply {
  /** RES byte (the command code; bit 7 set on error). */
  code: number;
  /** Data bytes. */
  data: Uint8Array;
}

/** Big-endian 32-bit words. */
export function be32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0));
  return out;
}

/** Reads a big-endian 32-bit word. */
export function readBe32(bytes: Uint8Array, at = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}

/** The error for an error reply to `command` (`address`: the range it was about). */
export function replyError(command: number, reply: Reply, address?: number): WebProgError {
  const status = reply.data[0] ?? 0;
  const known = RA_STATUS[status];
  const where = address === undefined ? '' : ` at ${formatAddress(address)}`;
  const hex = `0x${status.toString(16).toUpperCase().padStart(2, '0')}`;
  if (!known) {
    return new WebProgError(
      'DEVICE_PROTOCOL',
      `The RA boot firmware refused the ${commandName(command)} command${where} with status ${hex}.`,
      address === undefined ? {} : { address },
    );
  }
  return new WebProgError(
    known.code,
    `The RA boot firmware refused the ${commandName(command)} command${where}: ${known.meaning} (${known.name}, ${hex}).`,
    address === undefined ? {} : { address },
  );
}
