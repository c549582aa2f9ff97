/**
 * Lays a file's data out in a target's regions for display: one view range per region of the
 * target, plus "Other @ 0x…" ranges for data that lies outside every region (64 KiB-aligned
 * clusters, cut where they would overlap a region), plus the whole span of the file (first;
 * one empty row for a file without data), so the list is never empty.
 */
import type { Region, RegionKind } from '../core/memory/region';
import type { SparseData } from '../core/memory/sparse-data';
import { genericTarget, type TargetDescription } from '../core/targets';
import { hex32 } from './text';

/** Key of the range that spans the whole file. */
export const WHOLE_FILE_KEY = '*';

/** One address range the region list offers and the hex view shows. */
export interface ViewRange {
  /** Unique within the file: the region name, or {@link WHOLE_FILE_KEY}. */
  key: string;
  /** Name shown to a person. */
  name: string;
  /** First address (a multiple of 16). */
  start: number;
  /** One past the last address (at most 2^32). */
  end: number;
  /** Value shown for bytes without data. */
  fill: number;
  /** Memory kind (the whole-file range is `other`). */
  kind: RegionKind;
  /** Bytes of the file that lie in the range. */
  used: number;
  /** Where the range comes from. */
  origin: 'target' | 'outside' | 'whole';
}

const ROW = 16;

/** The view ranges of `data` laid out in `target` (see the module comment). */
export function layoutRanges(target: TargetDescription, data: SparseData): ViewRange[] {
  const ranges: ViewRange[] = target.regions.map((r) => fromRegion(r, data, 'target'));
  const outside = outsideData(target.regions, data);
  if (!outside.isEmpty) {
    for (const cluster of genericTarget(outside).regions) {
      for (const piece of subtract(cluster, target.regions)) {
        if (!outside.intersects(piece.start, piece.end)) continue;
        const region: Region = {
          ...cluster,
          name: `Other @ ${hex32(piece.start)}`,
          base: piece.start,
          size: piece.end - piece.start,
        };
        ranges.push(fromRegion(region, data, 'outside'));
      }
    }
    ranges.sort((a, b) => a.start - b.start);
  }
  const bounds = data.bounds() ?? { start: 0, end: ROW };
  const start = Math.floor(bounds.start / ROW) * ROW;
  ranges.unshift({
    key: WHOLE_FILE_KEY,
    name: 'Whole file',
    start,
    end: Math.min(2 ** 32, Math.ceil(bounds.end / ROW) * ROW),
    fill: 0xff,
    kind: 'other',
    used: data.byteCount,
    origin: 'whole',
  });
  return ranges;
}

/** The view range containing `address`, preferring regions over the whole-file span. */
export function rangeAt(ranges: readonly ViewRange[], address: number): ViewRange | undefined {
  return (
    ranges.find((r) => r.origin !== 'whole' && address >= r.start && address < r.end) ??
    ranges.find((r) => address >= r.start && address < r.end)
  );
}

/** The first and one-past-last address holding data inside `range`, if any. */
export function dataSpan(data: SparseData, range: ViewRange): { start: number; end: number } | undefined {
  const { first, last } = measure(data, range.start, range.end);
  return first < last ? { start: first, end: last } : undefined;
}

/** Bytes held in `[start, end)` and their span, without copying any data. */
function measure(
  data: SparseData,
  start: number,
  end: number,
): { count: number; first: number; last: number } {
  let count = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const s of data.segments()) {
    const from = Math.max(start, s.address);
    const to = Math.min(end, s.address + s.data.length);
    if (from >= to) continue;
    count += to - from;
    first = Math.min(first, from);
    last = Math.max(last, to);
  }
  return { count, first, last };
}

function fromRegion(region: Region, data: SparseData, origin: ViewRange['origin']): ViewRange {
  const end = region.base + region.size;
  return {
    key: region.name,
    name: region.name,
    start: region.base,
    end,
    fill: region.fill,
    kind: region.kind,
    used: measure(data, region.base, end).count,
    origin,
  };
}

/** The part of `data` that lies in no region. */
function outsideData(regions: readonly Region[], data: SparseData): SparseData {
  const rest = data.clone();
  for (const r of regions) rest.clear(r.base, r.base + r.size);
  return rest;
}

/** `[cluster.base, cluster end)` minus every region, as ascending pieces. */
function subtract(cluster: Region, regions: readonly Region[]): { start: number; end: number }[] {
  let pieces = [{ start: cluster.base, end: cluster.base + cluster.size }];
  for (const r of regions) {
    const rs = r.base;
    const re = r.base + r.size;
    pieces = pieces.flatMap((p) => {
      if (re <= p.start || rs >= p.end) return [p];
      const out: { start: number; end: number }[] = [];
      if (p.start < rs) out.push({ start: p.start, end: rs });
      if (re < p.end) out.push({ start: re, end: p.end });
      return out;
    });
  }
  return pieces;
}
