/**
 * The flasher stub as another host meets it, driven with raw SLIP frames: behaviour checked
 * against esp-flasher-stub's `src/command_handler.c` (the stub esptool-js 0.7.0 uploads) and the
 * legacy esptool stub (`flasher_stub/stub_flasher.c`) where both agree.
 */
import { describe, expect, test } from 'vitest';
import { Op, SYNC_PAYLOAD, u32le } from './protocol';
import { dataBlock, stubMode } from './wire-harness';

describe('flasher stub SYNC', () => {
  test('answers a well-formed SYNC 8 times with value 0 and status 00 00', async () => {
    const link = await stubMode();
    const replies = await link.send(Op.SYNC, SYNC_PAYLOAD, 0, 8);
    expect(replies).toHaveLength(8);
    for (const r of replies) expect(r).toEqual({ op: Op.SYNC, value: 0, data: [0, 0] });
    await link.close();
  });

  test('checks only the length: any 36 bytes sync (s_sync / verify_data_len(command, 36))', async () => {
    const link = await stubMode();
    const odd = SYNC_PAYLOAD.slice();
    odd[0] = 0x00;
    odd[35] = 0xaa;
    const replies = await link.send(Op.SYNC, odd, 0, 8);
    expect(replies).toHaveLength(8);
    for (const r of replies) expect(r).toEqual({ op: Op.SYNC, value: 0, data: [0, 0] });
    await link.close();
  });

  test('a SYNC of another length is refused once with BAD_DATA_LEN (C0 00)', async () => {
    const link = await stubMode();
    const replies = await link.send(Op.SYNC, SYNC_PAYLOAD.subarray(0, 35));
    expect(replies).toEqual([{ op: Op.SYNC, value: 0, data: [0xc0, 0x00] }]);
    await link.close();
  });
});

describe('flasher stub frame buffer', () => {
  test('a frame longer than the 8 + 0x4000 + 0xFF byte buffer is dropped without a reply', async () => {
    // esp-flasher-stub frame_buffer.h FRAME_BUFFER_SIZE; frame_buffer.c marks a longer frame as an
    // error and main.c releases errored frames without handling them.
    const link = await stubMode();
    await link.send(Op.FLASH_BEGIN, u32le(0x8000, 1, 0x8000, 0x20000));
    await link.write(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x4100).fill(0x11), 0));
    // The next command is answered normally, and it is the only reply.
    await link.write(Op.READ_REG, u32le(0x40001000));
    const replies = await link.collect(1);
    expect(replies.map((r) => r.op)).toEqual([Op.READ_REG]);
    expect(link.board.droppedFrames).toBe(1);
    expect(Array.from(link.board.flash.read(0x20000, 2))).toEqual([0xff, 0xff]);
    // A 0x4000-byte block, esptool's and esptool-js's FLASH_WRITE_SIZE, fits.
    await link.send(Op.FLASH_BEGIN, u32le(0x4000, 1, 0x4000, 0x30000));
    const [ok] = await link.send(Op.FLASH_DATA, ...dataBlock(new Uint8Array(0x4000).fill(0x22), 0));
    expect(ok.data).toEqual([0, 0]);
    await link.close();
  });
});
