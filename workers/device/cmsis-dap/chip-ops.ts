/**
 * The CMSIS-DAP backend's whole-chip operations on a connected session: flash (the staged
 * pipeline, with a mass erase first when the chip differs from the image in a given range),
 * read, verify, the blank check before a write, mass erase, blank check of a region and the
 * per-block checksums. The backend guards each with its session and error diagnosis.
 */
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import { flashImage, verifyBlocks } from '../../../src/core/flash/flasher';
import { buildLayout } from '../../../src/core/flash/layout';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks, regionEnd, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../../src/core/progress';
import type { BlockChecksum, FlashOperationOptions, OperationContext, OperationReport } from '../backend';
import { checksum, currentWithImage, holdsRange, isBlank } from './block-ops';
import type { CmsisDapSession } from './target-session';

/**
 * Flashes `image`: only the blocks that differ, keeping the rest of each block, then
 * verifies. With `options.fullWhenDiffers` and the chip differing from the image there, the
 * whole image is written instead (after a mass erase when the chip has one).
 */
export async function flashChip(
  s: CmsisDapSession,
  image: MemoryImage,
  ctx: OperationContext,
  options: FlashOperationOptions,
): Promise<OperationReport> {
  const full =
    options.fullWhenDiffers !== undefined && !(await holdsRange(s, image, options.fullWhenDiffers));
  const massErased = full && s.algorithm.eraseAll !== undefined;
  const changes = new ChipChangeLog();
  if (massErased) {
    // Stop before the mass erase changes nothing; once it runs it finishes (the chip cannot
    // stop it), and a Stop during it is seen right after: the error then says so.
    throwIfCancelled(ctx.signal);
    await s.algorithm.eraseAll!();
    changes.massErase();
  }
  const report = await flashImage(s.algorithm, image.data, s.regions, {
    changes,
    preserve: !full,
    skipUnchanged: !full,
    alreadyErased: massErased,
    verify: true,
    onProgress: ctx.onProgress,
    signal: ctx.signal,
    clock: ctx.clock,
  });
  await s.cmsis?.end();
  return {
    bytesWritten: report.bytesWritten,
    erasedBlocks: report.erasedBlocks,
    skippedBlocks: report.skippedBlocks,
    verified: report.verified,
    full,
  };
}

/**
 * Reads the chip's regions that `image` has into it, in 16 KiB pieces (Read progress); the
 * image changes only once everything was read.
 */
export async function readIntoImage(
  s: CmsisDapSession,
  image: MemoryImage,
  ctx: OperationContext,
): Promise<void> {
  const regions = s.regions.filter((r) => image.regions.some((x) => x.name === r.name));
  const total = regions.reduce((n, r) => n + r.size, 0);
  const progress = new ProgressReporter('Read', total, ctx.onProgress, 50, ctx.clock);
  progress.start();
  const read = new SparseData();
  for (const r of regions) {
    for (let at = r.base; at < regionEnd(r); at += 0x4000) {
      throwIfCancelled(ctx.signal);
      const n = Math.min(0x4000, regionEnd(r) - at);
      read.write(at, await s.cpu.ap.readBytes(at, n));
      progress.advance(n);
    }
  }
  // Only touch the buffer once everything was read: a failed read changes nothing.
  for (const r of regions) image.clear(r.name);
  image.load(read);
  progress.finish();
}

/** Refuses (NOT_BLANK, at the first non-blank byte) when an erase block `data` touches is not blank. */
export async function requireBlankFor(s: CmsisDapSession, data: SparseData): Promise<void> {
  const layout = buildLayout(data, s.regions, { preserve: false });
  for (const block of layout.eraseBlocks) {
    const blank = await isBlank(s, block.address, block.size);
    if (blank !== true) {
      throw new WebProgError(
        'NOT_BLANK',
        `Block at ${formatAddress(block.address)} is not blank (first non-blank byte at ${formatAddress(blank)}): erase it first.`,
        { address: blank },
      );
    }
  }
}

