/**
 * Erasing ESP flash (the whole chip, or sectors in steps that never cross a 64 KiB block) and
 * the blank check, which compares the chip's MD5 of each 64 KiB chunk with that of erased flash.
 */
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { OperationContext, OperationReport } from '../backend';
import { SKIP_CHUNK, type FlashRange } from './deflate-writer';
import { SECTOR_SIZE, toEspError } from './esp-protocol';
import { ESP_FLASH_REGION, logSectors, startProgress, type EspSession } from './esp-session';
import { firstDifference } from './esp-verify';
import { md5Hex } from './stub-channel';

/** The chip erase: asks the person first (when the call can ask), then erases all flash. */
export async function eraseChip(s: EspSession, ctx: OperationContext): Promise<OperationReport> {
  if (
    ctx.confirm &&
    !(await ctx.confirm(`Erase the whole ${s.target.name} flash? Everything on it is lost.`))
  ) {
    throw new WebProgError('CANCELLED', 'Chip erase was not confirmed.');
  }
  const progress = startProgress('Erase', 1, ctx);
  await s.link.channel.eraseChip();
  progress.finish();
  return {
    bytesWritten: 0,
    erasedBlocks: s.regions[0].size / SECTOR_SIZE,
    skippedBlocks: 0,
    verified: false,
  };
}

/** Erases all flash before a write (no question asked), noting it in `changes`. */
export async function eraseChipFirst(
  s: EspSession,
  ctx: OperationContext,
  changes: ChipChangeLog,
): Promise<void> {
  const progress = startProgress('Erase', 1, ctx);
  throwIfCancelled(ctx.signal);
  await s.link.channel.eraseChip();
  changes.massErase();
  progress.finish();
}

/** erase_segment: asks the person to confirm the range (when the call can ask), then erases it. */
export async function eraseSegment(
  s: EspSession,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<OperationReport> {
  const last = formatAddress(address + size - 1);
  if (ctx.confirm && !(await ctx.confirm(`Erase ${formatAddress(address)}..${last}?`))) {
    throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
  }
  return eraseSectors(s, address, size, ctx);
}

/**
 * Erases the sectors of `[address, address+size)`, one command per part inside a 64 KiB block;
 * a failure after the first command says which sectors may have changed.
 */
export async function eraseSectors(
  s: EspSession,
  address: number,
  size: number,
  ctx: OperationContext,
): Promise<OperationReport> {
  const progress = startProgress('Erase', size, ctx);
  const changes = new ChipChangeLog();
  try {
    for (let a = address; a < address + size;) {
      throwIfCancelled(ctx.signal);
      const n = Math.min(address + size - a, SKIP_CHUNK - (a % SKIP_CHUNK));
      logSectors(changes, a, n);
      await s.link.channel.eraseRegion(a, n);
      progress.advance(n);
      a += n;
    }
  } catch (error) {
    throw changes.isEmpty ? error : changes.annotate(toEspError(error, 'Erase'));
  }
  progress.finish();
  return { bytesWritten: 0, erasedBlocks: size / SECTOR_SIZE, skippedBlocks: 0, verified: false };
}

/** Throws NOT_BLANK naming the first sector (and byte) of `ranges` that is not erased. */
export async function requireBlank(
  s: EspSession,
  ranges: readonly FlashRange[],
  ctx: OperationContext,
): Promise<void> {
  const chunks = ranges.flatMap((r) => {
    const out: { address: number; size: number }[] = [];
    for (let a = r.address; a < r.address + r.data.length; a += SKIP_CHUNK) {
      out.push({ address: a, size: Math.min(SKIP_CHUNK, r.address + r.data.length - a) });
    }
    return out;
  });
  const blank = (n: number) => md5Hex(new Uint8Array(n).fill(0xff));
  const digests = await s.link.channel.md5Many(chunks, ctx.signal);
  const i = digests.findIndex((d, k) => d !== blank(chunks[k].size));
  if (i < 0) return;
  const erased = new Uint8Array(chunks[i].size).fill(0xff);
  const at = await firstDifference(s, { address: chunks[i].address, data: erased }, ctx);
  const sector = Math.floor(at.address / SECTOR_SIZE);
  throw new WebProgError(
    'NOT_BLANK',
    `Block ${sector} not blanked (${ESP_FLASH_REGION} at ${formatAddress(sector * SECTOR_SIZE)}): first non-blank byte at ${formatAddress(at.address)}.`,
    { address: at.address },
  );
}
