/**
 * A {@link FlashAlgorithm} backed by a loaded device script: erase/write call the script's
 * entries; our format-2 extension entries give on-chip CRC-32 and blank checks.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { BlankCheckResult, FlashAlgorithm } from '../../../src/core/flash/algorithm';
import { EntryTimeoutMs, Slot, type ScriptRunner, type SyscallHost } from './script-runner';

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

  async read(address: number, length: number): Promise<Uint8Array> {
    return this.runner.cpu.ap.readBytes(address, length);
  }
}
