/**
 * A connected ESP board as the operations see it (its link with the flasher stub running, its
 * one flash region, what connecting found), and what every operation on it shares: the image's
 * bytes in that region, the region a name picks, progress, the changed sectors.
 */
import { WebProgError } from '../../../src/core/errors';
import type { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { flashRegion, regionEnd, type Region } from '../../../src/core/memory/region';
import type { SparseData } from '../../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../../src/core/progress';
import type { OperationContext, TargetInfo } from '../backend';
import { SECTOR_SIZE } from './esp-protocol';
import type { EspLink } from './esp-link';

/** Name of the ESP flash region. */
export const ESP_FLASH_REGION = 'Flash';
/** Alignment of reads, read_segment and verify_segment (32-bit words). */
export const WORD = 4;

/** A connected board: the link (stub channel, chip info), its flash region, the chip's description. */
export interface EspSession {
  link: EspLink;
  regions: Region[];
  target: TargetInfo;
}

/** The session of a freshly opened link: one flash region "Flash" at 0, and the chip's details. */
export function sessionOf(link: EspLink): EspSession {
  const info = link.info;
  const regions = [flashRegion(ESP_FLASH_REGION, 0, info.flashSize, SECTOR_SIZE, WORD)];
  const target: TargetInfo = {
    name: info.chip,
    additional: [
      info.description,
      ...(info.revision !== undefined
        ? [`Revision v${Math.floor(info.revision / 100)}.${info.revision % 100}`]
        : []),
      `MAC ${info.mac}`,
      `Flash: ${info.flashSize / 0x100000} MiB (JEDEC id 0x${info.flashId.toString(16)})`,
      `Features: ${info.features.join(', ')}`,
      `Crystal ${info.crystalMHz} MHz, serial link at ${info.baud} baud`,
    ],
  };
  return { link, regions, target };
}

/** The image's bytes inside the chip's flash region. */
export function flashData(image: MemoryImage, s: EspSession): SparseData {
  const r = s.regions[0];
  return image.data.slice(r.base, regionEnd(r));
}

/** The region `name` names (the flash region when not given); REGION_NOT_FOUND for any other. */
export function pickRegion(s: EspSession, name: string | undefined): Region {
  if (name === undefined || name === ESP_FLASH_REGION) return s.regions[0];
  throw new WebProgError(
    'REGION_NOT_FOUND',
    `The chip has no flash region named "${name}" (it has "${ESP_FLASH_REGION}").`,
  );
}

/** A started progress reporter for `operation` over `total` bytes, to the call's listener. */
export function startProgress(operation: string, total: number, ctx: OperationContext): ProgressReporter {
  const p = new ProgressReporter(operation, total, ctx.onProgress, 50, ctx.clock);
  p.start();
  return p;
}

/** Notes each flash sector of `[address, address+size)` as changed. */
export function logSectors(changes: ChipChangeLog, address: number, size: number): void {
  for (let a = address; a < address + size; a += SECTOR_SIZE) changes.block(a, SECTOR_SIZE);
}
