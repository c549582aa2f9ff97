/**
 * The memory image ("buffer"): a target's named regions plus sparse data inside them.
 * Every backend, every file loader and the script API's `mp.memory` work on this type.
 *
 * @example
 * const image = new MemoryImage([flashRegion('Code Flash', 0, 0x80000, 4096)]);
 * image.writeAt(0x1000, new Uint8Array([1, 2, 3]));
 * image.readRegion('Code Flash', 0x1000, 3); // Uint8Array [1, 2, 3]
 */
import { WebProgError, formatAddress } from '../errors';
import { regionContains, regionEnd, type Region } from './region';
import { SparseData, type AddressRange } from './sparse-data';

/** Differences between two images inside one region. */
export interface RegionDiff {
  /** Region name. */
  region: string;
  /** Ranges whose bytes differ (gaps read as the region's fill value). */
  ranges: AddressRange[];
  /** Number of differing bytes. */
  byteCount: number;
}

/** A target memory buffer of named regions with sparse data inside them. */
export class MemoryImage {
  private readonly regionList: Region[] = [];
  /** The data; every byte lies inside a region. */
  readonly data = new SparseData();

  constructor(regions: readonly Region[] = []) {
    for (const r of regions) this.addRegion(r);
  }

  /** The regions in ascending base order. */
  get regions(): readonly Region[] {
    return this.regionList;
  }

  /** Adds a region; it must not overlap an existing one. */
  addRegion(region: Region): void {
    if (this.regionList.some((r) => r.name === region.name)) {
      throw new WebProgError('INVALID_ARGUMENT', `A region named "${region.name}" already exists.`);
    }
    const clash = this.regionList.find((r) => region.base < regionEnd(r) && r.base < regionEnd(region));
    if (clash) {
      throw new WebProgError('INVALID_ARGUMENT', `Region "${region.name}" overlaps "${clash.name}".`, {
        address: region.base,
      });
    }
    this.regionList.push({ ...region });
    this.regionList.sort((a, b) => a.base - b.base);
  }

  /** The region named `name`; throws `REGION_NOT_FOUND` if there is none. */
  region(name: string): Region {
    const r = this.regionList.find((x) => x.name === name);
    if (!r) {
      const names = this.regionList.map((x) => `"${x.name}"`).join(', ') || 'none';
      throw new WebProgError('REGION_NOT_FOUND', `No region named "${name}" (regions: ${names}).`);
    }
    return r;
  }

  /** The region containing `address`, if any. */
  regionAt(address: number): Region | undefined {
    return this.regionList.find((r) => regionContains(r, address));
  }

  /** Writes bytes at an absolute address; the whole range must lie inside one region. */
  writeAt(address: number, bytes: Uint8Array): void {
    this.requireRegion(address, bytes.length);
    this.data.write(address, bytes);
  }

  /** Reads bytes at an absolute address; bytes without data read as the region's fill value. */
  readAt(address: number, length: number): Uint8Array {
    const region = this.requireRegion(address, length);
    return this.data.read(address, length, region.fill);
  }

  /** Writes bytes at `offset` from the start of region `name`. */
  writeRegion(name: string, offset: number, bytes: Uint8Array): void {
    const region = this.region(name);
    this.checkOffset(region, offset, bytes.length);
    this.data.write(region.base + offset, bytes);
  }

  /** Reads bytes at `offset` from the start of region `name`. */
  readRegion(name: string, offset: number, length: number): Uint8Array {
    const region = this.region(name);
    this.checkOffset(region, offset, length);
    return this.data.read(region.base + offset, length, region.fill);
  }

  /** Fills `[address, address+length)` with `value`. */
  fill(address: number, length: number, value: number): void {
    this.requireRegion(address, length);
    this.data.write(address, new Uint8Array(length).fill(value));
  }

  /** Removes all data from region `name` (or from every region). */
  clear(name?: string): void {
    if (name === undefined) {
      for (const s of [...this.data.segments()]) this.data.clear(s.address, s.address + s.data.length);
      return;
    }
    const r = this.region(name);
    this.data.clear(r.base, regionEnd(r));
  }

  /**
   * Loads sparse data (for example a parsed file) into the image. Data outside every region
   * is refused with `ADDRESS_OUT_OF_RANGE` naming the first such address, and nothing is written.
   */
  load(data: SparseData): void {
    for (const s of data.segments()) {
      let a = s.address;
      const end = s.address + s.data.length;
      while (a < end) {
        const r = this.regionAt(a);
        if (!r) {
          throw new WebProgError(
            'ADDRESS_OUT_OF_RANGE',
            `Data at ${formatAddress(a)} lies outside every region of the target.`,
            {
              address: a,
            },
          );
        }
        a = Math.min(end, regionEnd(r));
      }
    }
    for (const s of data.segments()) this.data.write(s.address, s.data);
  }

  /** The data that lies inside region `name`. */
  regionData(name: string): SparseData {
    const r = this.region(name);
    return this.data.slice(r.base, regionEnd(r));
  }

  /** A deep copy (regions and data). */
  clone(): MemoryImage {
    const copy = new MemoryImage(this.regionList);
    for (const s of this.data.segments()) copy.data.write(s.address, s.data);
    return copy;
  }

  /**
   * Compares this image with `other` region by region (regions matched by name; gaps read as
   * fill). Returns only regions with differences.
   */
  diff(other: MemoryImage): RegionDiff[] {
    const result: RegionDiff[] = [];
    for (const r of this.regionList) {
      const o = other.regionList.find((x) => x.name === r.name);
      if (!o) continue;
      const start = Math.max(r.base, o.base);
      const end = Math.min(regionEnd(r), regionEnd(o));
      const ranges = diffRange(this.data, other.data, start, end, r.fill);
      if (ranges.length > 0) {
        result.push({ region: r.name, ranges, byteCount: ranges.reduce((n, x) => n + x.end - x.start, 0) });
      }
    }
    return result;
  }

  private requireRegion(address: number, length: number): Region {
    const region = this.regionAt(address);
    if (!region || !regionContains(region, address, Math.max(1, length))) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `Range ${formatAddress(address)}..${formatAddress(address + Math.max(length, 1) - 1)} is not inside one region.`,
        { address },
      );
    }
    return region;
  }

  private checkOffset(region: Region, offset: number, length: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + length > region.size) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `Offset 0x${offset.toString(16)} (+${length} bytes) is outside region "${region.name}" (size 0x${region.size.toString(16)}).`,
        { address: region.base + offset },
      );
    }
  }
}

/** Ranges in `[start, end)` where `a` and `b` differ, reading gaps as `fill`. */
export function diffRange(
  a: SparseData,
  b: SparseData,
  start: number,
  end: number,
  fill = 0xff,
): AddressRange[] {
  const ranges: AddressRange[] = [];
  const CHUNK = 0x10000;
  let open: AddressRange | undefined;
  for (let base = start; base < end; base += CHUNK) {
    const len = Math.min(CHUNK, end - base);
    if (!a.intersects(base, base + len) && !b.intersects(base, base + len)) {
      open = undefined;
      continue;
    }
    const x = a.read(base, len, fill);
    const y = b.read(base, len, fill);
    for (let i = 0; i < len; i++) {
      if (x[i] !== y[i]) {
        if (open && open.end === base + i) open.end++;
        else {
          open = { start: base + i, end: base + i + 1 };
          ranges.push(open);
        }
      }
    }
  }
  return ranges;
}
