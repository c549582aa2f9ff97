/**
 * The flasher stage of the pipeline: runs a {@link FlashLayout} on a chip through a
 * {@link FlashAlgorithm}. Per erase block it skips blocks that already hold the right bytes
 * (on-chip CRC-32 when the algorithm has it), keeps the bytes the image does not cover
 * (preserve), erases (not a block that is already blank; the whole chip at once when that is
 * cheaper, restoring what it must keep), programs only write blocks that are not all erased
 * (streamed, overlapping transfer with programming, when the algorithm can), and verifies.
 */
import { crc32 } from '../checksum';
import {
  WebProgError,
  formatAddress,
  formatByte,
  throwIfCancelled,
  toWebProgError,
  type CancelSignal,
} from '../errors';
import { firstDifference, sameBytes } from '../memory/bytes';
import { regionBlocks, regionEnd, type Region } from '../memory/region';
import { SparseData } from '../memory/sparse-data';
import { ProgressReporter, type Clock, type ProgressListener } from '../progress';
import { yieldToEventLoop } from '../yield';
import type { EraseCosts, FlashAlgorithm, ProgramJob } from './algorithm';
import { ChipChangeLog } from './chip-changes';
import { blockEraseCostUs, chipEraseIsCheaper, chipEraseStreamIsFaster, type StreamStep } from './erase-plan';
import { buildLayout, type EraseBlock } from './layout';

/** Options of {@link flashImage}. */
export interface FlashOptions {
  /** Keep the bytes of touched erase blocks that the image does not cover (default true). */
  preserve?: boolean;
  /** Skip erase blocks whose contents already match (default true). */
  skipUnchanged?: boolean;
  /** Verify what was written (default true). */
  verify?: boolean;
  /** The chip was mass-erased just before: program without erasing blocks again. */
  alreadyErased?: boolean;
  /** Receives progress of the "Flash" and "Verify" operations. */
  onProgress?: ProgressListener;
  /** Cancels between blocks. */
  signal?: CancelSignal;
  /** Clock for progress rates (virtual in simulations). */
  clock?: Clock;
  /**
   * Collects the blocks this flash erases or programs (give one that already noted a mass
   * erase). A flash that stops early throws its error with these changes attached.
   */
  changes?: ChipChangeLog;
}

/** What a flash did. */
export interface FlashReport {
  /** Erase blocks the image touches. */
  blocks: number;
  /** Erase blocks erased and programmed. */
  erasedBlocks: number;
  /** Write blocks programmed. */
  writtenBlocks: number;
  /** Erase blocks skipped because they already held the right bytes. */
  skippedBlocks: number;
  /** Bytes programmed. */
  bytesWritten: number;
  /** Bytes of image data. */
  dataBytes: number;
  /** True when the result was verified. */
  verified: boolean;
  /** True when the flasher chose a chip erase over block erases (cheaper by modeled cost). */
  chipErased: boolean;
}

/** One erase block to program, with the bytes it must hold afterwards. */
interface PlannedJob extends ProgramJob {
  block: EraseBlock;
  content: Uint8Array;
  /** Progress bytes this job accounts for (0 for blocks a chip erase forced back in). */
  progressBytes: number;
}

/**
 * Flashes `data` into the chip's flash `regions` through `algorithm`: plans every erase block
 * (skip unchanged, no erase for blocks already blank, chip erase instead of block erases when
 * the algorithm's costs say it is cheaper), then runs the plan as one stream when the
 * algorithm can overlap transfer with programming, and verifies.
 */
