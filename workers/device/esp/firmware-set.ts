/**
 * Checks of ESP firmware parts before writing (a manifest build or a single merged image):
 * header checks (chip id and flash size in the ESP image header, esptool `bin_image.py`
 * layout) and the flash map shown before writing. Manifests are read in the page
 * (`src/state/esp-manifest.ts`).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';

import type { FirmwarePart, FlashMapEntry } from './esp-api';

export type { FirmwarePart, FlashMapEntry } from './esp-api';

/** Flash size codes of the image header's high nibble (esptool `ESP32ROM.FLASH_SIZES`). */
const HEADER_FLASH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128].map((mb) => mb * 0x100000);

/** What an ESP image header says, if `data` starts with one. */
export function readImageHeader(data: Uint8Array): { chipId: number; flashSize?: number } | undefined {
  if (data.length < 24 || data[0] !== 0xe9) return undefined;
  return { chipId: data[12] | (data[13] << 8), flashSize: HEADER_FLASH_SIZES[data[3] >> 4] };
}

/** Warnings about parts whose image header does not match the chip or its flash. */
export function checkParts(
  parts: readonly FirmwarePart[],
  chip: { chip: string; imageChipId?: number; flashSize: number; bootloaderOffset: number },
): string[] {
  const warnings: string[] = [];
  for (const p of parts) {
    const images = [{ at: p.address, bytes: p.data }];
    // A merged image at 0 carries the bootloader at the chip's bootloader offset.
    if (p.address === 0 && chip.bootloaderOffset > 0 && p.data.length > chip.bootloaderOffset) {
      images.push({ at: chip.bootloaderOffset, bytes: p.data.subarray(chip.bootloaderOffset) });
    }
    for (const image of images) {
      const header = readImageHeader(image.bytes);
      if (!header) continue;
      if (chip.imageChipId !== undefined && header.chipId !== chip.imageChipId) {
        warnings.push(
          `${p.name} at ${formatAddress(image.at)} is built for chip id ${header.chipId}, but this is a ${chip.chip} (chip id ${chip.imageChipId}).`,
        );
      }
      if (header.flashSize !== undefined && header.flashSize > chip.flashSize) {
        warnings.push(
          `${p.name} at ${formatAddress(image.at)} expects ${header.flashSize / 0x100000} MiB of flash; the board has ${chip.flashSize / 0x100000} MiB.`,
        );
      }
    }
    if (p.address + p.data.length > chip.flashSize) {
      warnings.push(
        `${p.name} ends at ${formatAddress(p.address + p.data.length - 1)}, past the end of the flash.`,
      );
    }
  }
  return warnings;
}

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
