/** The Renesas RA example script and every mp.backend operation against a simulated RA4M1 (Arduino Uno R4). */
import { describe, expect, it } from 'vitest';
import { createSimulatedRaBoard } from '../../../src/sim/ra';
import { exampleScript, simRig } from '../testing/sim-rig';

describe('Renesas RA from Lua', { timeout: 120_000 }, () => {
  it('ra_flash_crc.lua connects, lists the areas, flashes with CRC verify and dumps read_checksums', async () => {
    const board = createSimulatedRaBoard({ chip: 'RA4M1' });
    const rig = await simRig({ boards: [board] });
    const result = await rig.run(exampleScript('ra_flash_crc.lua'));
    expect(result.error).toBeUndefined();
    expect(result.returns).toEqual([true]);
    expect(result.logs).toContain('info: Chip: Renesas RA2/RA4 with 256 KiB code flash');
    expect(result.logs).toContain(
      'info: Region Code Flash: 0x00000000..0x0003FFFF, 256 KiB, 2048-byte blocks',
    );
    expect(result.logs).toContain('info: Region Data Flash: 0x40100000..0x40101FFF, 8 KiB, 1024-byte blocks');
    expect(result.logs).toContain('info: 136 blocks');
    expect(result.logs.at(-1)).toMatch(/^info: host CRC-32 of block 0: [0-9A-F]{8} \(matches\)$/);
    const word = new DataView(board.firmware.peek(4, 4).buffer).getUint32(0, true);
    expect(word).toBe((4 * 0x01000193 + 0x5a5a) >>> 0);
    // Run again: the chip already holds the pattern, nothing is programmed.
    const programmed = board.counters.programmedBytes;
    expect((await rig.run(exampleScript('ra_flash_crc.lua'))).returns).toEqual([true]);
    expect(board.counters.programmedBytes).toBe(programmed);
    rig.close();
  });

  it('every mp.backend operation works on RA, and a locked chip takes its ID code', async () => {
    const id = '00112233445566778899AABBCCDDEEFF';
    const board = createSimulatedRaBoard({
      chip: 'RA4M1',
      idCode: Uint8Array.from(id.match(/../g)!.map((h) => Number.parseInt(h, 16))),
    });
    const rig = await simRig({ boards: [board] });
    const result = await rig.run(`
      local ok, err, code = mp.backend.connect()
      mp.log.infof("locked: %s %s", tostring(ok), code)
      mp.backend.set_id_code("${id}")
      assert(mp.backend.connect())
      mp.app.allow_hw_writes(true)
      mp.memory.fill_at(0x800, 0x800, 0x11)
      assert(mp.backend.erase())
      assert(mp.backend.blank_check())
      assert(mp.backend.write())
      assert(mp.backend.verify())
      assert(mp.backend.write_no_blank())
      assert(mp.backend.flash())
      assert(mp.backend.read())
      assert(mp.backend.read_segment(0x800, 16))
      assert(mp.backend.verify_segment(0x800, 0x800))
      assert(mp.backend.write_segment(0x800, 0x800))
      assert(mp.backend.erase_segment(0x800, 0x800))
      assert(mp.backend.erase_blocks())
      assert(mp.backend.blank_check())
      assert(#mp.backend.read_checksums() == 136)
      assert(mp.backend.connect_timeout(5000))
      assert(mp.backend.is_connected())
      local p = mp.backend.get_programmer_info()
      mp.log.infof("%s %s", p.type, p.name)
      ok, err, code = mp.backend.power_off()
      mp.log.infof("power: %s", code)
      return true
    `);
    expect(result.error).toBeUndefined();
    expect(result.returns).toEqual([true]);
    expect(result.logs).toContain('info: locked: false DEVICE_LOCKED');
    expect(result.logs).toContain('info: ra Renesas RA USB boot (CDC)');
    expect(result.logs).toContain('info: power: NOT_SUPPORTED');
    rig.close();
  });
});
