import { describe, expect, it } from 'vitest';
import { crc32 } from '../checksum';
import { flashRegion } from '../memory/region';
import { SparseData } from '../memory/sparse-data';
import type { EraseCosts, FlashAlgorithm, ProgramJob } from './algorithm';
import { chipEraseIsCheaper } from './erase-plan';
import { flashImage } from './flasher';

const CODE = 0x8000; // 8 blocks of 4 KiB
const UICR = 0x10000;
const regions = [
  flashRegion('Code Flash', 0, CODE, 0x1000, 0x1000),
  flashRegion('UICR', UICR, 0x400, 0x400, 0x400),
];

/** Costs shaped like an nRF52: 20 ms a page, 40 ms the whole chip. */
const NRF_LIKE: EraseCosts = {
  blockEraseUs: () => 20_000,
  chipEraseUs: 40_000,
  programUsPerByte: 10,
  linkUsPerByte: 20,
};

/** A NOR chip with code flash and a UICR-like block that a chip erase also wipes. */
class FakeChip implements FlashAlgorithm {
  readonly mem = new Uint8Array(UICR + 0x400).fill(0xff);
  log: string[] = [];
  constructor(
    readonly costs?: EraseCosts,
    streamed = false,
  ) {
    if (!streamed) this.programStream = undefined;
  }
  async eraseAll() {
    this.log.push('eraseAll');
    this.mem.fill(0xff);
  }
  async eraseBlock(address: number) {
    this.log.push(`erase ${address.toString(16)}`);
    this.mem.fill(0xff, address, address + (address >= UICR ? 0x400 : 0x1000));
  }
  async writeBlock(address: number, data: Uint8Array) {
    this.log.push(`write ${address.toString(16)}`);
    for (let i = 0; i < data.length; i++) this.mem[address + i] &= data[i];
  }
  async blockChecksum(address: number, length: number) {
    return crc32(this.mem.subarray(address, address + length));
  }
  async blockChecksums(address: number, size: number, count: number) {
    return Array.from({ length: count }, (_, i) =>
      crc32(this.mem.subarray(address + i * size, address + (i + 1) * size)),
    );
  }
  reads: string[] = [];
  async read(address: number, length: number) {
    this.reads.push(`${address.toString(16)}+${length.toString(16)}`);
    return this.mem.slice(address, address + length);
  }
  async blankCheck(address: number, length: number) {
    const at = this.mem.subarray(address, address + length).findIndex((b) => b !== 0xff);
    return at < 0 ? { blank: true } : { blank: false, firstNonBlank: address + at };
  }
  programStream? = async (
    jobs: readonly ProgramJob[],
    options: { onJobDone?: (index: number) => void; eraseAll?: boolean } = {},
  ): Promise<void> => {
    this.log.push(`stream ${jobs.length}`);
    if (options.eraseAll) await this.eraseAll();
    for (const [i, job] of jobs.entries()) {
      if (job.erase) await this.eraseBlock(job.block.address);
      for (const w of job.writes) await this.writeBlock(w.address, w.data);
      options.onJobDone?.(i);
    }
  };
}

const fill = (address: number, length: number, value: number) =>
  SparseData.from([{ address, data: new Uint8Array(length).fill(value) }]);

