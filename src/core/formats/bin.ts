/**
 * Raw binary images: the file's bytes are the memory contents from a base address on.
 */
import { WebProgError, formatAddress } from '../errors';
import { SparseData } from '../memory';

const ADDRESS_LIMIT = 0x1_0000_0000;

/** Sparse data holding `bytes` at `base` (empty for an empty file). Throws `FORMAT_RANGE` past 4 GiB. */
export function readBin(bytes: Uint8Array, base: number): SparseData {
  if (!Number.isInteger(base) || base < 0 || base >= ADDRESS_LIMIT) {
    throw new WebProgError('INVALID_ARGUMENT', `Base address ${base} is not a 32-bit address.`);
  }
  if (base + bytes.length > ADDRESS_LIMIT) {
    throw new WebProgError(
      'FORMAT_RANGE',
      `${bytes.length} bytes at ${formatAddress(base)} run past the end of the 4 GiB address space.`,
      { address: base },
    );
  }
  return SparseData.from([{ address: base, data: bytes }]);
}

/**
 * The bytes of `[start, end)` as one flat image, gaps filled with `fill` (default 0xFF).
 * `start` and `end` default to the data's bounds; empty data without them gives no bytes.
 */
export function writeBin(
  data: SparseData,
  options: { fill?: number; start?: number; end?: number } = {},
): Uint8Array {
  const bounds = data.bounds();
  const start = options.start ?? bounds?.start ?? 0;
  const end = options.end ?? bounds?.end ?? start;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > ADDRESS_LIMIT || end < start) {
    throw new WebProgError('INVALID_ARGUMENT', `Invalid address range ${start}..${end} for a binary image.`);
  }
  return data.read(start, end - start, options.fill ?? 0xff);
}
