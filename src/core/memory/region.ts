/** Named areas of a target's memory ("Code Flash", "UICR", "RAM", ...). */

/** What kind of memory a region is; only flash-like regions are erased and programmed. */
export type RegionKind = 'flash' | 'otp' | 'ram' | 'other';

/** One named region of a target's address space. */
export interface Region {
  /** Unique name, e.g. "Code Flash". */
  name: string;
  /** Absolute base address. */
  base: number;
  /** Size in bytes. */
  size: number;
  /** Smallest erasable unit in bytes (the largest sector size where sectors are mixed). */
  eraseSize: number;
  /** Smallest programmable unit in bytes. */
  writeSize: number;
  /** Value of an erased byte (0xFF for NOR flash). */
  fill: number;
  /** Kind of memory. */
  kind: RegionKind;
  /**
   * Erase blocks of mixed size, in ascending order, covering the region exactly.
   * Absent when every block is `eraseSize` long.
   */
  blocks?: readonly { address: number; size: number }[];
}

/** Creates a flash region with NOR defaults (fill 0xFF). */
export function flashRegion(
  name: string,
  base: number,
  size: number,
  eraseSize: number,
  writeSize = 4,
  extra: Partial<Pick<Region, 'blocks' | 'kind'>> = {},
): Region {
  return { name, base, size, eraseSize, writeSize, fill: 0xff, kind: 'flash', ...extra };
}

/** One past the region's last address. */
export function regionEnd(region: Region): number {
  return region.base + region.size;
}

/** True if `[address, address+length)` lies inside the region. */
export function regionContains(region: Region, address: number, length = 1): boolean {
  return address >= region.base && address + length <= regionEnd(region);
}

/** The erase blocks of a region, in ascending order. */
export function regionBlocks(region: Region): { address: number; size: number }[] {
  if (region.blocks) return region.blocks.map((b) => ({ ...b }));
  const blocks: { address: number; size: number }[] = [];
  for (let a = region.base; a < regionEnd(region); a += region.eraseSize) {
    blocks.push({ address: a, size: Math.min(region.eraseSize, regionEnd(region) - a) });
  }
  return blocks;
}
