/**
 * The Flash Regions Table of micro:bit V2 MicroPython hexes.
 *
 * The table sits at the end of the last flash page used by the MicroPython runtime: 16-byte
 * region rows, then a 16-byte header that ends exactly at the page end. Little-endian.
 *
 * ```
 * | ID| HT|1ST_PAG| REGION_LENGTH | HASH_DATA                     | Row 1 (lowest address)
 * | ID| HT|1ST_PAG| REGION_LENGTH | HASH_DATA                     | ...
 * | ID| HT|1ST_PAG| REGION_LENGTH | HASH_DATA                     | Row N
 * | MAGIC_1       | VER   | T_LEN |REG_CNT| P_SIZE| MAGIC_2       | Header
 * |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---| Page end
 * ```
 *
 * Format from micropython-microbit-v2 `src/addlayouttable.py`; API (`getIntelHexFlashRegionsData`,
 * `getHexMapFlashRegionsData`) and derived values as in microbit-fs `flash-regions.ts` (MIT).
 */
import type MemoryMap from 'nrf-intel-hex';
import { WebProgError, formatAddress } from '../errors';
import type { SparseData } from '../memory';
import { type ByteReader, type DeviceMemInfo, readCString, readU16, readU32 } from './device-mem-info';
import { memoryMapToSparse, parseIntelHexText } from './hex-text';

/** First magic word of the table header. */
export const FLASH_REGIONS_MAGIC_1 = 0x597f30fe;
/** Last magic word of the table header (the last 4 bytes of the page). */
export const FLASH_REGIONS_MAGIC_2 = 0xc1b1d79d;
/** Bytes in the header and in each row. */
export const FLASH_REGIONS_ROW_LENGTH = 16;
/** Granularity of the scan for the header (every 4 KiB page end is also a 1 KiB one). */
const SCAN_STEP = 1024;
/** V2 flash size; the table does not record it. */
const V2_FLASH_SIZE = 512 * 1024;

/** Region ids used in the table. */
export const RegionId = { softDevice: 1, microPython: 2, fileSystem: 3 } as const;

/** How a row's 8 bytes of hash data are to be read. */
export const RegionHashType = { empty: 0, data: 1, pointer: 2 } as const;

/** The 16-byte header of the table. */
export interface FlashRegionsHeader {
  /** Address of the header (page end − 16). */
  address: number;
  /** End of the page holding the table. */
  pageEndAddress: number;
  /** Table format version (1 so far). */
  version: number;
  /** Bytes of rows below the header. */
  tableLength: number;
  /** Number of rows. */
  regionCount: number;
  /** log2 of the flash page size. */
  pageSizeLog2: number;
  /** Flash page size in bytes. */
  pageSize: number;
}

/** One row of the table. */
export interface FlashRegion {
  /** Region id, see {@link RegionId}. */
  id: number;
  /** Hash type, see {@link RegionHashType}. */
  hashType: number;
  /** First page of the region. */
  startPage: number;
  /** First address of the region (start page × page size). */
  startAddress: number;
  /** Length of the region in bytes. */
  length: number;
  /** The 8 raw bytes of hash data. */
  hashData: Uint8Array;
  /** For hash type 2: the string the first 4 bytes point to; for type 1: the bytes as hex. */
  hash: string;
}

/** The whole table. */
export interface FlashRegionsTable {
  /** The header. */
  header: FlashRegionsHeader;
  /** The rows, lowest address first. */
  regions: FlashRegion[];
}

/** Address of the table header in `data`, or undefined when no page ends with the magic words. */
export function findFlashRegionsHeader(data: SparseData): number | undefined {
  for (const segment of data.segments()) {
    const segEnd = segment.address + segment.data.length;
    const firstPageEnd = Math.ceil((segment.address + FLASH_REGIONS_ROW_LENGTH) / SCAN_STEP) * SCAN_STEP;
    for (let pageEnd = firstPageEnd; pageEnd <= segEnd; pageEnd += SCAN_STEP) {
      const o = pageEnd - segment.address;
      const b = segment.data;
      const magic2 = (b[o - 4] | (b[o - 3] << 8) | (b[o - 2] << 16) | (b[o - 1] << 24)) >>> 0;
      if (magic2 !== FLASH_REGIONS_MAGIC_2) continue;
      const magic1 = (b[o - 16] | (b[o - 15] << 8) | (b[o - 14] << 16) | (b[o - 13] << 24)) >>> 0;
      if (magic1 === FLASH_REGIONS_MAGIC_1) return pageEnd - FLASH_REGIONS_ROW_LENGTH;
    }
  }
  return undefined;
}

/**
 * Reads the Flash Regions Table.
 *
 * @throws WebProgError `NOT_MICROPYTHON` "the Magic Header is not present" when no table is found.
 */
