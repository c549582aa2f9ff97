/** The ESP segment example scripts against simulated ESP boards (ESP backend over Web Serial). */
import { describe, expect, it } from 'vitest';
import { createSimulatedEspBoard, type EspChipName } from '../../../src/sim/esp';
import { threePartBuild } from '../../device/esp/testing';
import { exampleScript, simRig } from '../testing/sim-rig';

const MiB4 = 4 * 1024 * 1024;

async function boardRig(chip: EspChipName = 'esp32') {
  const board = createSimulatedEspBoard({ chip });
  return { board, rig: await simRig({ boards: [board] }) };
}

describe('ESP segment examples', () => {
  it('esp_segment_example.lua writes the scratch sector, verifies and reads it back, twice', async () => {
    const { board, rig } = await boardRig();
    const first = await rig.run(exampleScript('esp_segment_example.lua'));
    expect(first.error).toBeUndefined();
    expect(first.returns).toEqual([true]);
    expect(first.questions).toEqual(['Erase 0x003FF000..0x003FFFFF?']);
    expect(first.logs).toContain('info: After: "WebProg segment!", written 1 time(s)');
    const second = await rig.run(exampleScript('esp_segment_example.lua'));
    expect(second.logs).toContain('info: After: "WebProg segment!", written 2 time(s)');
    expect(second.statuses.at(-1)).toEqual({ label: 'Scratch writes', value: '2' });
    const sector = board.flash.read(MiB4 - 0x1000, 16);
    expect(new TextDecoder().decode(sector)).toBe('WebProg segment!');
  });

  it.each([
    ['esp32', 0x1000],
    ['esp32s3', 0x0],
  ] as const)('esp_segment_read.lua describes the %s bootloader at %d', async (chip, offset) => {
    const { board, rig } = await boardRig(chip);
    const id = chip === 'esp32' ? 0 : 9;
    for (const part of threePartBuild(offset, id)) board.flash.load(part.address, part.data);
    const result = await rig.run(exampleScript('esp_segment_read.lua'));
    expect(result.error).toBeUndefined();
    expect(result.logs.at(-1)).toMatch(
      new RegExp(
        `bootloader at 0x${offset.toString(16).toUpperCase()}: 1 segments, flash DIO 4MB, entry 0x[0-9A-F]{8}, chip id ${id}$`,
      ),
    );
  });

  it('esp_segment_read.lua says a blank flash is blank', async () => {
    const { rig } = await boardRig();
    const result = await rig.run(exampleScript('esp_segment_read.lua'));
    expect(result.returns).toEqual([false]);
    expect(result.logs.at(-1)).toBe(
      'warn: No bootloader at 0x1000 (first byte 0xFF): the flash looks blank.',
    );
  });

  it('esp_segment_write_verify.lua writes, verifies and catches a changed byte', async () => {
    const { board, rig } = await boardRig();
    const result = await rig.run(exampleScript('esp_segment_write_verify.lua'));
    expect(result.returns).toEqual([true]);
    expect(result.logs[0]).toBe('info: write_segment 0x3FC000 + 0x2000, verify: ok');
    expect(result.logs[1]).toMatch(/^info: verify after changing the buffer: Verify failed at 0x003FC005/);
    const word = new DataView(board.flash.read(0x3fc008, 4).buffer).getUint32(0, true);
    expect(word).toBe(0x3fc008);
  });

  it('esp_segment_roundtrip.lua changes one byte and reads it back', async () => {
    const { rig } = await boardRig('esp32c3');
    const result = await rig.run(exampleScript('esp_segment_roundtrip.lua'));
    expect(result.returns).toEqual([true]);
    expect(result.logs.at(-1)).toMatch(/^info: byte 0x3FD064: 0xFF -> 0x00; .*round trip ok$/);
  });

  it('esp_segment_validation.lua: every misaligned or out-of-map call is refused before any I/O', async () => {
    const { board, rig } = await boardRig();
    const before = Buffer.from(board.flash.read(0, MiB4));
    const result = await rig.run(exampleScript('esp_segment_validation.lua'));
    expect(result.returns).toEqual([true]);
    expect(result.logs.at(-1)).toBe('info: 6 of 6 refused');
    expect(result.logs.filter((l) => l.includes('ADDRESS_MISALIGNED'))).toHaveLength(4);
    expect(result.logs.filter((l) => l.includes('ADDRESS_OUT_OF_RANGE'))).toHaveLength(1);
    expect(result.logs.filter((l) => l.includes('WRITES_NOT_ALLOWED'))).toHaveLength(1);
    expect(before.equals(Buffer.from(board.flash.read(0, MiB4)))).toBe(true);
  });

  it('esp_segment_app_flash.lua flashes app.bin at 0x10000 and leaves the bootloader alone', async () => {
    const { board, rig } = await boardRig();
    const [boot, , app] = threePartBuild(0x1000, 0);
    board.flash.load(boot!.address, boot!.data);
    const result = await rig.run(exampleScript('esp_segment_app_flash.lua'), {
      files: [{ name: 'app.bin', bytes: app!.data }],
    });
    expect(result.error).toBeUndefined();
    expect(result.returns).toEqual([true]);
    expect(board.flash.read(0x10000, app!.data.length)).toEqual(app!.data);
    expect(board.flash.read(0x1000, boot!.data.length)).toEqual(boot!.data);
    expect(result.logs.at(-1)).toMatch(
      /^info: app\.bin: \d+ bytes written to 0x10000 \(49 sectors\) and verified\.$/,
    );
  });
});
