/**
 * Checksums over address ranges of sparse data and over named regions of a memory image,
 * with bytes that hold no data read as a fill value (0xFF, erased NOR flash, by default).
 *
 * Nothing the size of the range is allocated: data is fed straight from the segments and gaps
 * from one reusable fill chunk, so a 4 GiB range costs time but not memory.
 *
 * @example
 * checksumRange(image.data, 'crc32', 0x0, 0x80000);      // gaps as 0xFF
 * checksumRegion(image, 'Code Flash', 'sum16-rl78');      // gaps as the region's fill
 */
import { WebProgError, formatAddress } from '../errors';
import type { MemoryImage, SparseData } from '../memory';
import { regionEnd } from '../memory';
import { createChecksum } from './checksums';
import type { ChecksumAlgorithm, ChecksumResult } from './types';

/** Size of the fill chunk fed for gaps. */
const GAP_CHUNK = 0x10000;
/** One past the highest 32-bit address. */
const ADDRESS_LIMIT = 0x1_0000_0000;

/**
 * The checksum of `[start, end)` of `data`, bytes without data read as `fill` (default 0xFF).
 * Throws `INVALID_ARGUMENT` for a malformed range or fill, `ADDRESS_OUT_OF_RANGE` past 4 GiB.
 */
export function checksumRange(
  data: SparseData,
  algorithm: ChecksumAlgorithm,
  start: number,
  end: number,
  fill = 0xff,
): ChecksumResult {
  const sum = createChecksum(algorithm);
  feedRange(data, start, end, fill, (bytes) => sum.update(bytes));
  return sum.digest();
}

/**
 * Feeds the bytes of `[start, end)` of `data` to `update` in address order, bytes without data
 * as `fill`, without allocating the range. Throws like {@link checksumRange}.
 */
export function feedRange(
  data: SparseData,
  start: number,
  end: number,
  fill: number,
  update: (bytes: Uint8Array) => void,
): void {
  checkRange(start, end, fill);
  const sum = { update };
  let gapChunk: Uint8Array | undefined;
  const feedGap = (length: number): void => {
    gapChunk ??= new Uint8Array(Math.min(GAP_CHUNK, length)).fill(fill);
    for (let left = length; left > 0; left -= gapChunk.length) {
      sum.update(left >= gapChunk.length ? gapChunk : gapChunk.subarray(0, left));
    }
  };
  let at = start;
  for (const segment of data.segments()) {
    const segEnd = segment.address + segment.data.length;
    if (segEnd <= at) continue;
    if (segment.address >= end) break;
    if (segment.address > at) {
      feedGap(segment.address - at);
      at = segment.address;
    }
    const to = Math.min(end, segEnd);
    sum.update(segment.data.subarray(at - segment.address, to - segment.address));
    at = to;
  }
  if (at < end) feedGap(end - at);
}

/**
 * The checksum of the whole region `regionName` of `image`, bytes without data read as the
 * region's fill value. Throws `REGION_NOT_FOUND` when the image has no such region.
 */
export function checksumRegion(
  image: MemoryImage,
  regionName: string,
  algorithm: ChecksumAlgorithm,
): ChecksumResult {
  const region = image.region(regionName);
  return checksumRange(image.data, algorithm, region.base, regionEnd(region), region.fill);
}

function checkRange(start: number, end: number, fill: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new WebProgError('INVALID_ARGUMENT', `Invalid checksum range ${start}..${end}.`);
  }
  if (end > ADDRESS_LIMIT) {
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `Checksum range ${formatAddress(start)}..${formatAddress(end - 1)} passes 4 GiB.`,
      { address: start },
    );
  }
  if (!Number.isInteger(fill) || fill < 0 || fill > 0xff) {
    throw new WebProgError('INVALID_ARGUMENT', `Fill value ${fill} is not a byte (0 to 255).`);
  }
}
