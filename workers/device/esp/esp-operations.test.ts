/**
 * MultiProg operations of the ESP backend on the simulated ESP32-C3: segment alignment checks
 * before any serial traffic, blank check and NOT_BLANK, erase, checksums, read, power.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { randomBytes, sameBytes } from '../../../src/sim/esp/test-helpers';
import { md5Hex } from './stub-channel';
import { espRig, flashImage } from './testing';
import { rejection } from '../../../src/core/testing/thrown';

beforeEach(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

async function connected(flashSize = 0x100000) {
  const rig = espRig({ chip: 'esp32c3', flashSize });
  await rig.backend.connect();
  return rig;
}

describe('segment operations', () => {
  test.each([
    ['read_segment', 0x1002, 0x10, 'ADDRESS_MISALIGNED'],
    ['verify_segment', 0x1000, 0x11, 'ADDRESS_MISALIGNED'],
    ['write_segment', 0x1004, 0x1000, 'ADDRESS_MISALIGNED'],
    ['erase_segment', 0x1000, 0x800, 'ADDRESS_MISALIGNED'],
    ['read_segment', 0xff000, 0x2000, 'ADDRESS_OUT_OF_RANGE'],
    ['erase_segment', 0x100000, 0x1000, 'ADDRESS_OUT_OF_RANGE'],
  ] as const)('%s(%i, %i) fails with %s before any serial traffic', async (op, address, size, code) => {
    const { board, backend } = await connected();
    const image = flashImage(0x100000);
    const before = board.stats.bytesToDevice;
    const ctx = { allowWrites: true, confirm: async () => true };
    const call = {
      read_segment: () => backend.readSegment(image, address, size, ctx),
      verify_segment: () => backend.verifySegment(image, address, size, ctx),
      write_segment: () => backend.writeSegment(image, address, size, ctx),
      erase_segment: () => backend.eraseSegment(address, size, ctx),
    }[op];
    expect((await rejection(call())).code).toBe(code);
    expect(board.stats.bytesToDevice).toBe(before);
    expect(backend.isConnected()).toBe(true);
  });

  test('write_segment needs hardware writes allowed; erase_segment asks for confirmation', async () => {
    const { board, backend } = await connected();
    const data = randomBytes(0x2000, 9);
    const image = flashImage(0x100000, [{ address: 0x20000, data }]);
    expect((await rejection(backend.writeSegment(image, 0x20000, 0x2000))).code).toBe('WRITES_NOT_ALLOWED');
    const report = await backend.writeSegment(image, 0x20000, 0x2000, { allowWrites: true });
    expect(report).toMatchObject({ bytesWritten: 0x2000, verified: true });
    expect(sameBytes(board.flash.read(0x20000, 0x2000), data)).toBe(true);
    await backend.verifySegment(image, 0x20000, 0x2000);

    const questions: string[] = [];
    const no = async (q: string) => (questions.push(q), false);
    expect(
      (await rejection(backend.eraseSegment(0x20000, 0x1000, { allowWrites: true, confirm: no }))).code,
    ).toBe('CANCELLED');
    expect(questions[0]).toContain('0x00020000');
    await backend.eraseSegment(0x20000, 0x1000, { allowWrites: true, confirm: async () => true });
    expect(board.flash.read(0x20000, 0x1000).every((b) => b === 0xff)).toBe(true);
    const error = await rejection(backend.verifySegment(image, 0x20000, 0x2000));
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.address).toBe(0x20000 + data.findIndex((b) => b !== 0xff));
  });

  test('read_segment fills an image that has no regions yet (the ESP tab is empty after connect)', async () => {
    const { board, backend } = await connected();
    board.flash.load(0x3000, Uint8Array.of(1, 2, 3, 4));
    const empty = new MemoryImage();
    await backend.readSegment(empty, 0x3000, 4);
    expect([...empty.readAt(0x3000, 4)]).toEqual([1, 2, 3, 4]);
  });
});

describe('whole-flash operations', () => {
  test('write refuses a non-blank target and names the block; write_no_blank and erase_blocks work', async () => {
    const { board, backend } = await connected();
    board.flash.load(0x5010, Uint8Array.of(0x12));
    const data = randomBytes(0x3000, 2);
    const image = flashImage(0x100000, [{ address: 0x4000, data }]);
    const error = await rejection(backend.write(image, { allowWrites: true }));
    expect(error.code).toBe('NOT_BLANK');
    expect(error.message).toContain('Block 5');
    expect(error.address).toBe(0x5010);
    await backend.writeNoBlank(image, { allowWrites: true });
    await backend.verify(image);
    expect((await rejection(backend.blankCheck())).code).toBe('NOT_BLANK');
    await backend.eraseBlocks({ allowWrites: true });
    await backend.blankCheck();
    expect((await rejection(backend.eraseBlocks({ allowWrites: true }, 'EEPROM'))).code).toBe(
      'REGION_NOT_FOUND',
    );
  }, 20_000);

  test('read reads the whole flash; read_checksums gives each sector MD5 prefix; erase wipes all', async () => {
    const { board, backend } = await connected(0x40000);
    const data = randomBytes(0x40000, 5);
    board.flash.load(0, data);
    const image = flashImage(0x40000);
    await backend.read(image);
    expect(sameBytes(image.readAt(0, 0x40000), data)).toBe(true);
    const sums = await backend.readChecksums();
    expect(sums).toHaveLength(64);
    expect(sums[3].address).toBe(0x3000);
    expect(sums[3].baseChecksum).toBe(Number.parseInt(md5Hex(data.subarray(0x3000, 0x4000)).slice(0, 8), 16));
    // A sector has no natural sub-blocks: its four 1 KiB quarters.
    expect(sums[3].subChecksums).toEqual(
      [0, 1, 2, 3].map((k) =>
        Number.parseInt(md5Hex(data.subarray(0x3000 + k * 0x400, 0x3400 + k * 0x400)).slice(0, 8), 16),
      ),
    );
    expect((await rejection(backend.erase())).code).toBe('WRITES_NOT_ALLOWED');
    await backend.erase({ allowWrites: true });
    expect(board.flash.read(0, 0x40000).every((b) => b === 0xff)).toBe(true);
  }, 30_000);

  test('power control is not supported; operations before connect say so', async () => {
    const rig = espRig({ chip: 'esp32' });
    expect((await rejection(rig.backend.setPower('off'))).message).toMatch(/^Not Supported: /);
    expect((await rejection(rig.backend.blankCheck())).code).toBe('NOT_CONNECTED');
  });
});
