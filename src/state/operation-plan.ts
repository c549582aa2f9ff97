/**
 * What a device operation sends to the device worker: the buffer's data (for a Universal Hex,
 * the section of the connected board) laid into the chip's regions the person chose. Pure
 * functions, so the workflow panel can show the plan before anything runs.
 */
import { crc32 } from '../core/checksum';
import { regionBlocks, regionEnd, type Region } from '../core/memory/region';
import { SparseData, type Segment } from '../core/memory/sparse-data';
import type { BlockChecksum } from '../../workers/device/backend';
import type { DeviceSummary, ImageDto } from '../../workers/device/device-api';
import type { FileEntry } from './file-entry.svelte';
import { sameChipFamily } from './firmware-parts';

/** One chip region in the region choice. */
export interface RegionChoice {
  /** The chip's region. */
  region: Region;
  /** Bytes of the buffer inside it. */
  bytes: number;
  /** True when operations include it. */
  chosen: boolean;
}

/** The buffer laid into the chosen regions. */
export interface ImagePlan {
  /** The chosen regions. */
  regions: Region[];
  /** Buffer data inside them. */
  segments: Segment[];
  /** Bytes in {@link segments}. */
  bytes: number;
  /** Buffer bytes in chip regions that were not chosen (left alone). */
  unchosenBytes: number;
  /** Buffer bytes outside every chip region (never sent). */
  outsideBytes: number;
}

/** The micro:bit version a Universal Hex board id belongs to. */
export function boardVersion(boardId: number): 'V1' | 'V2' | undefined {
  if (boardId === 0x9900 || boardId === 0x9901) return 'V1';
  if (boardId >= 0x9903 && boardId <= 0x9906) return 'V2';
  return undefined;
}

/**
 * The data to program into `device`: for a Universal Hex the section of the board's version
 * (falling back to the section shown), for an ESP Web Tools manifest the build of the connected
 * chip `chip` (falling back to the first), else the file's data.
 */
export function bufferFor(
  file: FileEntry,
  device: DeviceSummary | undefined,
  chip?: string,
): { data: SparseData; boardId?: number; chipFamily?: string } {
  if (file.builds.length > 0) {
    const build = chip ? file.builds.find((b) => sameChipFamily(b.chipFamily, chip)) : undefined;
    return build ? { data: build.data, chipFamily: build.chipFamily } : { data: file.data };
  }
  const version = device?.microbit?.version;
  const board = version ? file.boards.find((b) => boardVersion(b.boardId) === version) : undefined;
  if (board) return { data: board.data, boardId: board.boardId };
  return { data: file.data, boardId: file.boardId };
}

/** Bytes of `data` inside `[start, end)`. */
function bytesIn(data: SparseData, start: number, end: number): number {
  let n = 0;
  for (const s of data.segments()) {
    const from = Math.max(start, s.address);
    const to = Math.min(end, s.address + s.data.length);
    if (from < to) n += to - from;
  }
  return n;
}

/**
 * The chip's regions with the buffer bytes in each and whether operations include them. A
 * region the person has not chosen for or against is included when it is flash and holds
 * buffer data (or when there is no buffer: then every flash region).
 */
export function regionChoices(
  regions: readonly Region[],
  data: SparseData | undefined,
  choices: Readonly<Record<string, boolean>>,
): RegionChoice[] {
  return regions.map((region) => {
    const bytes = data ? bytesIn(data, region.base, regionEnd(region)) : 0;
    const automatic = region.kind === 'flash' && (data === undefined || data.isEmpty || bytes > 0);
    return { region, bytes, chosen: choices[region.name] ?? automatic };
  });
}

/** Lays `data` into the chosen regions. */
export function planImage(data: SparseData, choices: readonly RegionChoice[]): ImagePlan {
  const chosen = choices.filter((c) => c.chosen).map((c) => c.region);
  const segments: Segment[] = [];
  for (const r of chosen) {
    for (const s of data.slice(r.base, regionEnd(r)).segments())
      segments.push({ address: s.address, data: s.data });
  }
  segments.sort((a, b) => a.address - b.address);
  const bytes = segments.reduce((n, s) => n + s.data.length, 0);
  const inRegions = choices.reduce((n, c) => n + c.bytes, 0);
  return {
    regions: chosen.map((r) => ({ ...r })),
    segments,
    bytes,
    unchosenBytes: inRegions - bytes,
    outsideBytes: data.byteCount - inRegions,
  };
}

/** The plan as the worker takes it. */
export function planDto(plan: ImagePlan): ImageDto {
  return { regions: plan.regions, segments: plan.segments };
}

/** How chip-side block checksums compare with the buffer. */
export interface ChecksumComparison {
  /** Blocks compared. */
  blocks: number;
  /** Blocks whose CRC-32 matches the buffer (gaps read as the region's fill). */
  matching: number;
  /** Addresses of the blocks that differ. */
  differing: number[];
}

/**
 * Compares CMSIS-DAP block checksums (CRC-32 of each erase block) with the CRC-32 of the same
 * bytes of the buffer, gaps read as the region's fill value.
 */
export function compareChecksums(
  checksums: readonly BlockChecksum[],
  data: SparseData,
  regions: readonly Region[],
): ChecksumComparison {
  const result: ChecksumComparison = { blocks: 0, matching: 0, differing: [] };
  for (const c of checksums) {
    const region = regions.find((r) => c.address >= r.base && c.address < regionEnd(r));
    const block = region && regionBlocks(region).find((b) => b.address === c.address);
    if (!region || !block) continue;
    result.blocks++;
    if (crc32(data.read(block.address, block.size, region.fill)) >>> 0 === c.baseChecksum >>> 0)
      result.matching++;
    else result.differing.push(c.address);
  }
  return result;
}
