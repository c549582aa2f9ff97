/**
 * The flash work on an RA chip, block by block (a block = one erase unit), all decided by the
 * CRC-32 the chip computes itself per CRC unit:
 *
 * - flash: a block whose CRC already matches the buffer (padded with 0xFF) is skipped; one that
 *   is blank is not erased; only write units holding something other than 0xFF are programmed;
 *   each written block is checked by CRC afterwards.
 * - write (MultiProg: blank check first) and write_no_blank program the buffer's write units
 *   without erasing.
 * - verify compares CRC units the buffer covers whole by CRC, partly covered ones by reading.
 */
import { crc32 } from '../../../src/core/checksum/crc32';
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import type { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { SparseData } from '../../../src/core/memory/sparse-data';
import type { ProgressReporter } from '../../../src/core/progress';
import type { OperationContext, OperationReport } from '../backend';
import type { RaBootClient } from './ra-commands';
import { areaAt, type RaLayout } from './ra-layout';

/** What the operations need of a session. */
export interface RaWorkSession {
  client: RaBootClient;
  layout: RaLayout;
}

/** An erase block. */
export interface Block {
  address: number;
  size: number;
}

/** How a block write treats what is on the chip. */
export type WriteMode = 'flash' | 'write' | 'write-no-blank';

const blankCrcs = new Map<number, number>();

/** CRC-32 of `size` bytes of 0xFF. */
export function blankCrc(size: number): number {
  let crc = blankCrcs.get(size);
  if (crc === undefined) {
    crc = crc32(new Uint8Array(size).fill(0xff));
    blankCrcs.set(size, crc);
  }
  return crc;
}

/** CRC-32 of chip memory: by the chip's CRC command where aligned to its CRC unit, else by reading. */
export async function chipCrc(s: RaWorkSession, address: number, size: number): Promise<number> {
  const area = areaAt(s.layout, address);
  if (area.cau > 0 && (address - area.start) % area.cau === 0 && size % area.cau === 0) {
    try {
      return await s.client.crc(address, size);
    } catch (error) {
      // A chip that did not report a CRC unit may not have the CRC command: read instead.
      const refused =
        error instanceof WebProgError && ['NOT_SUPPORTED', 'ADDRESS_OUT_OF_RANGE'].includes(error.code);
      if (!area.cauAssumed || !refused) throw error;
      area.cau = 0;
    }
  }
  return crc32(await readRange(s, address, size));
}

/** Reads chip memory (widened to the read unit). */
export async function readRange(
  s: RaWorkSession,
  address: number,
  size: number,
  onBytes?: (n: number) => void,
): Promise<Uint8Array> {
  const area = areaAt(s.layout, address);
  const unit = Math.max(1, area.rau);
  const start = address - ((address - area.start) % unit);
  const end = Math.min(area.end + 1, Math.ceil((address + size - area.start) / unit) * unit + area.start);
  const bytes = await s.client.read(start, end - start, onBytes);
  return bytes.subarray(address - start, address - start + size);
}

/** The blocks of `blocks` the data touches. */
export function touchedBlocks(blocks: readonly Block[], data: SparseData): Block[] {
  return blocks.filter((b) => data.intersects(b.address, b.address + b.size));
}

/**
 * Most bytes one erase / write / CRC command covers when blocks are batched: long enough that
 * the per-command round trips vanish against the data, short enough that a cancel is heard
 * within a few seconds even at 115200 baud.
 */
export const MAX_RUN_BYTES = 32 * 1024;

/** A block the write has to touch: erase it first (it is not blank) or only program it. */
interface PlannedBlock extends Block {
  erase: boolean;
  expected: Uint8Array;
}

/**
 * Writes `data` over `blocks` (see the module comment for each mode). Adjacent blocks of one
 * area that need work are handled as one run: one erase command for each stretch of blocks that
 * are not blank, one write command for each stretch of write units with data (its data packets
 * carry the protocol's maximum of 1024 bytes each) and one CRC command over the run afterwards.
 * The boot firmware acknowledges every data packet only once it has programmed it (the reply
 * carries the write status), so the host cannot overlap sending with programming; what it can
 * do is send no command, CRC or status read that the work does not need.
 */
export async function writeBlocks(
  s: RaWorkSession,
  blocks: readonly Block[],
  data: SparseData,
  mode: WriteMode,
  ctx: OperationContext,
  progress: ProgressReporter,
  changes: ChipChangeLog,
): Promise<OperationReport> {
  const report: OperationReport = { bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 0, verified: false };
  const touched = touchedBlocks(blocks, data);
  if (mode === 'write') {
    for (const b of touched) {
      throwIfCancelled(ctx.signal);
      if ((await chipCrc(s, b.address, b.size)) !== blankCrc(b.size)) {
        throw new WebProgError(
          'NOT_BLANK',
          `Write: the block at ${formatAddress(b.address)} is not blank. Erase it first, or use flash.`,
          { address: b.address },
        );
      }
    }
  }
  // Which blocks need work: in flash mode a block whose CRC already matches is skipped and a
  // blank one is not erased.
  const planned: PlannedBlock[] = [];
  for (const b of touched) {
    throwIfCancelled(ctx.signal);
    const expected = data.read(b.address, b.size, 0xff);
    let erase = false;
    if (mode === 'flash') {
      const onChip = await chipCrc(s, b.address, b.size);
      if (onChip === crc32(expected)) {
        report.skippedBlocks++;
        progress.advance(b.size);
        continue;
      }
      erase = onChip !== blankCrc(b.size);
    }
    planned.push({ ...b, erase, expected });
  }
  for (const run of runsOf(s, planned)) {
    throwIfCancelled(ctx.signal);
    await writeRun(s, run, data, mode, report, changes);
    progress.advance(run.reduce((n, b) => n + b.size, 0));
  }
  report.verified = mode === 'flash';
  return report;
}

/** Groups adjacent planned blocks of one area into runs of at most {@link MAX_RUN_BYTES}. */
function runsOf(s: RaWorkSession, planned: readonly PlannedBlock[]): PlannedBlock[][] {
  const runs: PlannedBlock[][] = [];
  let size = 0;
  for (const b of planned) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (
      run &&
      last &&
      last.address + last.size === b.address &&
      areaAt(s.layout, last.address) === areaAt(s.layout, b.address) &&
      size + b.size <= MAX_RUN_BYTES
    ) {
      run.push(b);
      size += b.size;
    } else {
      runs.push([b]);
      size = b.size;
    }
  }
  return runs;
}

