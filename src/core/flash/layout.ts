/**
 * The flash layout stage of the pipeline (loader → layout → flasher): turns an image's data
 * into the erase blocks it touches and the write blocks to program, with the bytes of each
 * block that the image does not cover listed as fills. Pure: no hardware. The flasher later
 * takes fills from the chip's current contents (to preserve them) or the erased value.
 */
import { WebProgError, formatAddress } from '../errors';
import { regionBlocks, regionEnd, type Region } from '../memory/region';
import type { AddressRange, SparseData } from '../memory/sparse-data';

/** One erase block the image touches. */
export interface EraseBlock {
  /** Block start. */
  address: number;
  /** Block size. */
  size: number;
  /** Name of the region holding it. */
  region: string;
}

/** One write block to program. */
export interface WriteBlock {
  /** Block start (aligned to the region's write size). */
  address: number;
  /** Block size (the region's write size, or less at the region's end). */
  size: number;
  /** Name of the region holding it. */
  region: string;
  /** Index into {@link FlashLayout.eraseBlocks} of the erase block containing it. */
  eraseBlock: number;
}

/** What to erase and program for an image, region by region. */
export interface FlashLayout {
  /** Erase blocks touched by the image, ascending. */
  eraseBlocks: EraseBlock[];
  /**
   * Write blocks to program, ascending: every write block of a touched erase block that holds
   * image data, plus (when preserving) every write block that holds fill.
   */
  writeBlocks: WriteBlock[];
  /** Byte ranges inside touched erase blocks that the image does not cover. */
  fills: AddressRange[];
  /** Bytes of image data. */
  dataBytes: number;
}

/** Options of {@link buildLayout}. */
export interface LayoutOptions {
  /**
   * Write back the bytes of touched erase blocks that the image does not cover (read from the
   * chip first). When false those bytes end up erased.
   */
  preserve?: boolean;
}

/**
 * Lays out `data` over flash `regions`. Throws `ADDRESS_OUT_OF_RANGE` naming the first byte
 * that lies in no flash region.
 */
export function buildLayout(
  data: SparseData,
  regions: readonly Region[],
  options: LayoutOptions = {},
): FlashLayout {
  const flash = regions.filter((r) => r.kind === 'flash' || r.kind === 'otp').sort((a, b) => a.base - b.base);
  for (const range of data.ranges()) checkCovered(range, flash);

  const eraseBlocks: EraseBlock[] = [];
  const writeBlocks: WriteBlock[] = [];
  const fills: AddressRange[] = [];
  for (const region of flash) {
    if (!data.intersects(region.base, regionEnd(region))) continue;
    for (const block of regionBlocks(region)) {
      const blockEnd = block.address + block.size;
      if (!data.intersects(block.address, blockEnd)) continue;
      const eraseIndex = eraseBlocks.push({ ...block, region: region.name }) - 1;
      const blockFills = gaps(data, block.address, blockEnd);
      fills.push(...blockFills);
      const writeSize = Math.min(region.writeSize, block.size);
      for (let at = block.address; at < blockEnd; at += writeSize) {
        const size = Math.min(writeSize, blockEnd - at);
        const hasData = data.intersects(at, at + size);
        const hasFill = blockFills.some((f) => f.start < at + size && at < f.end);
        if (hasData || (options.preserve && hasFill)) {
          writeBlocks.push({ address: at, size, region: region.name, eraseBlock: eraseIndex });
        }
      }
    }
  }
  return { eraseBlocks, writeBlocks, fills, dataBytes: data.byteCount };
}

/** Ranges in `[start, end)` that hold no data. */
function gaps(data: SparseData, start: number, end: number): AddressRange[] {
  const out: AddressRange[] = [];
  let at = start;
  for (const r of data.slice(start, end).ranges()) {
    if (r.start > at) out.push({ start: at, end: r.start });
    at = r.end;
  }
  if (at < end) out.push({ start: at, end });
  return out;
}

function checkCovered(range: AddressRange, flash: readonly Region[]): void {
  let at = range.start;
  while (at < range.end) {
    const region = flash.find((r) => at >= r.base && at < regionEnd(r));
    if (!region) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `The image has data at ${formatAddress(at)}, outside the chip's flash.`,
        {
          address: at,
        },
      );
    }
    at = regionEnd(region);
  }
}
