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

/** Alignment of the chip reads that fill a sector's gaps. */
const WORD = 4;

/** The parts of `[start, end)` that `data` does not define. */
export function gapsIn(data: SparseData, start: number, end: number): { start: number; end: number }[] {
  const gaps: { start: number; end: number }[] = [];
  let at = start;
  for (const r of data.slice(start, end).ranges()) {
    if (r.start > at) gaps.push({ start: at, end: r.start });
    at = Math.max(at, r.end);
  }
  if (at < end) gaps.push({ start: at, end });
  return gaps;
}

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
      for (const gap of gapsIn(data, s, s + SECTOR_SIZE)) {
        // Only the bytes the image leaves out are read (whole words: the stub reads words).
        const from = gap.start - (gap.start % WORD);
        const to = Math.min(s + SECTOR_SIZE, Math.ceil(gap.end / WORD) * WORD);
        const bytes = readChip ? await readChip(from, to - from) : new Uint8Array(to - from).fill(0xff);
        merged.write(gap.start, bytes.subarray(gap.start - from, gap.end - from));
      }
    }
    for (const seg of data.slice(span.start, span.end).segments()) merged.write(seg.address, seg.data);
    out.push({ address: span.start, data: merged.read(span.start, span.end - span.start) });
  }
  return out;
}
