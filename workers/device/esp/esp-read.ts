/**
 * Reading ESP flash: whole regions into an image (in 256 KiB READ_FLASH commands, each a
 * progress and cancellation step), one segment, and read_checksums' per-sector digests (the
 * first 32 bits of the chip's MD5 of each 4 KiB sector and of its four quarters).
 */
import { throwIfCancelled } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import type { BlockChecksum, OperationContext } from '../backend';
import { SECTOR_SIZE } from './esp-protocol';
import { startProgress, type EspSession } from './esp-session';

/** Bytes per READ_FLASH command (progress and cancellation granularity). */
const READ_CHUNK = 0x40000;

/** Reads the chip's regions the image has into it, replacing what the image held there. */
export async function readRegions(s: EspSession, image: MemoryImage, ctx: OperationContext): Promise<void> {
  const regions = s.regions.filter((r) => image.regions.some((x) => x.name === r.name));
  const total = regions.reduce((n, r) => n + r.size, 0);
  const progress = startProgress('Read', total, ctx);
  const read = new SparseData();
  for (const r of regions) {
    for (let at = r.base; at < regionEnd(r); at += READ_CHUNK) {
      throwIfCancelled(ctx.signal);
      const n = Math.min(READ_CHUNK, regionEnd(r) - at);
      const done = progress.done;
      read.write(at, await s.link.channel.readFlash(at, n, ctx.signal, (b) => progress.update(done + b)));
    }
  }
  for (const r of regions) image.clear(r.name);
  image.load(read);
  progress.finish();
}

/** Reads `[address, address+size)` of `region` into the image (adding the region if it lacks it). */
export async function readSegmentInto(
  s: EspSession,
  image: MemoryImage,
  region: Region,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<void> {
  throwIfCancelled(ctx.signal);
  const bytes = await s.link.channel.readFlash(address, size, ctx.signal);
  if (!image.regions.some((r) => r.name === region.name)) image.addRegion({ ...region });
  image.writeAt(address, bytes);
}

/** One checksum per flash sector (MD5 prefix), with its four quarters as sub-checksums. */
export async function sectorChecksums(s: EspSession, ctx: OperationContext): Promise<BlockChecksum[]> {
  const r = s.regions[0];
  const sectors: { address: number; size: number }[] = [];
  for (let a = r.base; a < regionEnd(r); a += SECTOR_SIZE) sectors.push({ address: a, size: SECTOR_SIZE });
  const progress = startProgress('Checksums', r.size, ctx);
  // A sector has no natural sub-blocks: its four equal parts are hashed as well.
  const QUARTER = SECTOR_SIZE / 4;
  const chunks = sectors.flatMap((x) => [
    x,
    ...[0, 1, 2, 3].map((k) => ({ address: x.address + k * QUARTER, size: QUARTER })),
  ]);
  const digests = await s.link.channel.md5Many(chunks, ctx.signal, (i) => {
    if (i % 5 === 0) progress.advance(SECTOR_SIZE);
  });
  progress.finish();
  const prefix = (d: string) => Number.parseInt(d.slice(0, 8), 16);
  return sectors.map((x, i) => ({
    blockN: i,
    address: x.address,
    baseChecksum: prefix(digests[i * 5]!),
    subChecksums: digests.slice(i * 5 + 1, i * 5 + 5).map(prefix),
  }));
}