export async function flashImage(
  algorithm: FlashAlgorithm,
  data: SparseData,
  regions: readonly Region[],
  options: FlashOptions = {},
): Promise<FlashReport> {
  const preserve = options.preserve ?? true;
  const skipUnchanged = options.skipUnchanged ?? true;
  const layout = buildLayout(data, regions, { preserve });
  const report: FlashReport = {
    blocks: layout.eraseBlocks.length,
    erasedBlocks: 0,
    writtenBlocks: 0,
    skippedBlocks: 0,
    bytesWritten: 0,
    dataBytes: layout.dataBytes,
    verified: false,
    chipErased: false,
  };
  const total = layout.eraseBlocks.reduce((n, b) => n + b.size, 0);
  const progress = new ProgressReporter('Flash', total, options.onProgress, 50, options.clock);
  progress.start();
  const written: { block: EraseBlock; content: Uint8Array }[] = [];
  const changes = options.changes ?? new ChipChangeLog();
  /** Notes a job's block as changed (call before it starts). */
  const changing = (job: PlannedJob | undefined): void => {
    if (job && (job.erase || job.writes.length > 0)) changes.block(job.block.address, job.block.size);
  };
  try {
    const chipCrcs = skipUnchanged ? await chipChecksums(algorithm, layout.eraseBlocks) : undefined;
    let jobs: PlannedJob[] = [];
    const unchangedBlocks: number[] = [];
    for (let i = 0; i < layout.eraseBlocks.length; i++) {
      await yieldToEventLoop();
      throwIfCancelled(options.signal);
      const block = layout.eraseBlocks[i];
      const partial = preserve && !data.covers(block.address, block.size);
      let unchanged = false;
      if (skipUnchanged) {
        if (partial) {
          unchanged = await imageBytesMatch(algorithm, data, block);
        } else {
          const known = chipCrcs?.get(block.address);
          const expected = data.read(block.address, block.size, 0xff);
          unchanged =
            known !== undefined ? known === crc32(expected) : await alreadyHolds(algorithm, block, expected);
        }
      }
      if (unchanged) {
        report.skippedBlocks++;
        unchangedBlocks.push(i);
        progress.advance(block.size);
        continue;
      }
      const content = await intendedContent(algorithm, data, block, preserve);
      const writes = layout.writeBlocks
        .filter((wb) => wb.eraseBlock === i)
        .map((wb) => ({
          address: wb.address,
          data: content.slice(wb.address - block.address, wb.address - block.address + wb.size),
        }))
        .filter((w) => !isErased(w.data));
      const blankOnChip = chipCrcs?.get(block.address) === erasedCrc(block.size);
      jobs.push({
        block,
        content,
        writes,
        erase: !options.alreadyErased && !blankOnChip,
        progressBytes: block.size,
      });
    }
    throwIfCancelled(options.signal);
    const chipPlan =
      options.alreadyErased || !chipCrcs
        ? undefined
        : await planChipErase(algorithm, data, regions, layout.eraseBlocks, unchangedBlocks, jobs, preserve);
    const streamed = algorithm.programStream !== undefined;
    if (chipPlan) {
      // A streaming algorithm erases the chip itself, staging the first blocks meanwhile.
      changes.massErase();
      if (!streamed) {
        const eraseAll = algorithm.eraseAll!.bind(algorithm);
        await guard(eraseAll, 'FLASH_ERASE_FAILED', 'chip erase', regions[0]?.base ?? 0);
      }
      const keeps = keptByChipErase(algorithm.costs, regions);
      jobs = [...jobs.map((j) => ({ ...j, erase: j.erase && keeps(j.block.address) })), ...chipPlan].sort(
        (a, b) => a.block.address - b.block.address,
      );
      report.chipErased = true;
      report.skippedBlocks = 0;
    }
    const account = (job: PlannedJob): void => {
      if (!options.alreadyErased) report.erasedBlocks++;
      report.writtenBlocks += job.writes.length;
      report.bytesWritten += job.writes.reduce((n, w) => n + w.data.length, 0);
      written.push({ block: job.block, content: job.content });
      progress.advance(job.progressBytes);
    };
    if (algorithm.programStream && (jobs.length > 0 || chipPlan)) {
      const programStream = algorithm.programStream.bind(algorithm);
      const eraseAll = chipPlan !== undefined;
      // The stream starts job i + 1 while job i finishes: both count as changed from then on.
      changing(jobs[0]);
      const done = (i: number): void => {
        changing(jobs[i + 1]);
        account(jobs[i]);
      };
      await guard(
        () => programStream(jobs, { signal: options.signal, eraseAll, onJobDone: done }),
        'FLASH_WRITE_FAILED',
        'write',
        jobs[0]?.block.address ?? 0,
      );
    } else {
      for (const job of jobs) {
        await yieldToEventLoop();
        throwIfCancelled(options.signal);
        changing(job);
        await runJob(algorithm, job, options.signal);
        account(job);
      }
    }
    progress.finish();
  } catch (error) {
    const e = changes.annotate(error);
    progress.fail(e.toRecord());
    throw e;
  }
  if (options.verify ?? true) {
    try {
      await verifyBlocks(algorithm, written, options);
    } catch (error) {
      // A verify that was stopped or lost the chip says what the flash had changed; a failed
      // verify names its address, and the changed blocks are the ones just written.
      const e = toWebProgError(error);
      throw ['CANCELLED', 'TIMEOUT', 'DEVICE_LOST'].includes(e.code) ? changes.annotate(e) : e;
    }
    report.verified = true;
  }
  return report;
}

