/**
 * A {@link FlashAlgorithm} backed by a CMSIS flash algorithm: Init/UnInit bracket each kind of
 * operation (function code 1 erase, 2 program, 3 verify; switching kind calls UnInit then Init
 * again), EraseSector/EraseChip erase, ProgramPage programs page by page from two RAM buffers in
 * turn (the next page uploads while the chip programs the current one), Verify (when present)
 * checks written blocks on the chip, BlankCheck (when present) checks erased ones.
 */
import type { CmsisAlgorithm } from '../../../src/core/cmsis/algorithm';
import { chipEraseTimeoutMs } from '../../../src/core/cmsis/erase-costs';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { BlankCheckResult, FlashAlgorithm } from '../../../src/core/flash/algorithm';
import type { CmsisRunner } from './cmsis-runner';

/** Init/UnInit function codes. */
export const CmsisFunction = { erase: 1, program: 2, verify: 3 } as const;

const FUNCTION_NAMES = { 1: 'erase', 2: 'program', 3: 'verify' } as const;

/** Flash operations through a loaded CMSIS algorithm. */
export class CmsisFlashAlgorithm implements FlashAlgorithm {
  eraseAll?: () => Promise<void>;
  blankCheck?: (address: number, length: number) => Promise<BlankCheckResult>;
  verifyBlock?: (address: number, content: Uint8Array) => Promise<number | undefined>;
  /** The function code Init was last called with (0: none, or after UnInit). */
  private active: 0 | 1 | 2 | 3 = 0;
  private readonly algo: CmsisAlgorithm;

  constructor(readonly runner: CmsisRunner) {
    this.algo = runner.algo;
    const f = this.algo.flash;
    if (runner.has('eraseChip')) {
      this.eraseAll = async () => {
        await this.begin(CmsisFunction.erase);
        // The description has no EraseChip timeout: it may take what erasing every sector would.
        const r = await runner.call('eraseChip', [], chipEraseTimeoutMs(f));
        if (r !== 0)
          throw new WebProgError(
            'FLASH_ERASE_FAILED',
            `Chip erase failed: the flash algorithm "${this.algo.name}" EraseChip returned ${r} for ${f.name} at ${formatAddress(f.start)}.`,
            { address: f.start },
          );
      };
    }
    if (runner.has('blankCheck')) {
      this.blankCheck = async (address, length) => {
        await this.begin(CmsisFunction.verify);
        const r = await runner.call('blankCheck', [address, length, f.erasedValue], f.eraseTimeoutMs);
        return r === 0 ? { blank: true } : { blank: false };
      };
    }
    if (runner.has('verify')) {
      this.verifyBlock = async (address, content) => {
        await this.begin(CmsisFunction.verify);
        const chunk = f.pageSize;
        const buffer = runner.at.buffers[0];
        for (let at = 0; at < content.length; at += chunk) {
          const part = content.subarray(at, Math.min(content.length, at + chunk));
          await runner.cpu.ap.writeBytes(buffer, part);
          const r = await runner.call('verify', [address + at, part.length, buffer], f.programTimeoutMs);
          if (r >>> 0 !== (address + at + part.length) >>> 0) return r >>> 0;
        }
        return undefined;
      };
    }
  }

  /** Calls Init with `fnc` unless it is already active (UnInit of the previous kind first). */
  async begin(fnc: 1 | 2 | 3): Promise<void> {
    if (this.active === fnc) return;
    await this.end();
    if (this.runner.has('init')) {
      const r = await this.runner.call(
        'init',
        [this.algo.flash.start, 0, fnc],
        this.algo.flash.eraseTimeoutMs,
      );
      if (r !== 0) {
        throw new WebProgError(
          'DEVICE_FAULT',
          `The flash algorithm "${this.algo.name}" failed to start for ${FUNCTION_NAMES[fnc]} (Init returned ${r}); nothing was changed.`,
        );
      }
    }
    this.active = fnc;
  }

  /** Calls UnInit for the active kind of operation, if any. */
  async end(): Promise<void> {
    const fnc = this.active;
    if (!fnc) return;
    this.active = 0;
    if (this.runner.has('uninit')) {
      const r = await this.runner.call('uninit', [fnc], this.algo.flash.eraseTimeoutMs);
      if (r !== 0) {
        throw new WebProgError(
          'DEVICE_FAULT',
          `The flash algorithm "${this.algo.name}" failed to finish ${FUNCTION_NAMES[fnc]} (UnInit returned ${r}).`,
        );
      }
    }
  }