/** Erases, programs and (flash mode) checks one run of adjacent blocks. */
async function writeRun(
  s: RaWorkSession,
  run: readonly PlannedBlock[],
  data: SparseData,
  mode: WriteMode,
  report: OperationReport,
  changes: ChipChangeLog,
): Promise<void> {
  // One erase command per stretch of blocks that are not blank.
  for (let i = 0; i < run.length;) {
    if (!run[i].erase) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < run.length && run[j + 1].erase) j++;
    for (let k = i; k <= j; k++) changes.block(run[k].address, run[k].size);
    await s.client.erase(run[i].address, run[j].address + run[j].size - 1, j - i + 1);
    report.erasedBlocks += j - i + 1;
    i = j + 1;
  }
  // Write units to program: in flash mode every unit that is not blank in the padded block; in
  // the write modes only units the buffer has data in. Stretches run across block boundaries.
  const area = areaAt(s.layout, run[0].address);
  const wau = Math.max(1, area.wau);
  const stretches: { start: number; parts: Uint8Array[]; size: number }[] = [];
  for (const b of run) {
    let touchedBlock = false;
    for (let off = 0; off < b.size; off += wau) {
      const unit = b.expected.subarray(off, off + wau);
      const has =
        mode === 'flash'
          ? unit.some((x) => x !== 0xff)
          : data.intersects(b.address + off, b.address + off + wau);
      if (!has || unit.every((x) => x === 0xff)) continue;
      touchedBlock = true;
      const at = b.address + off;
      const last = stretches.at(-1);
      if (last && last.start + last.size === at) {
        last.parts.push(unit);
        last.size += unit.length;
      } else stretches.push({ start: at, parts: [unit], size: unit.length });
    }
    if (touchedBlock && !b.erase) changes.block(b.address, b.size);
  }
  for (const stretch of stretches) {
    const bytes = new Uint8Array(stretch.size);
    let at = 0;
    for (const part of stretch.parts) {
      bytes.set(part, at);
      at += part.length;
    }
    await s.client.write(stretch.start, bytes, (n) => {
      report.bytesWritten += n;
    });
  }
  if (mode !== 'flash') return;
  // One CRC over the run; only when it differs, block by block to name the first difference.
  const start = run[0].address;
  const size = run.reduce((n, b) => n + b.size, 0);
  const expected =
    run.length === 1
      ? run[0].expected
      : concat(
          run.map((b) => b.expected),
          size,
        );
  if ((await chipCrc(s, start, size)) === crc32(expected)) return;
  for (const b of run) {
    if (run.length > 1 && (await chipCrc(s, b.address, b.size)) === crc32(b.expected)) continue;
    throw verifyFailed(await firstDifference(s, b.address, b.expected), 'after writing it');
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Compares the chip with `data` (CRC for whole CRC units, reading for partial ones). */
export async function verifyData(
  s: RaWorkSession,
  data: SparseData,
  ctx: OperationContext,
  progress: ProgressReporter,
): Promise<void> {
  for (const seg of data.segments()) {
    let at = seg.address;
    const end = seg.address + seg.data.length;
    while (at < end) {
      throwIfCancelled(ctx.signal);
      const area = areaAt(s.layout, at);
      const unit = area.cau > 0 ? area.cau : 0x400;
      const unitStart = at - ((at - area.start) % unit);
      const unitEnd = Math.min(unitStart + unit, area.end + 1);
      const from = Math.max(at, unitStart);
      const to = Math.min(end, unitEnd);
      const expected = seg.data.subarray(from - seg.address, to - seg.address);
      if (area.cau > 0 && from === unitStart && to === unitEnd) {
        if ((await chipCrc(s, unitStart, unitEnd - unitStart)) !== crc32(expected)) {
          throw verifyFailed(await firstDifference(s, from, expected), '');
        }
      } else {
        const chip = await readRange(s, from, to - from);
        const i = chip.findIndex((x, k) => x !== expected[k]);
        if (i >= 0) throw verifyFailed({ address: from + i, chip: chip[i], expected: expected[i] }, '');
      }
      progress.advance(to - from);
      at = to;
    }
  }
}

/**
 * Throws NOT_BLANK naming the first block of `blocks` (of the region `regionName`) that is not
 * blank, in the words MultiProg scripts match: "Block N not blanked (…)", N counted in `blocks`.
 */
export async function requireBlankBlocks(
  s: RaWorkSession,
  blocks: readonly Block[],
  ctx: OperationContext,
  progress: ProgressReporter,
  regionName = 'flash',
): Promise<void> {
  for (const [n, b] of blocks.entries()) {
    throwIfCancelled(ctx.signal);
    if ((await chipCrc(s, b.address, b.size)) !== blankCrc(b.size)) {
      const chip = await readRange(s, b.address, b.size);
      const i = chip.findIndex((x) => x !== 0xff);
      const address = b.address + Math.max(0, i);
      throw new WebProgError(
        'NOT_BLANK',
        `Block ${n} not blanked (${regionName} at ${formatAddress(b.address)}): ${formatAddress(address)} holds 0x${chip[Math.max(0, i)].toString(16).padStart(2, '0')}.`,
        { address },
      );
    }
    progress.advance(b.size);
  }
}

async function firstDifference(
  s: RaWorkSession,
  address: number,
  expected: Uint8Array,
): Promise<{ address: number; chip: number; expected: number }> {
  const chip = await readRange(s, address, expected.length);
  const i = Math.max(
    0,
    chip.findIndex((x, k) => x !== expected[k]),
  );
  return { address: address + i, chip: chip[i], expected: expected[i] };
}

function verifyFailed(at: { address: number; chip: number; expected: number }, when: string): WebProgError {
  const hex2 = (n: number) => n.toString(16).padStart(2, '0');
  return new WebProgError(
    'VERIFY_FAILED',
    `Verify failed at ${formatAddress(at.address)}${when ? ` ${when}` : ''}: the chip holds 0x${hex2(at.chip)}, the buffer 0x${hex2(at.expected)}.`,
    { address: at.address },
  );
}
