/**
 * The RA backend against the simulated chips directly (no worker): connect over USB CDC and
 * UART, regions as the chip reports them, flash with CRC skip, write/verify/blank check.
 */
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { raRig } from './testing';
import { useJumpingClock } from '../../../src/sim/testing/jumping-clock';

useJumpingClock();

const image200k = () => Uint8Array.from({ length: 200 * 1024 }, (_, i) => (i * 31 + (i >> 9)) & 0xff);

describe('RaBackend on simulated RA chips', { timeout: 60_000 }, () => {
  it('connects to an RA4M1 over USB CDC and reports its areas as regions', async () => {
    const { backend } = raRig({ chip: 'RA4M1' });
    const { target, regions } = await backend.connect();
    // The RA4M1's short signature has no product name: the series and the code flash size.
    expect(target.name).toBe('Renesas RA2/RA4 with 256 KiB code flash');
    expect(regions.map((r) => [r.name, r.base, r.size, r.eraseSize, r.writeSize])).toEqual([
      ['Code Flash', 0, 0x40000, 0x800, 0x80],
      ['Config', 0x01010000, 0x100, 0x100, 0x10],
      ['Data Flash', 0x40100000, 0x2000, 0x400, 4],
    ]);
    await backend.disconnect();
  });

  it('connects over UART with the handshake and moves to the recommended maximum baud', async () => {
    const { board, backend } = raRig({ chip: 'RA4M1', transport: 'uart' });
    const { target } = await backend.connect();
    expect(board.baud).toBe(1_000_000);
    expect(target.additional[0]).toMatch(/UART at 1000000 baud/);
    await backend.disconnect();
    expect(board.baud).toBe(9600);
    await backend.connect();
    expect(board.baud).toBe(1_000_000);
  });

  it('shows DLM state and TrustZone boundary of the RA4M2, with its mixed code flash blocks', async () => {
    const { backend } = raRig({ chip: 'RA4M2' });
    const { target, regions } = await backend.connect();
    expect(target.additional.join('\n')).toMatch(/DLM\): SSD/);
    expect(target.additional.join('\n')).toMatch(/TrustZone boundary/);
    const code = regions.find((r) => r.name === 'Code Flash')!;
    expect(code.size).toBe(0x80000);
    expect(code.blocks?.[0]).toEqual({ address: 0, size: 0x2000 });
    expect(code.blocks?.[8]).toEqual({ address: 0x10000, size: 0x8000 });
    expect(regions.find((r) => r.name === 'Config')?.kind).toBe('other');
  });

  it('flashes 200 KiB, verifies by CRC, skips everything on a re-flash and rewrites one changed block', async () => {
    const { board, backend } = raRig({ chip: 'RA4M1' });
    const { regions } = await backend.connect();
    const image = new MemoryImage(regions);
    const data = image200k();
    image.writeAt(0, data);
    const writesBefore = board.counters.writeCommands;
    const first = await backend.flash(image, { allowWrites: true });
    expect(first).toMatchObject({ verified: true, skippedBlocks: 0, bytesWritten: 200 * 1024 });
    expect(board.firmware.peek(0, data.length)).toEqual(data);
    // Adjacent blocks go as runs of 32 KiB: one write command each, not one per 2 KiB block.
    expect(board.counters.writeCommands - writesBefore).toBe(Math.ceil((200 * 1024) / (32 * 1024)));
    await backend.verify(image);
    const again = await backend.flash(image, { allowWrites: true });
    expect(again).toMatchObject({ bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 100 });
    image.writeAt(0x8000, Uint8Array.of(1, 2, 3, 4));
    const programmed = board.counters.programmedBytes;
    const one = await backend.flash(image, { allowWrites: true });
    expect(one).toMatchObject({ erasedBlocks: 1, skippedBlocks: 99, bytesWritten: 0x800 });
    expect(board.counters.programmedBytes - programmed).toBe(0x800);
    expect(board.counters.overwrites).toBe(0);
  });

  it('names the first wrong byte when the CRC over a written run differs', async () => {
    const { board, backend } = raRig({ chip: 'RA4M1' });
    const { regions } = await backend.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0, image200k().subarray(0, 0x4000));
    // A cell that does not keep its value: once block 2 is programmed, one of its bits flips.
    const receive = board.firmware.receive.bind(board.firmware);
    let flipped = false;
    board.firmware.receive = (byte, baud) => {
      const reply = receive(byte, baud);
      if (!flipped && board.counters.programmedBytes >= 0x1800) {
        board.firmware.memory[0][0x1234] ^= 0x01;
        flipped = true;
      }
      return reply;
    };
    await expect(backend.flash(image, { allowWrites: true })).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      address: 0x1234,
    });
  });

  it('blank checks, refuses write over data, erases blocks of one region only', async () => {
    const { board, backend } = raRig({
      chip: 'RA4M1',
      flash: [{ address: 0x40100000, data: new Uint8Array(16) }],
    });
    const { regions } = await backend.connect();
    await backend.blankCheck();
    await expect(backend.blankCheck({}, 'Data Flash')).rejects.toMatchObject({
      code: 'NOT_BLANK',
      address: 0x40100000,
    });
    const image = new MemoryImage(regions);
    image.writeAt(0x100, new Uint8Array(0x100).fill(0x5a));
    await expect(backend.write(image)).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    expect(await backend.write(image, { allowWrites: true })).toMatchObject({ bytesWritten: 0x100 });
    await expect(backend.blankCheck()).rejects.toMatchObject({ code: 'NOT_BLANK', address: 0x100 });
    await expect(backend.write(image, { allowWrites: true })).rejects.toMatchObject({
      code: 'NOT_BLANK',
      address: 0,
    });
    expect(await backend.writeNoBlank(image, { allowWrites: true })).toMatchObject({ bytesWritten: 0x100 });
    expect((await backend.eraseBlocks({ allowWrites: true })).erasedBlocks).toBe(128);
    await backend.blankCheck();
    expect(board.firmware.peek(0x40100000, 4)).toEqual(new Uint8Array(4));
  });

  it('reads checksums per block (sub-blocks of the CRC unit, or four quarters), and segments', async () => {
    const m33 = raRig({ chip: 'RA4M2' }).backend;
    await m33.connect();
    const m33Sums = await m33.readChecksums();
    expect(m33Sums[0].subChecksums).toHaveLength(8);
    expect(m33Sums[8].subChecksums).toHaveLength(32);

    const { backend } = raRig({
      chip: 'RA4M1',
      flash: [{ address: 0x800, data: Uint8Array.of(1, 2, 3) }],
    });
    const { regions } = await backend.connect();
    const sums = await backend.readChecksums();
    expect(sums.length).toBe(128 + 8);
    // The RA4M1 reports no CRC unit: one CRC per block; its sub-blocks are four quarters whose
    // CRC-32 comes from the bytes read back (data only in the first quarter of block 1).
    const subs = sums[1].subChecksums;
    expect(subs).toHaveLength(4);
    expect(subs[0]).not.toBe(subs[1]);
    expect(subs.slice(1)).toEqual([subs[1], subs[1], subs[1]]);
    expect(sums.every((b) => b.subChecksums.length >= 4)).toBe(true);
    expect(sums[1].baseChecksum).not.toBe(sums[2].baseChecksum);
    const image = new MemoryImage(regions);
    await backend.readSegment(image, 0x800, 8);
    expect(image.readAt(0x800, 4)).toEqual(Uint8Array.of(1, 2, 3, 0xff));
    await expect(backend.readSegment(image, 0x801, 8)).rejects.toMatchObject({ code: 'ADDRESS_MISALIGNED' });
    image.writeAt(0x1000, new Uint8Array(0x800).fill(7));
    await backend.writeSegment(image, 0x1000, 0x800, { allowWrites: true });
    await backend.verifySegment(image, 0x1000, 0x800);
    await backend.eraseSegment(0x1000, 0x800, { allowWrites: true });
    await expect(backend.verifySegment(image, 0x1000, 0x800)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      address: 0x1000,
    });
  });

  it('needs the ID code of a locked chip; a wrong one is not retried', async () => {
    const id = '00112233445566778899AABBCCDDEEFF';
    const bytes = Uint8Array.from(id.match(/../g)!.map((h) => Number.parseInt(h, 16)));
    const { board, backend } = raRig({ chip: 'RA4M1', idCode: bytes });
    await expect(backend.connect()).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/ID code/),
    });
    await expect(backend.connect({ idCode: 'ff'.repeat(16) })).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/counts failed attempts/),
    });
    expect(board.counters.failedIdAttempts).toBe(1);
    await backend.connect({ idCode: id });
    expect(backend.isConnected()).toBe(true);
  });
});
