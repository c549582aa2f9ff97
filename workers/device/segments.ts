/**
 * Checks of absolute ranges for the per-segment operations, done before any device I/O: the
 * range must be non-empty, aligned as the backend requires, and inside one region.
 */
import { WebProgError, formatAddress } from '../../src/core/errors';
import { regionContains, type Region } from '../../src/core/memory/region';

/** Returns the region holding `[address, address+size)` or throws with a clear message. */
export function checkSegment(
  regions: readonly Region[],
  address: number,
  size: number,
  alignment: number,
  what: string,
): Region {
  if (!Number.isInteger(address) || !Number.isInteger(size) || address < 0 || size <= 0) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `${what}: the range ${address} + ${size} is not a valid address range.`,
    );
  }
  if (address % alignment !== 0 || size % alignment !== 0) {
    throw new WebProgError(
      'ADDRESS_MISALIGNED',
      `${what}: ${formatAddress(address)} + 0x${size.toString(16)} must be aligned to ${alignment} bytes (address and size).`,
      { address },
    );
  }
  const region = regions.find((r) => regionContains(r, address, size));
  if (!region) {
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `${what}: ${formatAddress(address)}..${formatAddress(address + size - 1)} is not inside one memory region of the chip.`,
      { address },
    );
  }
  return region;
}

/** Throws WRITES_NOT_ALLOWED unless the caller allowed hardware writes. */
export function requireWrites(allowWrites: boolean | undefined, what: string): void {
  if (!allowWrites) {
    throw new WebProgError(
      'WRITES_NOT_ALLOWED',
      `${what} changes the chip, and hardware writes are not allowed. Allow them first (mp.app.allow_hw_writes(true) in a script).`,
    );
  }
}
