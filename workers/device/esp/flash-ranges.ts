/**
 * From a memory image (or firmware parts) to what the ESP flasher writes: whole 4 KiB
 * sectors, because the stub erases every sector a write touches. Bytes of a touched sector
 * that the image does not define keep what the chip holds (read first), so a write never
 * clobbers its neighbours.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { SECTOR_SIZE } from './esp-protocol';
import type { FlashRange } from './deflate-writer';

/** Reads flash bytes from the chip. */
export type FlashReader = (address: number, size: number) => Promise<Uint8Array>;

/** The sector-aligned spans `[start, end)` that `data` touches, merged where they meet. */
export function sectorSpans(data: SparseData): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const r of data.ranges()) {
    const start = Math.floor(r.start / SECTOR_SIZE) * SECTOR_SIZE;
    const end = Math.ceil(r.end / SECTOR_SIZE) * SECTOR_SIZE;
    const last = spans[spans.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}

/**
 * Whole-sector ranges holding `data`; the undefined bytes of partly covered sectors come from
 * `readChip` (or 0xFF when it is not given).
 */
export async function toSectorRanges(
  data: SparseData,
  flashSize: number,
  readChip?: FlashReader,
): Promise<FlashRange[]> {
  const out: FlashRange[] = [];
  for (const span of sectorSpans(data)) {
    if (span.end > flashSize) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `The data reaches ${formatAddress(span.end - 1)}, beyond the end of the ${flashSize / 0x100000} MiB flash.`,
        { address: span.end - 1 },
      );
    }
    const merged = new SparseData();
    for (let s = span.start; s < span.end; s += SECTOR_SIZE) {
      if (!data.covers(s, SECTOR_SIZE)) {
        merged.write(s, readChip ? await readChip(s, SECTOR_SIZE) : new Uint8Array(SECTOR_SIZE).fill(0xff));
      }
    }
    for (const seg of data.slice(span.start, span.end).segments()) merged.write(seg.address, seg.data);
    out.push({ address: span.start, data: merged.read(span.start, span.end - span.start) });
  }
  return out;
}
