/**
 * Fast byte access to the script's buffer. Single-byte and in-place writes skip
 * `SparseData.write`'s merge (which copies the whole segment it lands in), so a loop of
 * 100 000 byte writes stays cheap. The buffer is private to the run, so changing a segment's
 * bytes in place is safe here (nothing else holds them: backend calls send copies).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionContains, type Region } from '../../../src/core/memory/region';

/** The region holding `[address, address+length)`, or an `ADDRESS_OUT_OF_RANGE` error. */
export function regionFor(image: MemoryImage, address: number, length: number): Region {
  const region = image.regionAt(address);
  if (!region || !regionContains(region, address, Math.max(1, length))) {
    const last = formatAddress(address + Math.max(1, length) - 1);
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `${formatAddress(address)}..${last} is not inside one region of the buffer.`,
      { address },
    );
  }
  return region;
}

/** One byte at an absolute address (the region's fill value where there is no data). */
export function readByte(image: MemoryImage, address: number): number {
  const region = regionFor(image, address, 1);
  const segment = image.data.segmentAt(address);
  return segment ? segment.data[address - segment.address]! : region.fill;
}

/** Writes bytes at an absolute address, in place when data is already there. */
export function writeBytes(image: MemoryImage, address: number, bytes: Uint8Array): void {
  regionFor(image, address, bytes.length);
  if (bytes.length === 0) return;
  const segment = image.data.segmentAt(address);
  if (segment && address + bytes.length <= segment.address + segment.data.length) {
    segment.data.set(bytes, address - segment.address);
  } else {
    image.data.write(address, bytes);
  }
}

/** Reads bytes at an absolute address (fill value where there is no data). */
export function readBytes(image: MemoryImage, address: number, length: number): Uint8Array {
  return image.readAt(address, length);
}
