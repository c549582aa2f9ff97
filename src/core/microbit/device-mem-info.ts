/**
 * What a MicroPython hex says about the device it targets: flash geometry and where the
 * runtime and the filesystem live. V1 hexes store this in the UICR (see `uicr.ts`), V2 hexes
 * in a Flash Regions Table at the end of a flash page (see `flash-regions.ts`).
 */
import type { MicrobitVersion } from './board';
import { utf8Decode } from './utf8';

/** Where a hex describes its layout. */
export type MemInfoSource = 'uicr' | 'flash-regions-table';

/**
 * Device memory information from a MicroPython hex. Field names follow microbit-fs's
 * `DeviceMemInfo` so values can be compared one to one.
 */
export interface DeviceMemInfo {
  /** Size of one flash page in bytes. */
  flashPageSize: number;
  /** Whole flash size in bytes. */
  flashSize: number;
  /** First flash address. */
  flashStartAddress: number;
  /** One past the last flash address. */
  flashEndAddress: number;
  /** First address of the MicroPython runtime. */
  runtimeStartAddress: number;
  /**
   * One past the last address of the runtime (V2: the end of the page holding the Flash
   * Regions Table, which sits right after the runtime's code and data).
   */
  runtimeEndAddress: number;
  /** First address the filesystem may use. */
  fsStartAddress: number;
  /** One past the last address the filesystem may use (before V1's calibration page). */
  fsEndAddress: number;
  /** MicroPython version string found in the hex ("" when absent). */
  uPyVersion: string;
  /** The board version this hex targets. */
  deviceVersion: MicrobitVersion;
  /** Where this information came from. */
  source: MemInfoSource;
}

/** Anything bytes can be read from; `SparseData` satisfies it. */
export interface ByteReader {
  /** `length` bytes from `address`; addresses without data read as `fill` (0xFF default). */
  read(address: number, length: number, fill?: number): Uint8Array;
}

/** Little-endian u16 at `address`. */
export function readU16(mem: ByteReader, address: number): number {
  const b = mem.read(address, 2);
  return b[0] | (b[1] << 8);
}

/** Little-endian u32 at `address`. */
export function readU32(mem: ByteReader, address: number): number {
  const b = mem.read(address, 4);
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}

/** Longest string {@link readCString} reads before giving up. */
const MAX_STRING_LENGTH = 256;

/**
 * The NUL-terminated UTF-8 string at `address` (at most 256 bytes; stops at an erased 0xFF
 * byte as well, so a pointer into blank flash gives "").
 */
export function readCString(mem: ByteReader, address: number): string {
  const bytes = mem.read(address, MAX_STRING_LENGTH);
  let end = 0;
  while (end < bytes.length && bytes[end] !== 0 && bytes[end] !== 0xff) end++;
  return utf8Decode(bytes.subarray(0, end));
}
