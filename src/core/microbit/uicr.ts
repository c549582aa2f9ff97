/**
 * The MicroPython block in the UICR customer area (micro:bit V1 hexes, and the earliest V2
 * betas). Layout from bbcmicrobit/micropython `docs/devguide/hexformat.rst`, with the field
 * offsets the real hexes (and microbit-fs `uicr.ts`) use:
 *
 * | Address    | Size | Field                                         |
 * |------------|------|-----------------------------------------------|
 * | 0x100010C0 | 4    | magic 0x17EEB07C (V1) / 0x47EEB07C (V2 beta)  |
 * | 0x100010C4 | 4    | end marker 0xFFFFFFFF                         |
 * | 0x100010C8 | 4    | log2(page size)                               |
 * | 0x100010CC | 2    | start page                                    |
 * | 0x100010CE | 2    | pages used by the runtime                     |
 * | 0x100010D0 | 4    | delimiter 0xFFFFFFFF                          |
 * | 0x100010D4 | 4    | address of the version string                 |
 * | 0x100010D8 | 4    | terminator 0x00000000                         |
 */
import type MemoryMap from 'nrf-intel-hex';
import { WebProgError } from '../errors';
import type { MicrobitVersion } from './board';
import { type ByteReader, type DeviceMemInfo, readCString, readU16, readU32 } from './device-mem-info';
import { memoryMapToSparse, parseIntelHexText } from './hex-text';

/** Address of the MicroPython block in the UICR. */
export const UICR_MICROPYTHON_ADDRESS = 0x1000_10c0;
/** Length of the MicroPython UICR block in bytes. */
export const UICR_MICROPYTHON_LENGTH = 28;

/** What each known UICR magic value means. Flash size and FS end are fixed on this path. */
const UICR_DEVICES: readonly {
  magic: number;
  deviceVersion: MicrobitVersion;
  flashSize: number;
  fsEnd: number;
}[] = [
  { magic: 0x17eeb07c, deviceVersion: 'V1', flashSize: 256 * 1024, fsEnd: 256 * 1024 },
  { magic: 0x47eeb07c, deviceVersion: 'V2', flashSize: 512 * 1024, fsEnd: 0x73000 },
];

/** The decoded MicroPython UICR block. */
export interface UicrMicroPythonBlock {
  /** Magic value read at 0x100010C0. */
  magic: number;
  /** Flash page size in bytes (2 ^ the stored log2). */
  pageSize: number;
  /** First page of the runtime. */
  startPage: number;
  /** Pages used by the runtime. */
  pagesUsed: number;
  /** Address of the NUL-terminated version string. */
  versionAddress: number;
}

/** True when the UICR holds a known MicroPython magic value. */
export function hasMicroPythonUicr(mem: ByteReader): boolean {
  const magic = readU32(mem, UICR_MICROPYTHON_ADDRESS);
  return UICR_DEVICES.some((d) => d.magic === magic);
}

/** Reads the raw MicroPython UICR block (no validation). */
export function readUicrBlock(mem: ByteReader): UicrMicroPythonBlock {
  const a = UICR_MICROPYTHON_ADDRESS;
  return {
    magic: readU32(mem, a),
    pageSize: 2 ** readU32(mem, a + 0x08),
    startPage: readU16(mem, a + 0x0c),
    pagesUsed: readU16(mem, a + 0x0e),
    versionAddress: readU32(mem, a + 0x14),
  };
}

/**
 * Device memory information from the MicroPython UICR block.
 *
 * @throws WebProgError `NOT_MICROPYTHON` "Could not find valid MicroPython UICR data." when
 *   the magic value is missing or unknown, or the page size is implausible.
 */
export function readUicrMemInfo(mem: ByteReader): DeviceMemInfo {
  const block = readUicrBlock(mem);
  const device = UICR_DEVICES.find((d) => d.magic === block.magic);
  const pageLog2 = Math.log2(block.pageSize);
  if (!device || !Number.isInteger(pageLog2) || pageLog2 < 8 || pageLog2 > 16) {
    throw new WebProgError('NOT_MICROPYTHON', 'Could not find valid MicroPython UICR data.', {
      address: UICR_MICROPYTHON_ADDRESS,
    });
  }
  const flashStartAddress = block.startPage * block.pageSize;
  const runtimeEndAddress = block.pagesUsed * block.pageSize;
  return {
    flashPageSize: block.pageSize,
    flashSize: device.flashSize,
    flashStartAddress,
    flashEndAddress: flashStartAddress + device.flashSize,
    runtimeStartAddress: flashStartAddress,
    runtimeEndAddress,
    fsStartAddress: runtimeEndAddress,
    fsEndAddress: device.fsEnd,
    uPyVersion: readCString(mem, block.versionAddress),
    deviceVersion: device.deviceVersion,
    source: 'uicr',
  };
}

/** {@link readUicrMemInfo} for an nrf-intel-hex `MemoryMap`. */
export function getHexMapUicrData(map: MemoryMap): DeviceMemInfo {
  return readUicrMemInfo(memoryMapToSparse(map));
}

/** {@link readUicrMemInfo} for Intel Hex text. */
export function getIntelHexUicrData(intelHex: string): DeviceMemInfo {
  return readUicrMemInfo(parseIntelHexText(intelHex));
}