/** Erases (when the job says so) and programs one block through the per-block entries. */
async function runJob(algorithm: FlashAlgorithm, job: ProgramJob, signal?: CancelSignal): Promise<void> {
  const writeEach = async (): Promise<void> => {
    for (const w of job.writes) {
      throwIfCancelled(signal);
      await guard(() => algorithm.writeBlock(w.address, w.data), 'FLASH_WRITE_FAILED', 'write', w.address);
    }
  };
  if (!job.erase) {
    await writeEach();
  } else if (algorithm.eraseAndWrite) {
    const eraseAndWrite = algorithm.eraseAndWrite.bind(algorithm);
    await guard(
      () => eraseAndWrite(job.block, job.writes),
      'FLASH_WRITE_FAILED',
      'erase and write',
      job.block.address,
    );
  } else {
    await guard(
      () => algorithm.eraseBlock(job.block.address),
      'FLASH_ERASE_FAILED',
      'erase',
      job.block.address,
    );
    await writeEach();
  }
}

/**
 * When the algorithm can chip-erase and knows its costs: the blocks a chip erase would force
 * back in (unchanged blocks of the image, non-blank blocks outside it in every flash region
 * the chip erase clears, UICR included) as jobs, if erasing the chip and restoring them is cheaper than the block
 * erases `jobs` need; undefined otherwise (block erases win).
 */
async function planChipErase(
  algorithm: FlashAlgorithm,
  data: SparseData,
  regions: readonly Region[],
  touched: readonly EraseBlock[],
  unchangedBlocks: readonly number[],
  jobs: readonly PlannedJob[],
  preserve: boolean,
): Promise<PlannedJob[] | undefined> {
  const costs = algorithm.costs;
  if (!algorithm.eraseAll || !costs) return undefined;
  const keeps = keptByChipErase(costs, regions);
  const erasing = jobs.filter((j) => j.erase && !keeps(j.block.address)).map((j) => j.block);
  const blockCost = blockEraseCostUs(costs, erasing);
  if (blockCost <= costs.chipEraseUs) return undefined;
  const touchedAt = new Set(touched.map((b) => b.address));
  const outside: EraseBlock[] = regions
    .filter((r) => r.kind === 'flash' && !costs.chipEraseKeeps?.includes(r.name))
    .flatMap((r) => regionBlocks(r).map((b) => ({ ...b, region: r.name })))
    .filter((b) => !touchedAt.has(b.address));
  const outsideCrcs = await chipChecksums(algorithm, outside);
  if (!outsideCrcs) return undefined;
  const kept = outside.filter((b) => outsideCrcs.get(b.address) !== erasedCrc(b.size));
  const unchanged = unchangedBlocks.map((i) => touched[i]).filter((b) => !keeps(b.address));
  const readBackBytes =
    kept.reduce((n, b) => n + b.size, 0) +
    unchanged.filter((b) => preserve && !data.covers(b.address, b.size)).reduce((n, b) => n + b.size, 0);
  const rewrite = [...kept, ...unchanged];
  const cheaper = algorithm.programStream
    ? chipEraseStreamIsFaster(costs, {
        blockPlan: jobs.flatMap((j) => jobSteps(j, j.erase ? costs.blockEraseUs(j.block) : 0)),
        chipPlan: [
          ...jobs.flatMap((j) =>
            jobSteps(j, j.erase && keeps(j.block.address) ? costs.blockEraseUs(j.block) : 0),
          ),
          ...rewrite.flatMap((b) => rewriteSteps(regions, b)),
        ],
        readBackBytes,
        buffers: algorithm.stagingBuffers ?? 1,
      })
    : chipEraseIsCheaper(costs, { erasing, rewrite, readBackBytes });
  if (!cheaper) return undefined;
  const restored: PlannedJob[] = [];
  for (const block of unchanged) {
    const content = await intendedContent(algorithm, data, block, preserve);
    restored.push(restoreJob(regions, block, content));
  }
  for (const block of kept) {
    restored.push(restoreJob(regions, block, await algorithm.read(block.address, block.size)));
  }
  return restored;
}