describe('flashImage: the fastest erase', () => {
  it('does not erase a block that is already blank on the chip', async () => {
    const chip = new FakeChip();
    const report = await flashImage(chip, fill(0x1000, 0x1000, 0x5a), regions);
    expect(chip.log).toEqual(['write 1000']);
    expect(report).toMatchObject({ erasedBlocks: 1, chipErased: false, verified: true });
  });

  it('chip-erases when most blocks change, then restores UICR and data outside the image', async () => {
    const chip = new FakeChip({ ...NRF_LIKE, linkUsPerByte: 2 }); // 140 ms of pages vs ≈ 100 ms
    chip.mem.fill(0x11, 0, 0x7000); // a previous build in blocks 0-6
    chip.mem.fill(0x22, 0x7000, 0x7010); // data outside the new image (block 7)
    chip.mem.fill(0x33, UICR, UICR + 8); // UICR settings
    const report = await flashImage(chip, fill(0, 0x7000, 0x5a), regions);
    expect(chip.log[0]).toBe('eraseAll');
    expect(chip.log.filter((l) => l.startsWith('erase '))).toEqual([]);
    expect(report).toMatchObject({ chipErased: true, verified: true, skippedBlocks: 0 });
    expect(chip.mem.subarray(0, 0x7000).every((b) => b === 0x5a)).toBe(true);
    expect(Array.from(chip.mem.subarray(0x7000, 0x7011))).toEqual([...Array(16).fill(0x22), 0xff]);
    expect(Array.from(chip.mem.subarray(UICR, UICR + 9))).toEqual([...Array(8).fill(0x33), 0xff]);
  });

  it.each([false, true])(
    'leaves a region the chip erase keeps (STM32F1 option bytes) to its own erase (streamed: %s)',
    async (streamed) => {
      const costs: EraseCosts = { ...NRF_LIKE, linkUsPerByte: 2, chipEraseKeeps: ['UICR'] };
      const chip = new FakeChip(costs, streamed);
      // Like MER on an STM32F1: the chip erase wipes the code flash only.
      chip.eraseAll = async () => {
        chip.log.push('eraseAll');
        chip.mem.fill(0xff, 0, CODE);
      };
      chip.mem.fill(0x11, 0, 0x7000);
      chip.mem.fill(0x33, UICR, UICR + 8); // settings the image does not change: never touched
      const report = await flashImage(chip, fill(0, 0x7000, 0x5a), regions);
      expect(report).toMatchObject({ chipErased: true, verified: true });
      expect(chip.log.filter((l) => l.endsWith(UICR.toString(16)))).toEqual([]);
      expect(Array.from(chip.mem.subarray(UICR, UICR + 9))).toEqual([...Array(8).fill(0x33), 0xff]);

      // An image that changes them too: chip erase for the code, its own erase for that block.
      chip.log = [];
      const data = fill(0, 0x7000, 0x22);
      data.write(UICR, new Uint8Array([0x44]));
      await flashImage(chip, data, regions);
      expect(chip.log.filter((l) => l === 'eraseAll' || l.startsWith('erase '))).toEqual([
        'eraseAll',
        `erase ${UICR.toString(16)}`,
      ]);
      expect(Array.from(chip.mem.subarray(UICR, UICR + 9))).toEqual([0x44, ...Array(7).fill(0x33), 0xff]);
    },
  );

  it.each([false, true])(
    'weighs whole streams when streamed: block erases that hide a slow link beat a shorter chip erase (streamed: %s)',
    async (streamed) => {
      // 8 × 80 ms of block erases vs 500 ms, but 160 ms per block on the link: streamed, each
      // block erase hides an upload, while the chip erase hides only the two its buffers hold.
      const costs: EraseCosts = {
        blockEraseUs: () => 80_000,
        chipEraseUs: 500_000,
        programUsPerByte: 4,
        linkUsPerByte: 40,
      };
      const chip = Object.assign(new FakeChip(costs, streamed), { stagingBuffers: 2 });
      chip.mem.fill(0x11, 0, CODE);
      const report = await flashImage(chip, fill(0, CODE, 0x5a), regions);
      expect(report.chipErased).toBe(!streamed);
      expect(chip.log.filter((l) => l.startsWith('erase ')).length).toBe(streamed ? 8 : 0);
      expect(chip.mem.subarray(0, CODE).every((b) => b === 0x5a)).toBe(true);
    },
  );

  it('erases block by block when one block changes (a chip erase would cost more)', async () => {
    const chip = new FakeChip(NRF_LIKE);
    chip.mem.fill(0x11, 0, 0x7000);
    const report = await flashImage(chip, fill(0x3000, 0x1000, 0x5a), regions);
    expect(chip.log).toEqual(['erase 3000', 'write 3000']);
    expect(report.chipErased).toBe(false);
    expect(chip.mem[0x2fff]).toBe(0x11);
  });

  it('keeps block erases when restoring what a chip erase wipes would cost more', () => {
    const erasing = Array.from({ length: 3 }, (_, i) => ({ address: i * 0x1000, size: 0x1000 }));
    const rewrite = Array.from({ length: 5 }, (_, i) => ({ address: (i + 3) * 0x1000, size: 0x1000 }));
    // 60 ms of page erases vs 40 ms + 20 KiB read back and rewritten at 20 µs/B.
    expect(chipEraseIsCheaper(NRF_LIKE, { erasing, rewrite, readBackBytes: 5 * 0x1000 })).toBe(false);
    expect(chipEraseIsCheaper(NRF_LIKE, { erasing, rewrite: [], readBackBytes: 0 })).toBe(true);
  });

  it('keeps the chip bytes around a partial image, reading back only what is not blank', async () => {
    const chip = new FakeChip();
    chip.mem.fill(0x11, 0x1000, 0x1100); // old data in the block
    chip.mem.fill(0x77, 0x1f00, 0x1f10); // and a setting near its end
    const report = await flashImage(chip, fill(0x1100, 0x100, 0x5a), regions);
    expect(report.verified).toBe(true);
    expect(chip.reads).toEqual(['1000+100', '1f00+100']); // the 0x1200-0x1EFF gap was blank
    expect(chip.mem[0x10ff]).toBe(0x11);
    expect(chip.mem[0x1100]).toBe(0x5a);
    expect(chip.mem[0x1f0f]).toBe(0x77);
    expect(chip.mem[0x1f10]).toBe(0xff);
  });

  it('runs the plan as one stream when the algorithm can, reporting progress per block', async () => {
    const chip = new FakeChip(undefined, true);
    chip.mem.fill(0x11, 0, 0x3000);
    const finished: { done: number; total: number }[] = [];
    const report = await flashImage(chip, fill(0, 0x3000, 0x5a), regions, {
      onProgress: (e) => {
        if (e.kind === 'finished' && e.operation === 'Flash') finished.push({ done: e.done, total: e.total });
      },
    });
    expect(chip.log[0]).toBe('stream 3');
    expect(report).toMatchObject({ erasedBlocks: 3, writtenBlocks: 3, bytesWritten: 0x3000, verified: true });
    expect(chip.mem.subarray(0, 0x3000).every((b) => b === 0x5a)).toBe(true);
    expect(finished).toEqual([{ done: 0x3000, total: 0x3000 }]);
  });
});
