/**
 * Shared pieces of the ESP serial loader protocol (ROM and stub): opcodes, request parsing,
 * response building, the 0xEF checksum, and the services a loader gets from its board.
 * Packet layout: /work/shared/reference/esp-serial-protocol.md §2 (esptool serial-protocol.rst).
 */
import type { EspChipSpec } from './chips';
import type { RegisterFile } from './registers';
import type { SpiFlash } from './spi-flash';

/** Command opcodes. */
export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  READ_FLASH_SLOW: 0x0e,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3,
} as const;

/** The value the SYNC request carries: 07 07 12 20 followed by 32 × 0x55. */
export const SYNC_PAYLOAD = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)]);

/** Seed of the data checksum. */
export const CHECKSUM_SEED = 0xef;

/** One decoded request (host → chip). */
export interface LoaderRequest {
  /** Byte 0: 0x00 for a request. */
  direction: number;
  /** Command opcode. */
  op: number;
  /** Data length announced in the header. */
  declaredLength: number;
  /** Checksum word from the header. */
  checksum: number;
  /** The data field as received. */
  data: Uint8Array;
}

/** Parses a SLIP payload as a request, or returns null if it is shorter than a header. */
export function parseRequest(frame: Uint8Array): LoaderRequest | null {
  if (frame.length < 8) return null;
  return {
    direction: frame[0],
    op: frame[1],
    declaredLength: frame[2] | (frame[3] << 8),
    checksum: readU32(frame, 4),
    data: frame.subarray(8),
  };
}

/** Builds a response payload: 01, op, length (data + status), value, data, status. */
export function buildResponse(op: number, value: number, data: Uint8Array, status: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + status.length);
  const length = data.length + status.length;
  out[0] = 0x01;
  out[1] = op;
  out[2] = length & 0xff;
  out[3] = length >> 8;
  writeU32(out, 4, value);
  out.set(data, 8);
  out.set(status, 8 + data.length);
  return out;
}

/** The loader checksum: 0xEF XOR every byte. */
export function checksum(data: Uint8Array): number {
  let state = CHECKSUM_SEED;
  for (const byte of data) state ^= byte;
  return state;
}

/** Little-endian u32 at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

/** Writes a little-endian u32 at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

/** Little-endian encoding of several u32 words. */
export function u32le(...words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  words.forEach((w, i) => writeU32(out, i * 4, w));
  return out;
}

/** GET_SECURITY_INFO payload: flags, flash_crypt_cnt, key_purposes[7], chip_id, eco version. */
export function securityInfo(chipId: number): Uint8Array {
  const out = new Uint8Array(20);
  writeU32(out, 12, chipId);
  return out;
}

/** Services the board offers to the ROM loader and the stub. */
export interface LoaderContext {
  /** The chip being simulated. */
  readonly chip: EspChipSpec;
  /** Its SPI flash. */
  readonly flash: SpiFlash;
  /** Its register space. */
  readonly registers: RegisterFile;
  /** Uploaded RAM segments (MEM_BEGIN/MEM_DATA), kept across ROM → stub. */
  readonly ram: RamImage;
  /** Charges `seconds` of busy time to the CPU (delays, work that is not the flash chip's). */
  work(seconds: number): void;
  /**
   * Waits until the flash chip is idle, then keeps the CPU busy for `seconds` of flash work
   * (a synchronous program, read or erase, as the ROM's SPI functions do).
   */
  flashWork(seconds: number): void;
  /** True when the flash chip has finished its last operation. */
  flashIdle(): boolean;
  /** Waits until the flash chip is idle. */
  waitFlash(): void;
  /**
   * Starts `seconds` of flash work (an erase) and returns at once, leaving the chip busy in the
   * background (esp-stub-lib's `start_next_erase`); the flash chip must be idle.
   */
  startFlash(seconds: number): void;
  /** Sends one SLIP frame with `payload` to the host. */
  send(payload: Uint8Array): void;
  /** Switches the UART to `baud` after what has been sent so far (honours the stuck-baud fault). */
  changeBaud(baud: number): void;
  /** The RAM code at `entry` starts: from now on the flasher stub answers. */
  startStub(entry: number): void;
  /** Leaves the loader and runs the application in flash (ROM "run user code"). */
  runUserCode(): void;
  /** Resets the chip as a watchdog/software reset would (strapping pins sampled again). */
  softReset(): void;
}

/** RAM written through MEM_BEGIN/MEM_DATA. */
export class RamImage {
  private readonly segments: { address: number; bytes: Uint8Array }[] = [];

  /** Stores `bytes` at `address`. */
  write(address: number, bytes: Uint8Array): void {
    this.segments.push({ address, bytes: bytes.slice() });
  }

  /** Whether `address` lies inside uploaded RAM. */
  contains(address: number): boolean {
    return this.segments.some((s) => address >= s.address && address < s.address + s.bytes.length);
  }

  /** Total bytes uploaded. */
  get size(): number {
    return this.segments.reduce((n, s) => n + s.bytes.length, 0);
  }

  /** Forgets everything (chip reset). */
  clear(): void {
    this.segments.length = 0;
  }
}