/** A job as cost-model steps: its erase (when `eraseUs` > 0), then its writes. */
function jobSteps(job: ProgramJob, eraseUs: number): StreamStep[] {
  const writes = job.writes.map((w) => ({ writeBytes: w.data.length }));
  return eraseUs > 0 ? [{ eraseUs }, ...writes] : writes;
}

/** A block a chip erase forces back in, as cost-model writes of its region's write size. */
function rewriteSteps(regions: readonly Region[], block: { address: number; size: number }): StreamStep[] {
  const region = regions.find((r) => block.address >= r.base && block.address < regionEnd(r));
  const writeSize = Math.min(region?.writeSize ?? block.size, block.size);
  return Array.from({ length: Math.ceil(block.size / writeSize) }, () => ({ writeBytes: writeSize }));
}

/** Whether an address lies in a region the chip erase leaves as it is (`chipEraseKeeps`). */
function keptByChipErase(
  costs: EraseCosts | undefined,
  regions: readonly Region[],
): (address: number) => boolean {
  const kept = regions.filter((r) => costs?.chipEraseKeeps?.includes(r.name));
  return (address) => kept.some((r) => address >= r.base && address < regionEnd(r));
}

/** A job putting `content` back into `block` after a chip erase (no progress of its own). */
function restoreJob(regions: readonly Region[], block: EraseBlock, content: Uint8Array): PlannedJob {
  const region = regions.find((r) => block.address >= r.base && block.address < regionEnd(r));
  const writeSize = Math.min(region?.writeSize ?? block.size, block.size);
  const writes: { address: number; data: Uint8Array }[] = [];
  for (let at = 0; at < block.size; at += writeSize) {
    const bytes = content.slice(at, Math.min(at + writeSize, block.size));
    if (!isErased(bytes)) writes.push({ address: block.address + at, data: bytes });
  }
  return { block, content, writes, erase: false, progressBytes: 0 };
}

const erasedCrcs = new Map<number, number>();

/** CRC-32 of `size` erased (0xFF) bytes. */
function erasedCrc(size: number): number {
  let crc = erasedCrcs.get(size);
  if (crc === undefined) {
    crc = crc32(new Uint8Array(size).fill(0xff));
    erasedCrcs.set(size, crc);
  }
  return crc;
}

/**
 * The bytes the block must hold afterwards: image data over preserved chip bytes or 0xFF. Only
 * the gaps the image leaves are taken from the chip, and a long gap the chip reports blank (on
 * chip, when the algorithm can) is not read at all.
 */
async function intendedContent(
  algorithm: FlashAlgorithm,
  data: SparseData,
  block: { address: number; size: number },
  preserve: boolean,
): Promise<Uint8Array> {
  const content = data.read(block.address, block.size, 0xff);
  if (data.covers(block.address, block.size) || !preserve) return content;
  let at = block.address;
  const gaps: { start: number; end: number }[] = [];
  for (const r of data.slice(block.address, block.address + block.size).ranges()) {
    if (r.start > at) gaps.push({ start: at, end: r.start });
    at = r.end;
  }
  if (at < block.address + block.size) gaps.push({ start: at, end: block.address + block.size });
  for (const gap of gaps) {
    let from = gap.start;
    if (algorithm.blankCheck && gap.end - gap.start >= BLANK_CHECK_MIN) {
      const check = await algorithm.blankCheck(gap.start, gap.end - gap.start);
      if (check.blank) continue;
      from = Math.max(gap.start, check.firstNonBlank ?? gap.start);
    }
    content.set(await algorithm.read(from, gap.end - from), from - block.address);
  }
  return content;
}

/** Gaps at least this long are blank-checked on the chip before being read back. */
const BLANK_CHECK_MIN = 256;

/**
 * The chip's CRC-32 of every block, fetched in batches of contiguous equal-size blocks when
 * the algorithm can (one on-chip call per batch); undefined when it cannot.
 */
