/**
 * The flasher stub as another host meets it, driven with raw SLIP frames: behaviour checked
 * against esp-flasher-stub's `src/command_handler.c` (the stub esptool-js 0.7.0 uploads) and the
 * legacy esptool stub (`flasher_stub/stub_flasher.c`) where both agree.
 */
import { describe, expect, test } from 'vitest';
import { Op, SYNC_PAYLOAD } from './protocol';
import { stubMode } from './wire-harness';

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
