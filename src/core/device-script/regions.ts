/**
 * Turns the flash areas a device script describes into the memory model's {@link Region}s.
 *
 * A region has one write size, so an area whose runs use different write sizes becomes one
 * region per stretch of equal write size (the first keeps the area's name, the next ones are
 * "<name> 2", "<name> 3", …). Mixed erase sizes inside a region are listed in `blocks`, with
 * `eraseSize` the largest of them.
 */
import { flashRegion, type Region } from '../memory/region';
import type { FlashArea, FlashBlockRun } from './flash-info';

/** Options of {@link areasToRegions}. */
export interface AreaRegionOptions {
  /** Value of an erased byte (0xFF unless the chip's flash erases to something else). */
  fill?: number;
}

/** The regions for `areas`, ascending. */
export function areasToRegions(areas: readonly FlashArea[], options: AreaRegionOptions = {}): Region[] {
  const regions: Region[] = [];
  for (const area of areas) {
    const groups = groupByWriteSize(area.runs);
    groups.forEach((runs, i) => {
      const name = i === 0 ? area.name : `${area.name} ${i + 1}`;
      regions.push(regionOf(name, runs, options.fill ?? 0xff));
    });
  }
  return regions;
}

function groupByWriteSize(runs: readonly FlashBlockRun[]): FlashBlockRun[][] {
  const groups: FlashBlockRun[][] = [];
  for (const run of runs) {
    const current = groups.at(-1);
    if (current && current[0].writeSize === run.writeSize) current.push(run);
    else groups.push([run]);
  }
  return groups;
}

function regionOf(name: string, runs: readonly FlashBlockRun[], fill: number): Region {
  const base = runs[0].address;
  const size = runs.reduce((sum, r) => sum + r.eraseSize * r.count, 0);
  const eraseSize = Math.max(...runs.map((r) => r.eraseSize));
  const mixed = runs.some((r) => r.eraseSize !== eraseSize);
  const extra: Partial<Pick<Region, 'blocks'>> = {};
  if (mixed) {
    const blocks: { address: number; size: number }[] = [];
    for (const run of runs) {
      for (let i = 0; i < run.count; i++)
        blocks.push({ address: run.address + i * run.eraseSize, size: run.eraseSize });
    }
    extra.blocks = blocks;
  }
  return { ...flashRegion(name, base, size, eraseSize, runs[0].writeSize, extra), fill };
}
