/** Picks regions for a file's data when no device tells us the layout. */
import { regionContains, type Region } from '../memory/region';
import type { SparseData } from '../memory/sparse-data';
import { TARGETS, type TargetDescription } from './catalogue';

/**
 * The first known target whose regions hold every byte of `data` (the smaller chip of a family
 * first: micro:bit V1, V2, then the nRF52840; the STM32F411 before the STM32F103, which only data
 * in its option bytes selects), or a generic description with one region per 64 KiB
 * aligned cluster of data when none does.
 */
export function guessTarget(data: SparseData): TargetDescription {
  const order = ['nrf51822', 'nrf52833', 'nrf52840', 'stm32f411', 'stm32f103'];
  for (const id of order) {
    const target = TARGETS.find((t) => t.id === id);
    if (target && fits(target.regions, data)) return target;
  }
  return genericTarget(data);
}

/** A description with one "Memory @ 0x…" flash region per 64 KiB-aligned cluster of data. */
export function genericTarget(data: SparseData): TargetDescription {
  const GRAIN = 0x10000;
  const regions: Region[] = [];
  for (const range of data.ranges()) {
    const start = Math.floor(range.start / GRAIN) * GRAIN;
    const end = Math.min(0x1_0000_0000, Math.ceil(range.end / GRAIN) * GRAIN);
    const last = regions[regions.length - 1];
    if (last && last.base + last.size >= start) {
      last.size = Math.max(last.size, end - last.base);
      continue;
    }
    regions.push({
      name: '',
      base: start,
      size: end - start,
      eraseSize: 4096,
      writeSize: 4,
      fill: 0xff,
      kind: 'flash',
    });
  }
  regions.forEach((r) => (r.name = `Memory @ 0x${r.base.toString(16).toUpperCase().padStart(8, '0')}`));
  return { id: 'generic', name: 'Unknown target', regions };
}

function fits(regions: readonly Region[], data: SparseData): boolean {
  return data.ranges().every((r) => regions.some((g) => regionContains(g, r.start, r.end - r.start)));
}
