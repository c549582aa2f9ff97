import { describe, expect, it } from 'vitest';
import { crc32 } from '../checksum';
import { flashRegion } from '../memory/region';
import { SparseData } from '../memory/sparse-data';
import type { ProgressEvent } from '../progress';
import type { FlashAlgorithm } from './algorithm';
import { flashImage } from './flasher';

/** An in-memory NOR flash: erase sets 0xFF, programming only clears bits. */
class FakeNor implements FlashAlgorithm {
  readonly mem = new Uint8Array(0x4000).fill(0xff);
  erases: number[] = [];
  writes: number[] = [];
  checksums = 0;
  failWriteAt?: number;
  constructor(readonly withChecksum = true) {
    if (!withChecksum) this.blockChecksum = undefined;
  }
  async eraseBlock(address: number) {
    this.erases.push(address);
    this.mem.fill(0xff, address, address + 0x1000);
  }
  async writeBlock(address: number, data: Uint8Array) {
    if (address === this.failWriteAt) throw new Error('controller reported an error');
    this.writes.push(address);
    for (let i = 0; i < data.length; i++) this.mem[address + i] &= data[i];
  }
  blockChecksum? = async (address: number, length: number) => {
    this.checksums++;
    return crc32(this.mem.subarray(address, address + length));
  };
  async read(address: number, length: number) {
    return this.mem.slice(address, address + length);
  }
}

const regions = [flashRegion('Code Flash', 0, 0x4000, 0x1000, 0x400)];
const image = (address: number, length: number, value = 0x5a) =>
  SparseData.from([{ address, data: new Uint8Array(length).fill(value) }]);

describe('flashImage', () => {
  it('erases touched blocks, programs only non-erased write blocks, verifies', async () => {
    const chip = new FakeNor();
    const report = await flashImage(chip, image(0x1000, 0x500), regions);
    expect(chip.erases).toEqual([0x1000]);
    expect(chip.writes).toEqual([0x1000, 0x1400]);
    expect(report).toMatchObject({
      erasedBlocks: 1,
      writtenBlocks: 2,
      skippedBlocks: 0,
      bytesWritten: 0x800,
      verified: true,
    });
    expect(chip.mem[0x14ff]).toBe(0x5a);
    expect(chip.mem[0x1500]).toBe(0xff);
  });

  it('skips blocks that already hold the image (on-chip checksum)', async () => {
    const chip = new FakeNor();
    await flashImage(chip, image(0, 0x2000), regions);
    chip.erases = [];
    chip.writes = [];
    const report = await flashImage(chip, image(0, 0x2000), regions);
    expect(report.skippedBlocks).toBe(2);
    expect(chip.erases).toEqual([]);
    expect(chip.writes).toEqual([]);
  });

  it('skips by reading back when the chip has no checksum entry', async () => {
    const chip = new FakeNor(false);
    await flashImage(chip, image(0, 0x1000), regions);
    const report = await flashImage(chip, image(0, 0x1000), regions);
    expect(report.skippedBlocks).toBe(1);
  });

  it('preserves bytes of a touched block that the image does not cover', async () => {
    const chip = new FakeNor();
    chip.mem.fill(0x11, 0x2000, 0x3000);
    await flashImage(chip, image(0x2100, 0x10), regions);
    expect(chip.mem[0x2000]).toBe(0x11);
    expect(chip.mem[0x2100]).toBe(0x5a);
    expect(chip.mem[0x2fff]).toBe(0x11);
  });

  it('leaves uncovered bytes erased when not preserving', async () => {
    const chip = new FakeNor();
    chip.mem.fill(0x11, 0x2000, 0x3000);
    await flashImage(chip, image(0x2100, 0x10), regions, { preserve: false });
    expect(chip.mem[0x2000]).toBe(0xff);
    expect(chip.writes).toEqual([0x2000]);
  });

  it('names the block and operation that failed', async () => {
    const chip = new FakeNor();
    chip.failWriteAt = 0x1400;
    await expect(flashImage(chip, image(0x1000, 0x800), regions)).rejects.toMatchObject({
      code: 'FLASH_WRITE_FAILED',
      address: 0x1400,
      message: expect.stringContaining('0x00001400'),
    });
  });

  it('reports a verify failure with the first differing address', async () => {
    const chip = new FakeNor();
    chip.writeBlock = async (address, data) => {
      for (let i = 0; i < data.length; i++) chip.mem[address + i] &= data[i];
      chip.mem[address + 3] = 0x00;
    };
    await expect(flashImage(chip, image(0, 0x400), regions)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      address: 3,
    });
  });

  it('emits Flash then Verify progress in order', async () => {
    const events: ProgressEvent[] = [];
    await flashImage(new FakeNor(), image(0, 0x3000), regions, { onProgress: (e) => events.push(e) });
    const kinds = events.map((e) => `${e.operation}:${e.kind}`);
    expect(kinds[0]).toBe('Flash:started');
    expect(kinds).toContain('Flash:finished');
    expect(kinds.at(-1)).toBe('Verify:finished');
    expect(kinds.indexOf('Flash:finished')).toBeLessThan(kinds.indexOf('Verify:started'));
  });

  it('stops between blocks when cancelled', async () => {
    const chip = new FakeNor();
    const controller = new AbortController();
    chip.eraseBlock = async (address) => {
      chip.erases.push(address);
      controller.abort();
    };
    await expect(
      flashImage(chip, image(0, 0x3000), regions, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(chip.erases).toEqual([0]);
  });
});
