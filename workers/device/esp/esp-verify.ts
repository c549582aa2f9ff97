/**
 * Verifying ESP flash by the MD5s the stub computes on the chip: one digest per segment, and
 * on a difference the first differing byte, found by a digest per sector and one read.
 */
import { WebProgError, formatAddress, formatByte } from '../../../src/core/errors';
import type { Segment } from '../../../src/core/memory/sparse-data';
import type { OperationContext } from '../backend';
import { SECTOR_SIZE } from './esp-protocol';
import { startProgress, type EspSession } from './esp-session';
import { md5Hex } from './stub-channel';

/** Where the chip first differs from the expected bytes. */
export interface FirstDifference {
  address: number;
  /** The byte on the chip. */
  chip: number;
  /** The byte expected there. */
  expected: number;
}

/**
 * Compares the chip's MD5 of each segment with the data (progress "Verify"); throws
 * VERIFY_FAILED naming the first differing byte.
 */
export async function verifyOnChip(
  s: EspSession,
  segments: readonly Segment[],
  ctx: OperationContext,
): Promise<void> {
  const total = segments.reduce((n, x) => n + x.data.length, 0);
  const progress = startProgress('Verify', total, ctx);
  const onChip = await s.link.channel.md5Many(
    segments.map((x) => ({ address: x.address, size: x.data.length })),
    ctx.signal,
    (i) => progress.advance(segments[i].data.length),
  );
  for (let i = 0; i < segments.length; i++) {
    if (onChip[i] === md5Hex(segments[i].data)) continue;
    const at = await firstDifference(s, segments[i], ctx);
    throw new WebProgError(
      'VERIFY_FAILED',
      `Verify failed at ${formatAddress(at.address)}: the chip holds ${formatByte(at.chip)}, the buffer ${formatByte(at.expected)} (MD5 of ${formatAddress(segments[i].address)}+0x${segments[i].data.length.toString(16)} differs).`,
      { address: at.address },
    );
  }
  progress.finish();
}

/** Finds the first byte where the chip differs from `seg` (MD5 per sector, then a read). */
export async function firstDifference(
  s: EspSession,
  seg: Segment,
  ctx: OperationContext,
): Promise<FirstDifference> {
  const pieces = splitAtSectors(seg);
  const digests = await s.link.channel.md5Many(
    pieces.map((p) => ({ address: p.address, size: p.data.length })),
    ctx.signal,
  );
  const bad = pieces.find((p, i) => digests[i] !== md5Hex(p.data)) ?? pieces[0];
  const chip = await s.link.channel.readFlash(bad.address, bad.data.length, ctx.signal);
  const i = Math.max(
    0,
    chip.findIndex((b, k) => b !== bad.data[k]),
  );
  return { address: bad.address + i, chip: chip[i], expected: bad.data[i] };
}

function splitAtSectors(seg: Segment): Segment[] {
  const out = [];
  for (let at = 0; at < seg.data.length;) {
    const address = seg.address + at;
    const n = Math.min(seg.data.length - at, SECTOR_SIZE - (address % SECTOR_SIZE));
    out.push({ address, data: seg.data.subarray(at, at + n) });
    at += n;
  }
  return out;
}