/** Verifies every erase block `image` touches: the chip's bytes with the image's laid over them. */
export async function verifyImage(
  s: CmsisDapSession,
  image: MemoryImage,
  ctx: OperationContext,
): Promise<void> {
  const layout = buildLayout(image.data, s.regions, { preserve: false });
  const blocks = [];
  for (const block of layout.eraseBlocks) {
    const content = await currentWithImage(s, image.data, block.address, block.size);
    blocks.push({ block, content });
  }
  await verifyBlocks(s.algorithm, blocks, ctx);
}

/** Asks `ctx.confirm`, when given, before erasing the whole chip; a refusal throws CANCELLED. */
export async function confirmMassErase(s: CmsisDapSession, ctx: OperationContext): Promise<void> {
  if (
    ctx.confirm &&
    !(await ctx.confirm(`Erase the whole ${s.target.name}? Everything on the chip is lost.`))
  ) {
    throw new WebProgError('CANCELLED', 'Mass erase was not confirmed.');
  }
}

/** Erases the whole chip with the algorithm's mass erase (which it must have). */
export async function massErase(s: CmsisDapSession, ctx: OperationContext): Promise<OperationReport> {
  const progress = new ProgressReporter('Erase', 1, ctx.onProgress, 50, ctx.clock);
  progress.start();
  throwIfCancelled(ctx.signal);
  // Once started the mass erase runs to its end: a Stop during it gets the finished report.
  await s.algorithm.eraseAll!();
  await s.cmsis?.end();
  progress.finish();
  return {
    bytesWritten: 0,
    erasedBlocks: s.regions.reduce((n, r) => n + regionBlocks(r).length, 0),
    skippedBlocks: 0,
    verified: false,
  };
}

/**
 * Checks every block of the flash region named `regionName` (default: the main flash) is
 * blank; the first that is not throws NOT_BLANK with its number and first non-blank byte.
 */
export async function blankCheckRegion(
  s: CmsisDapSession,
  ctx: OperationContext,
  regionName: string | undefined,
): Promise<void> {
  const region = pickRegion(s.regions, regionName);
  for (const [n, block] of regionBlocks(region).entries()) {
    throwIfCancelled(ctx.signal);
    const blank = await isBlank(s, block.address, block.size);
    if (blank !== true) {
      throw new WebProgError(
        'NOT_BLANK',
        `Block ${n} not blanked (${region.name} at ${formatAddress(block.address)}): first non-blank byte at ${formatAddress(blank)}.`,
        { address: blank },
      );
    }
  }
}

/** The CRC-32 of every flash block, with its sub-blocks' for a finer comparison. */
export async function blockChecksums(s: CmsisDapSession, ctx: OperationContext): Promise<BlockChecksum[]> {
  const out: BlockChecksum[] = [];
  let n = 0;
  for (const region of s.regions.filter((r) => r.kind === 'flash')) {
    for (const block of regionBlocks(region)) {
      throwIfCancelled(ctx.signal);
      // The chip's natural sub-blocks (write units, up to 64), else four equal parts.
      const natural = Math.min(region.writeSize, block.size);
      const subSize =
        natural < block.size && block.size / natural <= 64 ? natural : Math.max(1, Math.ceil(block.size / 4));
      const subs: number[] = [];
      for (let a = block.address; a < block.address + block.size; a += subSize)
        subs.push(await checksum(s, a, Math.min(subSize, block.address + block.size - a)));
      out.push({
        blockN: n++,
        address: block.address,
        baseChecksum: await checksum(s, block.address, block.size),
        subChecksums: subs,
      });
    }
  }
  return out;
}

/** The flash region named `name`, or the largest flash region (the chip's main flash). */
export function pickRegion(regions: readonly Region[], name: string | undefined): Region {
  const flash = regions.filter((r) => r.kind === 'flash');
  if (name !== undefined) {
    const found = flash.find((r) => r.name === name);
    if (!found) {
      throw new WebProgError(
        'REGION_NOT_FOUND',
        `The chip has no flash region named "${name}" (it has ${flash.map((r) => `"${r.name}"`).join(', ')}).`,
      );
    }
    return found;
  }
  return flash.reduce((a, b) => (b.size > a.size ? b : a));
}
