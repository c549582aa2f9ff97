/**
 * Where the filesystem chunks and the spare page sit for a MicroPython hex, computed as
 * microbit-fs `micropython-fs-builder.ts` (MIT) does, which matches the firmware's
 * `init_limits()` for the official hexes:
 *
 * - the area ends at the filesystem end (V1: minus the compass calibration page at the top
 *   of flash; with a legacy appended script, the area ends below 0x3E000 instead);
 * - it starts at the filesystem start, or higher so that it holds at most 252 chunks
 *   (rounded up to a page, as the firmware does);
 * - the last page of the area is the spare page: its first byte is the persistent-data
 *   marker 0xFD; chunks 1…N fill the pages below it.
 */
import { WebProgError, formatAddress } from '../errors';
import { APPENDED_SCRIPT_ADDRESS } from './appended-script';
import { CHUNK_LENGTH, MAX_CHUNKS } from './fs-chunks';
import type { DeviceMemInfo } from './device-mem-info';

/** The filesystem area of one MicroPython image. */
export interface FsLayout {
  /** Address of chunk 1 (the start of the area). */
  startAddress: number;
  /** Address of the spare page (the last page of the area). */
  sparePageAddress: number;
  /** One past the end of the area (spare page included). */
  endAddress: number;
  /** Number of chunks below the spare page. */
  chunkCount: number;
  /** Flash page size. */
  pageSize: number;
}

/**
 * The filesystem area for `info`.
 *
 * @param hasAppendedScript true when a V1 hex keeps a legacy appended script at 0x3E000.
 * @throws WebProgError `NOT_MICROPYTHON` when the area would hold no chunk.
 */
export function fsLayout(info: DeviceMemInfo, hasAppendedScript = false): FsLayout {
  const pageSize = info.flashPageSize;
  let end = info.fsEndAddress;
  if (info.deviceVersion === 'V1') {
    if (hasAppendedScript) end = APPENDED_SCRIPT_ADDRESS;
    end -= pageSize; // compass calibration data
  }
  const roundUp = (a: number): number => Math.ceil(a / pageSize) * pageSize;
  const startAddress = Math.max(roundUp(info.fsStartAddress), roundUp(end - MAX_CHUNKS * CHUNK_LENGTH));
  const sparePageAddress = end - pageSize;
  const chunkCount = Math.floor((sparePageAddress - startAddress) / CHUNK_LENGTH);
  if (chunkCount <= 0) {
    throw new WebProgError(
      'NOT_MICROPYTHON',
      `This MicroPython hex leaves no room for a filesystem (${formatAddress(info.fsStartAddress)}–${formatAddress(end)}).`,
      { address: info.fsStartAddress },
    );
  }
  return { startAddress, sparePageAddress, endAddress: end, chunkCount, pageSize };
}
