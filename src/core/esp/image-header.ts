/**
 * ESP image headers (esptool `bin_image.py` layout): the chip id and flash size an image was
 * built for, and the checks that refuse firmware for another chip or a bigger flash before
 * anything is written. Pure; used by the device worker and the page.
 */
import { formatAddress } from '../errors';

/** A firmware part: a name, a flash offset and its bytes. */
export interface EspImagePart {
  /** Name shown in messages (file name). */
  name: string;
  /** Flash offset. */
  address: number;
  /** The bytes. */
  data: Uint8Array;
}

/** What the checks need to know about the chip. */
export interface EspChipFacts {
  /** esptool chip name, e.g. "ESP32-S3". */
  chip: string;
  /** The image header chip id of this chip (ESP32 0, S3 9, C3 5). */
  imageChipId?: number;
  /** Flash size in bytes. */
  flashSize: number;
  /** Flash offset of the second-stage bootloader. */
  bootloaderOffset: number;
}

/** Flash size codes of the image header's high nibble (esptool `ESP32ROM.FLASH_SIZES`). */
const HEADER_FLASH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128].map((mb) => mb * 0x100000);

/** esptool's `IMAGE_CHIP_ID` of each chip. */
const IMAGE_CHIP_NAMES: Readonly<Record<number, string>> = {
  0: 'ESP32',
  2: 'ESP32-S2',
  5: 'ESP32-C3',
  9: 'ESP32-S3',
  12: 'ESP32-C2',
  13: 'ESP32-C6',
  16: 'ESP32-H2',
};

/** "the ESP32-S3" for an image chip id, "another chip" for an id not known here. */
function chipOfImageId(id: number): string {
  const name = IMAGE_CHIP_NAMES[id];
  return name ? `the ${name}` : 'another chip';
}

/** What an ESP image header says, if `data` starts with one. */
export function readImageHeader(data: Uint8Array): { chipId: number; flashSize?: number } | undefined {
  if (data.length < 24 || data[0] !== 0xe9) return undefined;
  return { chipId: data[12] | (data[13] << 8), flashSize: HEADER_FLASH_SIZES[data[3] >> 4] };
}

/** Warnings about parts whose image header does not match the chip or its flash. */
export function checkParts(parts: readonly EspImagePart[], chip: EspChipFacts): string[] {
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
          `${p.name} at ${formatAddress(image.at)} is built for ${chipOfImageId(header.chipId)} (image chip id ${header.chipId}), but this board is an ${chip.chip} (chip id ${chip.imageChipId}).`,
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