  async eraseBlock(address: number): Promise<void> {
    await this.begin(CmsisFunction.erase);
    const r = await this.runner.call('eraseSector', [address], this.algo.flash.eraseTimeoutMs);
    if (r !== 0) {
      throw new WebProgError(
        'FLASH_ERASE_FAILED',
        `The chip refused to erase the sector at ${formatAddress(address)} (EraseSector returned ${r}).`,
        { address },
      );
    }
  }

  async writeBlock(address: number, data: Uint8Array): Promise<void> {
    await this.program([{ address, data }]);
  }

  /** Erases the block, then programs the writes (the first page uploads during the erase). */
  async eraseAndWrite(
    block: { address: number; size: number },
    writes: { address: number; data: Uint8Array }[],
  ): Promise<void> {
    const pages = this.pages(writes);
    await this.begin(CmsisFunction.erase);
    await this.runner.start('eraseSector', [block.address]);
    const staged =
      pages.length > 0 ? this.upload(pages[0].data, this.runner.at.buffers[0]) : Promise.resolve(undefined);
    const r = await this.runner.finish('eraseSector', this.algo.flash.eraseTimeoutMs).finally(() => staged);
    const stageError = await staged;
    if (stageError) throw stageError;
    if (r !== 0) {
      throw new WebProgError(
        'FLASH_ERASE_FAILED',
        `The chip refused to erase the sector at ${formatAddress(block.address)} (EraseSector returned ${r}).`,
        { address: block.address },
      );
    }
    await this.programPages(pages, pages.length > 0);
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    return this.runner.cpu.ap.readBytes(address, length);
  }

  /** Programs whole pages (the writes split at page boundaries). */
  private async program(writes: { address: number; data: Uint8Array }[]): Promise<void> {
    await this.programPages(this.pages(writes), false);
  }

  /** The writes as ProgramPage calls of at most one page each, not crossing page boundaries. */
  private pages(writes: { address: number; data: Uint8Array }[]): { address: number; data: Uint8Array }[] {
    const page = this.algo.flash.pageSize;
    const out: { address: number; data: Uint8Array }[] = [];
    for (const w of writes) {
      for (let at = 0; at < w.data.length;) {
        const address = w.address + at;
        const n = Math.min(w.data.length - at, page - ((address - this.algo.flash.start) % page));
        out.push({ address, data: w.data.subarray(at, at + n) });
        at += n;
      }
    }
    return out;
  }

  /**
   * ProgramPage for each page, alternating between the buffers: page i + 1 uploads while
   * page i programs. With `firstStaged` page 0 is already in buffer 0.
   */
  private async programPages(
    pages: { address: number; data: Uint8Array }[],
    firstStaged: boolean,
  ): Promise<void> {
    if (pages.length === 0) return;
    const { runner } = this;
    const buffers = runner.at.buffers;
    const timeout = this.algo.flash.programTimeoutMs;
    if (!firstStaged) {
      const e = await this.upload(pages[0].data, buffers[0]);
      if (e) throw e;
    }
    await this.begin(CmsisFunction.program);
    for (let i = 0; i < pages.length; i++) {
      const buffer = buffers[i % buffers.length];
      if (i > 0 && buffers.length === 1) {
        const e = await this.upload(pages[i].data, buffer);
        if (e) throw e;
      }
      await runner.start('programPage', [pages[i].address, pages[i].data.length, buffer]);
      const next =
        buffers.length > 1 && i + 1 < pages.length
          ? this.upload(pages[i + 1].data, buffers[(i + 1) % buffers.length])
          : Promise.resolve(undefined);
      const r = await runner.finish('programPage', timeout).finally(() => next);
      const stageError = await next;
      if (stageError) throw stageError;
      if (r !== 0) {
        throw new WebProgError(
          'FLASH_WRITE_FAILED',
          `The chip refused to program the page at ${formatAddress(pages[i].address)} (ProgramPage returned ${r}).`,
          { address: pages[i].address },
        );
      }
    }
  }

  /** Uploads `data` to `address`; resolves to the error instead of rejecting. */
  private upload(data: Uint8Array, address: number): Promise<unknown> {
    return this.runner.cpu.ap.writeBytes(address, data).then(
      () => undefined,
      (error: unknown) => error,
    );
  }
}
