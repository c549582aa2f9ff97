/**
 * From the areas an RA chip reports to WebProg's regions: contiguous areas of one kind become
 * one region named as the chip's kind of area ("Code Flash", "Data Flash", "Config"), with
 * erase blocks of mixed size where the areas differ (RA4M2/RA6: 8 KiB then 32 KiB). Pure.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { regionBlocks, type Region } from '../../../src/core/memory/region';
import type { RaArea, RaAreaKind } from './ra-commands';

/** Region names by kind of area. */
export const RA_REGION_NAMES: Record<RaAreaKind, string> = {
  code: 'Code Flash',
  data: 'Data Flash',
  config: 'Config',
  other: 'Other',
};

/** The regions and the areas behind them. */
export interface RaLayout {
  /** Regions in address order. */
  regions: Region[];
  /** Areas in area-number order. */
  areas: RaArea[];
}

/** Builds the regions of `areas`. */
export function layoutOf(areas: readonly RaArea[]): RaLayout {
  const sorted = [...areas].sort((a, b) => a.start - b.start);
  const groups: RaArea[][] = [];
  for (const area of sorted) {
    const last = groups.at(-1);
    const prev = last?.at(-1);
    if (last && prev && prev.kind === area.kind && prev.end + 1 === area.start) last.push(area);
    else groups.push([area]);
  }
  const used = new Map<string, number>();
  const regions = groups.map((group): Region => {
    const first = group[0];
    const kind = first.kind;
    const base = first.start;
    const size = group.at(-1)!.end - base + 1;
    let name = RA_REGION_NAMES[kind];
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    if (n > 0) name = `${name} ${n + 1}`;
    const flash = kind === 'code' || kind === 'data';
    const erasable = group.every((a) => a.eau > 0);
    const eaus = new Set(group.map((a) => a.eau));
    const region: Region = {
      name,
      base,
      size,
      eraseSize: erasable ? Math.max(...eaus) : size,
      writeSize: Math.max(...group.map((a) => a.wau)),
      fill: 0xff,
      kind: flash && erasable ? 'flash' : 'other',
    };
    if (erasable && eaus.size > 1) {
      region.blocks = group.flatMap((a) => {
        const out: { address: number; size: number }[] = [];
        for (let at = a.start; at <= a.end; at += a.eau) out.push({ address: at, size: a.eau });
        return out;
      });
    }
    return region;
  });
  return { regions, areas: [...areas] };
}

/** The area holding `address`. */
export function areaAt(layout: RaLayout, address: number): RaArea {
  const area = layout.areas.find((a) => address >= a.start && address <= a.end);
  if (!area) {
    throw new WebProgError('ADDRESS_OUT_OF_RANGE', `${formatAddress(address)} is in no area of the chip.`, {
      address,
    });
  }
  return area;
}

/** The erase blocks of a region (the region itself for areas that cannot be erased). */
export function blocksOf(region: Region): { address: number; size: number }[] {
  return regionBlocks(region);
}

/** Largest read unit over the areas of `region` (read_segment / verify_segment alignment). */
export function readUnitOf(layout: RaLayout, region: Region): number {
  const inRegion = layout.areas.filter((a) => a.start >= region.base && a.end < region.base + region.size);
  return Math.max(1, ...inRegion.map((a) => a.rau));
}
