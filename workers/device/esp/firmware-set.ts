/**
 * Checks of ESP firmware parts before writing (a manifest build or a single merged image):
 * header checks (chip id and flash size in the ESP image header, esptool `bin_image.py`
 * layout) and the flash map shown before writing. Manifests are read in the page
 * (`src/state/esp-manifest.ts`).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { readImageHeader } from '../../../src/core/esp/image-header';

export { checkParts, readImageHeader } from '../../../src/core/esp/image-header';

import type { FirmwarePart, FlashMapEntry } from './esp-api';

export type { FirmwarePart, FlashMapEntry } from './esp-api';

/** The flash map: parts in address order with what they look like; throws on overlaps. */
export function flashMap(parts: readonly FirmwarePart[], bootloaderOffset: number): FlashMapEntry[] {
  const sorted = [...parts].sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.address + prev.data.length > sorted[i].address) {
      throw new WebProgError(
        'FORMAT_OVERLAP',
        `${prev.name} (${formatAddress(prev.address)}+0x${prev.data.length.toString(16)}) overlaps ${sorted[i].name} at ${formatAddress(sorted[i].address)}.`,
        { address: sorted[i].address },
      );
    }
  }
  return sorted.map((p) => ({
    name: p.name,
    address: p.address,
    size: p.data.length,
    kind: partKind(p, bootloaderOffset),
  }));
}

function partKind(p: FirmwarePart, bootloaderOffset: number): string {
  if (p.address === 0 && bootloaderOffset > 0 && readImageHeader(p.data.subarray(bootloaderOffset))) {
    return 'merged image';
  }
  if (p.address === 0 && bootloaderOffset === 0 && p.data.length > 0x10000 && p.data[0x8000] === 0xaa) {
    return 'merged image';
  }
  if (p.address === bootloaderOffset && readImageHeader(p.data)) return 'bootloader';
  if (p.data[0] === 0xaa && p.data[1] === 0x50) return 'partition table';
  if (readImageHeader(p.data)) return 'application';
  return 'data';
}
