/**
 * A {@link FlashAlgorithm} backed by a loaded device script: erase/write call the script's
 * entries; our format-2 extension entries give on-chip CRC-32 and blank checks, and with a
 * second staging buffer ("WPB2", and further ones with "WPBN") a streamed flash uploads the
 * next blocks while the chip erases or programs.
 */
import { SOURCE_KEY } from '../../../src/core/device-script/header';
import { WebProgError, formatAddress, throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import type {
  BlankCheckResult,
  EraseCosts,
  FlashAlgorithm,
  ProgramJob,
} from '../../../src/core/flash/algorithm';
import type { CoreState } from './cortex-m';
import { EntryTimeoutMs, Slot, type ScriptRunner, type SyscallHost } from './script-runner';

/** The entry, name and timeout of each kind of stream operation. */
const ENTRIES = {
  eraseAll: { slot: Slot.allErase, name: 'allErase', timeoutMs: EntryTimeoutMs.allErase },
  erase: { slot: Slot.pageErase, name: 'pageErase', timeoutMs: EntryTimeoutMs.pageErase },
  write: { slot: Slot.pageWrite, name: 'pageWrite', timeoutMs: EntryTimeoutMs.pageWrite },
} as const;

/** One chip operation of a streamed flash. */
type StreamOp =
  | { kind: 'eraseAll'; address: number; job: number }
  | { kind: 'erase'; address: number; size: number; job: number }
  | { kind: 'write'; address: number; data: Uint8Array; job: number; buffer: number };

/** Header offsets of the format-2 entries, when the script has them. */
export interface ExtensionSlots {
  blockChecksum?: number;
  blankCheck?: number;
}

/** Flash operations through a device script. */
export class ScriptFlashAlgorithm implements FlashAlgorithm {
  eraseAll?: () => Promise<void>;
  blockChecksum?: (address: number, length: number) => Promise<number>;
  blockChecksums?: (address: number, blockSize: number, count: number) => Promise<number[]>;
  blankCheck?: (address: number, length: number) => Promise<BlankCheckResult>;

  constructor(
    readonly runner: ScriptRunner,
    readonly host: SyscallHost,
    extension: ExtensionSlots = {},
    /** Bytes of the staging buffer (the largest write block). */
    stagingBytes = 0,
    /** The chip's operation costs, when known (lets the flasher choose chip erase). */
    readonly costs?: EraseCosts,
  ) {
    if (runner.has(Slot.allErase)) {
      this.eraseAll = async () => {
        const r = await runner.call(Slot.allErase, [], EntryTimeoutMs.allErase, host, 'allErase');
        if (!r.r0)
          throw new WebProgError(
            'FLASH_ERASE_FAILED',
            `Mass erase failed (device script "${runner.script.name}").`,
          );
      };
    }
    const checksumSlot = extension.blockChecksum;
    if (checksumSlot !== undefined && runner.has(checksumSlot)) {
      this.blockChecksum = async (address, length) => {
        const r = await runner.call(
          checksumSlot,
          [address, length],
          EntryTimeoutMs.extension,
          host,
          'block_checksum',
        );
        if (!r.r0) {
          throw new WebProgError(
            'DEVICE_FAULT',
            `On-chip checksum of ${formatAddress(address)} (+${length}) failed.`,
            { address },
          );
        }
        return r.r1 >>> 0;
      };
    }
    if (this.blockChecksum && stagingBytes >= 4) {
      // Many blocks per call: the CRCs land in the staging buffer (block_checksum's multi form).
      const perCall = Math.floor(stagingBytes / 4);
      this.blockChecksums = async (address, blockSize, count) => {
        const out: number[] = [];
        for (let done = 0; done < count;) {
          const n = Math.min(perCall, count - done);
          const at = address + done * blockSize;
          const timeout = EntryTimeoutMs.extension + n * 50;
          const r = await runner.call(
            checksumSlot!,
            [at, blockSize, n, runner.script.stagingAddr],
            timeout,
            host,
            'block_checksum',
          );
          if (!r.r0) {
            throw new WebProgError('DEVICE_FAULT', `On-chip checksums from ${formatAddress(at)} failed.`, {
              address: at,
            });
          }
          const words = await runner.cpu.ap.readBlock(runner.script.stagingAddr, n);
          out.push(...Array.from(words, (w) => w >>> 0));
          done += n;
        }
        return out;
      };
    }
    const blankSlot = extension.blankCheck;
    if (blankSlot !== undefined && runner.has(blankSlot)) {
      this.blankCheck = async (address, length) => {
        const r = await runner.call(
          blankSlot,
          [address, length],
          EntryTimeoutMs.extension,
          host,
          'blank_check',
        );
        return r.r0 ? { blank: true } : { blank: false, firstNonBlank: r.r1 >>> 0 };
      };
    }
  }

  /** The staging buffers a stream goes round: the staging buffer, the second and further ones. */
  get stagingBuffers(): number {
    return 1 + (this.runner.secondStagingAddr !== undefined ? 1 : 0) + this.runner.furtherStagingAddrs.length;
  }

  async eraseBlock(address: number): Promise<void> {
    const r = await this.runner.call(
      Slot.pageErase,
      [address],
      EntryTimeoutMs.pageErase,
      this.host,
      'pageErase',
    );
    if (!r.r0) {
      throw new WebProgError(
        'FLASH_ERASE_FAILED',
        `The chip refused to erase the block at ${formatAddress(address)} (pageErase returned 0).`,
        {
          address,
        },
      );
    }
  }

  async writeBlock(address: number, data: Uint8Array): Promise<void> {
    await this.runner.cpu.ap.writeBytes(this.runner.script.stagingAddr, data);
    const r = await this.runner.call(
      Slot.pageWrite,
      [address],
      EntryTimeoutMs.pageWrite,
      this.host,
      'pageWrite',
    );
    if (!r.r0) {
      throw new WebProgError(
        'FLASH_WRITE_FAILED',
        `The chip refused to program the block at ${formatAddress(address)} (pageWrite returned 0).`,
        {
          address,
        },
      );
    }
  }

  /**
   * Starts the erase, uploads the first write block to the staging area while the chip erases
   * (the erase does not use the staging area), then programs the blocks in turn.
   */
  async eraseAndWrite(
    block: { address: number; size: number },
    writes: { address: number; data: Uint8Array }[],
  ): Promise<void> {
    const { runner, host } = this;
    await runner.start(Slot.pageErase, [block.address], 'pageErase');
    // The upload runs while the erase does; its error (if any) is collected, never left unhandled.
    const staged =
      writes.length > 0
        ? runner.cpu.ap.writeBytes(runner.script.stagingAddr, writes[0].data).then(
            () => undefined,
            (error: unknown) => error,
          )
        : Promise.resolve(undefined);
    const erased = await runner.finish(EntryTimeoutMs.pageErase, host, 'pageErase').finally(() => staged);
    const stageError = await staged;
    if (stageError) throw stageError;
    if (!erased.r0) {
      throw new WebProgError(
        'FLASH_ERASE_FAILED',
        `The chip refused to erase the block at ${formatAddress(block.address)} (pageErase returned 0).`,
        { address: block.address },
      );
    }
    for (let i = 0; i < writes.length; i++) {
      if (i > 0) await runner.cpu.ap.writeBytes(runner.script.stagingAddr, writes[i].data);
      const r = await runner.call(
        Slot.pageWrite,
        [writes[i].address],
        EntryTimeoutMs.pageWrite,
        host,
        'pageWrite',
      );
      if (!r.r0) {
        throw new WebProgError(
          'FLASH_WRITE_FAILED',
          `The chip refused to program the block at ${formatAddress(writes[i].address)} (pageWrite returned 0).`,
          { address: writes[i].address },
        );
      }
    }
  }

  /**
   * Runs the jobs as one stream of erase and pageWrite calls. The next write blocks' uploads
   * overlap the operation in progress whenever their buffers are free: during an erase always,
   * during a pageWrite when the script has a second staging buffer (the blocks go round the
   * buffers: the staging buffer, the second and any further ones). Once the chip's next
   * operation is staged, the chip goes first: uploads for later blocks are cut where the
   * running operation should end on typical silicon (its {@link EraseCosts}), and from then on
   * the core is looked at between chunks, so the chip never waits for a block it does not need
   * yet. An upload error is reported when its block is due (after the running operation).
   */
  async programStream(
    jobs: readonly ProgramJob[],
    options: { onJobDone?: (index: number) => void; signal?: CancelSignal; eraseAll?: boolean } = {},
  ): Promise<void> {
    const { runner, host } = this;
    if (options.eraseAll && !this.eraseAll) {
      throw new WebProgError('NOT_SUPPORTED', `Device script "${runner.script.name}" has no allErase entry.`);
    }
    const buffers = [runner.script.stagingAddr];
    if (runner.secondStagingAddr !== undefined) buffers.push(runner.secondStagingAddr);
    buffers.push(...runner.furtherStagingAddrs);
    const ops: StreamOp[] = options.eraseAll ? [{ kind: 'eraseAll', address: 0, job: 0 }] : [];
    let writes = 0;
    jobs.forEach((job, index) => {
      if (job.erase)
        ops.push({ kind: 'erase', address: job.block.address, size: job.block.size, job: index });
      for (const w of job.writes)
        ops.push({ kind: 'write', ...w, job: index, buffer: buffers[writes++ % buffers.length] });
    });
    const stager = new Stager(runner, ops, buffers.length, this.costs?.linkUsPerByte);
    let done = -1;
    /** Reports every job before `index` complete (jobs without operations included). */
    const completeBefore = (index: number): void => {
      while (done < index - 1) options.onJobDone?.(++done);
    };
    const argsOf = (op: StreamOp): number[] =>
      op.kind === 'write' ? [op.address, op.buffer, SOURCE_KEY] : [op.address];
    let started = false;
    for (let k = 0; k < ops.length; k++) {
      const op = ops[k];
      const entry = ENTRIES[op.kind];
      completeBefore(op.job);
      if (!started) {
        throwIfCancelled(options.signal);
        if (op.kind === 'write') await stager.stageAll(k);
        await runner.start(entry.slot, argsOf(op), entry.name);
      }
      const startedAt = runner.cpu.now();
      const expectedMs = this.expectedMs(op);
      // Stage what fits while the chip works, letting the uploads have the link to themselves
      // (polling for the halt meanwhile would only take packet slots from them) until the
      // chip's next operation is staged and this one should be over.
      let halted: CoreState | undefined;
      for (;;) {
        const j = stager.nextToStage(k);
        if (j === undefined) break;
        if (!stager.ready(k + 1)) {
          if (!(await stager.upload(j, Infinity))) break;
          continue;
        }
        const bytes = stager.bytesIn(startedAt + expectedMs - runner.cpu.now());
        if (bytes === 0) {
          const state = await runner.cpu.state();
          if (state.halted) {
            halted = state;
            break;
          }
        }
        if (!(await stager.upload(j, bytes || LATE_CHUNK_BYTES))) break;
      }
      // The batch that reads this result starts the next operation when it is ready to go.
      const nextOp = ops[k + 1] as StreamOp | undefined;
      const chain = nextOp !== undefined && !options.signal?.aborted && stager.ready(k + 1);
      const next = chain
        ? { offset: ENTRIES[nextOp.kind].slot, args: argsOf(nextOp), entryName: ENTRIES[nextOp.kind].name }
        : undefined;
      const result = await runner.finish(entry.timeoutMs, host, entry.name, next, halted);
      if (!result.r0) {
        throw new WebProgError(
          op.kind === 'write' ? 'FLASH_WRITE_FAILED' : 'FLASH_ERASE_FAILED',
          op.kind === 'eraseAll'
            ? `Mass erase failed (device script "${runner.script.name}").`
            : `The chip refused to ${op.kind === 'write' ? 'program' : 'erase'} the block at ${formatAddress(op.address)} (${entry.name} returned 0).`,
          { address: op.address },
        );
      }
      started = chain;
      if (op.kind !== 'eraseAll' && ops[k + 1]?.job !== op.job) completeBefore(op.job + 1);
    }
    completeBefore(jobs.length);
  }

  /** How long `op` takes on typical silicon, ms (0 when the chip's costs are unknown). */
  private expectedMs(op: StreamOp): number {
    const costs = this.costs;
    if (!costs) return 0;
    if (op.kind === 'eraseAll') return costs.chipEraseUs / 1000;
    if (op.kind === 'erase') return costs.blockEraseUs({ address: op.address, size: op.size }) / 1000;
    return (op.data.length * costs.programUsPerByte) / 1000;
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    return this.runner.cpu.ap.readBytes(address, length);
  }
}

/**
 * What is uploaded between looks at a core that is at or past its operation's typical time
 * (≈ 6 ms over DAPLink: the chip is then the slower side, so it should wait little).
 */
const LATE_CHUNK_BYTES = 512;

/**
 * The uploads of a stream: which write operations' data is in their staging buffers (whole or
 * in part), in order, and how fast the link has been.
 */
class Stager {
  /** Bytes of each write operation's data uploaded so far. */
  private readonly uploaded = new Map<number, number>();
  /** Upload errors, by operation: thrown when the operation is due. */
  private readonly errors = new Map<number, unknown>();
  /** Measured µs per byte of the last upload of at least 4 KiB (little per-call overhead). */
  private usPerByte: number;

  constructor(
    private readonly runner: ScriptRunner,
    private readonly ops: readonly StreamOp[],
    private readonly bufferCount: number,
    linkUsPerByte = 20,
  ) {
    this.usPerByte = linkUsPerByte;
  }

  /** True when op `k` can start now: not a write, or its data is all staged (or no op `k`). */
  ready(k: number): boolean {
    const op = this.ops[k] as StreamOp | undefined;
    return op === undefined || op.kind !== 'write' || (this.uploaded.get(k) ?? 0) >= op.data.length;
  }

  /**
   * The first write after op `running` whose data is not all staged and whose buffer is free
   * while `running` runs; undefined when none (or after an upload error).
   */
  nextToStage(running: number): number | undefined {
    if (this.errors.size > 0) return undefined;
    const current = this.ops[running];
    const busy = current.kind === 'write' ? current.buffer : undefined;
    let seen = 0;
    for (let j = running + 1; j < this.ops.length && seen < this.bufferCount; j++) {
      const op = this.ops[j];
      if (op.kind !== 'write') continue;
      if (op.buffer === busy) return undefined;
      seen++;
      if (!this.ready(j)) return j;
    }
    return undefined;
  }

  /**
   * Bytes to upload before the next look at the core: what the link moves in `ms`, in whole
   * KiB; 0 when that is less than 1 KiB (time to look).
   */
  bytesIn(ms: number): number {
    if (ms <= 0) return 0;
    return Math.floor((ms * 1000) / this.usPerByte / 1024) * 1024;
  }

  /**
   * Uploads up to `maxBytes` more of write op `j`'s data into its buffer. False when the upload
   * failed (the error is kept for when op `j` is due).
   */
  async upload(j: number, maxBytes: number): Promise<boolean> {
    const op = this.ops[j];
    if (op.kind !== 'write') return false;
    const from = this.uploaded.get(j) ?? 0;
    const n = Math.min(op.data.length - from, maxBytes);
    const t0 = this.runner.cpu.now();
    try {
      await this.runner.cpu.ap.writeBytes(op.buffer + from, op.data.subarray(from, from + n));
    } catch (error) {
      this.errors.set(j, error);
      return false;
    }
    const ms = this.runner.cpu.now() - t0;
    if (n >= 4096 && ms > 0) this.usPerByte = (ms * 1000) / n;
    this.uploaded.set(j, from + n);
    return true;
  }

  /** Uploads the rest of write op `k` (nothing runs on the chip); throws its upload error. */
  async stageAll(k: number): Promise<void> {
    if (!this.errors.has(k)) await this.upload(k, Infinity);
    if (this.errors.has(k)) throw this.errors.get(k);
  }
}