export function readFlashRegionsTable(data: SparseData): FlashRegionsTable {
  const address = findFlashRegionsHeader(data);
  if (address === undefined) {
    throw new WebProgError(
      'NOT_MICROPYTHON',
      'Could not find a Flash Regions Table: the Magic Header is not present.',
    );
  }
  const pageSizeLog2 = readU16(data, address + 10);
  const header: FlashRegionsHeader = {
    address,
    pageEndAddress: address + FLASH_REGIONS_ROW_LENGTH,
    version: readU16(data, address + 4),
    tableLength: readU16(data, address + 6),
    regionCount: readU16(data, address + 8),
    pageSizeLog2,
    pageSize: 2 ** pageSizeLog2,
  };
  if (pageSizeLog2 < 8 || pageSizeLog2 > 16) {
    throw new WebProgError(
      'NOT_MICROPYTHON',
      `The Flash Regions Table at ${formatAddress(address)} gives an invalid page size (2^${pageSizeLog2}).`,
      { address },
    );
  }
  const regions: FlashRegion[] = [];
  const firstRow = address - header.regionCount * FLASH_REGIONS_ROW_LENGTH;
  for (let i = 0; i < header.regionCount; i++) {
    regions.push(readRegionRow(data, firstRow + i * FLASH_REGIONS_ROW_LENGTH, header.pageSize));
  }
  return { header, regions };
}

function readRegionRow(mem: ByteReader, rowAddress: number, pageSize: number): FlashRegion {
  const row = mem.read(rowAddress, FLASH_REGIONS_ROW_LENGTH);
  const startPage = readU16(mem, rowAddress + 2);
  const hashData = row.slice(8, 16);
  const hashType = row[1];
  let hash = '';
  if (hashType === RegionHashType.pointer) hash = readCString(mem, readU32(mem, rowAddress + 8));
  else if (hashType === RegionHashType.data)
    hash = Array.from(hashData, (b) => b.toString(16).padStart(2, '0')).join('');
  return {
    id: row[0],
    hashType,
    startPage,
    startAddress: startPage * pageSize,
    length: readU32(mem, rowAddress + 4),
    hashData,
    hash,
  };
}

/**
 * Device memory information from the Flash Regions Table of sparse data. As in microbit-fs,
 * the runtime ends at the end of the page holding the table, and flash is 512 KiB.
 *
 * @throws WebProgError `NOT_MICROPYTHON` when the Magic Header is not present, or when the
 *   MicroPython or the filesystem region is missing (the message names which).
 */
export function readFlashRegionsMemInfo(data: SparseData): DeviceMemInfo {
  const { header, regions } = readFlashRegionsTable(data);
  const microPython = regions.find((r) => r.id === RegionId.microPython);
  if (!microPython) {
    throw new WebProgError('NOT_MICROPYTHON', 'Could not find a MicroPython region in the regions table.', {
      address: header.address,
    });
  }
  const fs = regions.find((r) => r.id === RegionId.fileSystem);
  if (!fs) {
    throw new WebProgError('NOT_MICROPYTHON', 'Could not find a File System region in the regions table.', {
      address: header.address,
    });
  }
  return {
    flashPageSize: header.pageSize,
    flashSize: V2_FLASH_SIZE,
    flashStartAddress: 0,
    flashEndAddress: V2_FLASH_SIZE,
    runtimeStartAddress: 0,
    runtimeEndAddress: header.pageEndAddress,
    fsStartAddress: fs.startAddress,
    fsEndAddress: fs.startAddress + fs.length,
    uPyVersion: microPython.hashType === RegionHashType.pointer ? microPython.hash : '',
    deviceVersion: 'V2',
    source: 'flash-regions-table',
  };
}

/**
 * Reads the Flash Regions Table from an Intel Hex memory map and returns the MicroPython
 * device memory information.
 *
 * @throws WebProgError `NOT_MICROPYTHON` when the Magic Header is not present.
 * @throws WebProgError `NOT_MICROPYTHON` when the MicroPython or FS regions are not found.
 */
export function getHexMapFlashRegionsData(map: MemoryMap): DeviceMemInfo {
  return readFlashRegionsMemInfo(memoryMapToSparse(map));
}

/**
 * Reads the Flash Regions Table from MicroPython Intel Hex text and returns the device memory
 * information.
 *
 * @throws WebProgError `FORMAT_INVALID` when the text is not an Intel Hex.
 * @throws WebProgError `NOT_MICROPYTHON` when the Magic Header is not present.
 * @throws WebProgError `NOT_MICROPYTHON` when the MicroPython or FS regions are not found.
 */
export function getIntelHexFlashRegionsData(intelHex: string): DeviceMemInfo {
  return readFlashRegionsMemInfo(parseIntelHexText(intelHex));
}
