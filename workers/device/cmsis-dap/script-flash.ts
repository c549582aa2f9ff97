/**
 * A {@link FlashAlgorithm} backed by a loaded device script: erase/write call the script's
 * entries; our format-2 extension entries give on-chip CRC-32 and blank checks, and with a
 * second staging buffer ("WPB2") a streamed flash uploads one block while the chip programs
 * the other.
 */
import { SOURCE_KEY } from '../../../src/core/device-script/header';
import { WebProgError, formatAddress, throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import type {
  BlankCheckResult,
  EraseCosts,
  FlashAlgorithm,
  ProgramJob,
} from '../../../src/core/flash/algorithm';
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
  | { kind: 'erase'; address: number; job: number }
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
   * Runs the jobs as one stream of erase and pageWrite calls. The next write block's upload
   * overlaps the operation in progress whenever its buffer is free: during an erase always,
   * during a pageWrite when the script has a second staging buffer (the blocks alternate
   * between the two). Upload errors are collected, never left unhandled.
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
    const ops: StreamOp[] = options.eraseAll ? [{ kind: 'eraseAll', address: 0, job: 0 }] : [];
    let writes = 0;
    jobs.forEach((job, index) => {
      if (job.erase) ops.push({ kind: 'erase', address: job.block.address, job: index });
      for (const w of job.writes)
        ops.push({ kind: 'write', ...w, job: index, buffer: buffers[writes++ % buffers.length] });
    });
    const uploads = new Map<number, Promise<unknown>>();
    const upload = (k: number): void => {
      const op = ops[k];
      if (op.kind !== 'write' || uploads.has(k)) return;
      uploads.set(
        k,
        runner.cpu.ap.writeBytes(op.buffer, op.data).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
    };
    let done = -1;
    /** Reports every job before `index` complete (jobs without operations included). */
    const completeBefore = (index: number): void => {
      while (done < index - 1) options.onJobDone?.(++done);
    };
    /** The writes after op `after` whose buffers are free while `after` runs, in order. */
    const writesToStage = (after: number): number[] => {
      const running = ops[after];
      const busy = running.kind === 'write' ? running.buffer : undefined;
      const out: number[] = [];
      const taken = new Set<number>();
      for (let j = after + 1; j < ops.length && out.length < buffers.length; j++) {
        const op = ops[j];
        if (op.kind !== 'write') continue;
        if (op.buffer === busy || taken.has(op.buffer)) break;
        taken.add(op.buffer);
        out.push(j);
      }
      return out;
    };
    try {
      const argsOf = (op: StreamOp): number[] =>
        op.kind === 'write' ? [op.address, op.buffer, SOURCE_KEY] : [op.address];
      /** Staged writes whose upload finished without error. */
      const staged = new Set<number>();
      let started = false;
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k];
        const entry = ENTRIES[op.kind];
        completeBefore(op.job);
        if (!started) {
          throwIfCancelled(options.signal);
          if (op.kind === 'write') {
            upload(k);
            const error = await uploads.get(k);
            if (error) throw error;
          }
          await runner.start(entry.slot, argsOf(op), entry.name);
        }
        uploads.delete(k);
        // Stage what fits while the chip works, and let the uploads have the link to themselves:
        // polling for the halt meanwhile would only take packet slots from them.
        for (const j of writesToStage(k)) {
          upload(j);
          if (!(await uploads.get(j))) staged.add(j);
        }
        // The batch that reads this result starts the next operation when it is ready to go.
        const nextOp = ops[k + 1] as StreamOp | undefined;
        const chain =
          nextOp !== undefined && !options.signal?.aborted && (nextOp.kind !== 'write' || staged.has(k + 1));
        const next = chain
          ? { offset: ENTRIES[nextOp.kind].slot, args: argsOf(nextOp), entryName: ENTRIES[nextOp.kind].name }
          : undefined;
        const result = await runner.finish(entry.timeoutMs, host, entry.name, next);
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
    } finally {
      await Promise.all(uploads.values());
    }
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    return this.runner.cpu.ap.readBytes(address, length);
  }
}