export async function chipChecksums(
  algorithm: FlashAlgorithm,
  blocks: readonly { address: number; size: number }[],
): Promise<Map<number, number> | undefined> {
  if (!algorithm.blockChecksums) return undefined;
  const crcs = new Map<number, number>();
  for (let i = 0; i < blocks.length;) {
    let j = i + 1;
    while (
      j < blocks.length &&
      blocks[j].size === blocks[i].size &&
      blocks[j].address === blocks[j - 1].address + blocks[j - 1].size
    )
      j++;
    const values = await algorithm.blockChecksums(blocks[i].address, blocks[i].size, j - i);
    values.forEach((crc, k) => crcs.set(blocks[i + k].address, crc >>> 0));
    i = j;
  }
  return crcs;
}

/**
 * For a block the image covers only partly (the rest is kept as it is on the chip): true when
 * the chip already holds the image's bytes, checked range by range on the chip when possible.
 */
async function imageBytesMatch(
  algorithm: FlashAlgorithm,
  data: SparseData,
  block: EraseBlock,
): Promise<boolean> {
  const segments = data.slice(block.address, block.address + block.size).segments();
  if (algorithm.blockChecksum) {
    for (const seg of segments) {
      if ((await algorithm.blockChecksum(seg.address, seg.data.length)) >>> 0 !== crc32(seg.data))
        return false;
    }
    return true;
  }
  const current = await algorithm.read(block.address, block.size);
  return segments.every(
    (seg) =>
      firstDifference(
        current.subarray(seg.address - block.address, seg.address - block.address + seg.data.length),
        seg.data,
      ) < 0,
  );
}

/** True when the chip's block already equals `content` (checked on the chip when possible). */
async function alreadyHolds(
  algorithm: FlashAlgorithm,
  block: EraseBlock,
  content: Uint8Array,
): Promise<boolean> {
  if (algorithm.blockChecksum)
    return (await algorithm.blockChecksum(block.address, block.size)) === crc32(content);
  return sameBytes(await algorithm.read(block.address, block.size), content);
}

/**
 * Verifies written blocks; throws VERIFY_FAILED naming the first differing address. The
 * algorithm's own on-chip compare ({@link FlashAlgorithm.verifyBlock}, a CMSIS Verify) comes
 * first, then on-chip checksums, then reading back.
 */
export async function verifyBlocks(
  algorithm: FlashAlgorithm,
  blocks: { block: EraseBlock; content: Uint8Array }[],
  options: Pick<FlashOptions, 'onProgress' | 'signal' | 'clock'> = {},
): Promise<void> {
  const total = blocks.reduce((n, b) => n + b.block.size, 0);
  const progress = new ProgressReporter('Verify', total, options.onProgress, 50, options.clock);
  progress.start();
  try {
    const chipCrcs = algorithm.verifyBlock
      ? undefined
      : await chipChecksums(
          algorithm,
          blocks.map((b) => b.block),
        );
    for (const { block, content } of blocks) {
      await yieldToEventLoop();
      throwIfCancelled(options.signal);
      const known = chipCrcs?.get(block.address);
      const same =
        known !== undefined
          ? known === crc32(content)
          : algorithm.verifyBlock
            ? (await algorithm.verifyBlock(block.address, content)) === undefined
            : await alreadyHolds(algorithm, block, content);
      if (!same) {
        const actual = await algorithm.read(block.address, block.size);
        const at = firstDifference(actual, content);
        const address = block.address + Math.max(0, at);
        throw new WebProgError(
          'VERIFY_FAILED',
          `Verify failed at ${formatAddress(address)}: the chip holds ${formatByte(actual[at])}, the image ${formatByte(content[at])}.`,
          { address },
        );
      }
      progress.advance(block.size);
    }
    progress.finish();
  } catch (error) {
    const e = toWebProgError(error);
    progress.fail(e.toRecord());
    throw e;
  }
}

async function guard(
  run: () => Promise<void>,
  code: 'FLASH_ERASE_FAILED' | 'FLASH_WRITE_FAILED',
  what: string,
  address: number,
) {
  try {
    await run();
  } catch (error) {
    if (error instanceof WebProgError && error.code !== 'INTERNAL') throw error;
    throw new WebProgError(
      code,
      `Flash ${what} failed at ${formatAddress(address)}: ${(error as Error).message}`,
      {
        address,
        cause: error,
      },
    );
  }
}

/** True when every byte is 0xFF. */
export function isErased(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}
