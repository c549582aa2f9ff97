/**
 * Issue 20 acceptance for the STM32G0 (NUCLEO-G071RB) and SAM D21 (Arduino Zero) boards: through the device
 * worker's service (comlink, simulation on) a generated image of 80 % of the flash flashes,
 * verifies and reads back, and flashing it again writes nothing; through the CMSIS-DAP backend
 * a partial re-flash touches only the changed block, the chip-side checksums match the
 * contents, a read-protected chip says so and unlocking it (mass erase) makes it usable, and without the chip's script the "no script
 * matches" message lists the ids read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/checksum/crc32';
import { SparseData } from '../../src/core/memory/sparse-data';
import { createSimulatedBoard, type SimulatedBoardName, type SimulatedProbe } from '../../src/sim';
import type { SimulatedDeviceKind } from './api';
import { imageOf, randomBytes } from './cmsis-dap/testing/images';
import { nodeScripts } from './cmsis-dap/testing/node-scripts';
import { nodeUsbBackend, simBackend } from './cmsis-dap/testing/sim-backend';
import { serviceRig } from './testing';

const { device, close } = serviceRig({
  sources: {
    usbBackend: nodeUsbBackend,
  },
});
afterAll(close);

const W = { allowWrites: true };
/** Per-test limit: a whole-flash write and verify on the simulated core, on a busy machine. */
const LIMIT_MS = 300_000;

interface ChipCase {
  chip: string;
  board: SimulatedBoardName & SimulatedDeviceKind;
  name: RegExp;
  /** [name, base, size] of every region the script reports, main flash first. */
  regions: [string, number, number][];
  /** Size of one erase block of the main flash as the script describes it. */
  block: number;
  /** The chip's own erase unit (a script block is a whole number of them). */
  chipBlock: number;
  /** Where an application image starts (after a bootloader the chip protects). */
  appBase: number;
  /** What the message of a protected chip says. */
  locked: RegExp;
  /** The script's family name (filtered out for "no script matches"). */
  script: RegExp;
  /** What the "no script matches" message must show (ROM table PIDs, CPUID, DPIDR). */
  ids: RegExp[];
}

const cases: ChipCase[] = [
  {
    chip: 'STM32G071 (NUCLEO-G071RB)',
    board: 'stm32g071',
    name: /STM32G0/,
    regions: [
      ['Code Flash', 0x0800_0000, 128 * 1024],
      ['Option Bytes', 0x1fff_7800, 128],
    ],
    block: 4096,
    chipBlock: 2048,
    appBase: 0x0800_0000,
    locked: /read-out protection/,
    script: /STM32G0/,
    ids: [
      /ROM table 0xF0000000 PID4\.\.7,PID0\.\.3: 0x00 0x00 0x00 0x00 0x60 0x04 0x0A 0x00/,
      /CPUID: 0x410CC601/,
      /DPIDR: 0x0BC11477/,
    ],
  },
  {
    chip: 'ATSAMD21G18A (Arduino Zero)',
    board: 'arduino-zero',
    name: /SAM D21/,
    regions: [
      ['Code Flash', 0, 256 * 1024],
      ['User Row', 0x0080_4000, 256],
    ],
    block: 1024,
    chipBlock: 256,
    appBase: 0x2000, // after the bootloader in the 8 KiB boot section (BOOTPROT)
    locked: /protected/,
    script: /SAM D21/,
    ids: [
      /ROM table 0x41003000 PID4\.\.7,PID0\.\.3: 0x00 0x00 0x00 0x00 0xD0 0xFC 0x09 0x00/,
      /CPUID: 0x410CC601/,
      /DPIDR: 0x0BC11477/,
    ],
  },
];

describe.each(cases)('$chip', (c) => {
  it(
    'flashes, verifies and reads back an image of 80 % of the flash through the device worker; the same image again writes nothing',
    async () => {
      const id = await device.plugSimulated(c.board, { latency: 'zero' });
      const connection = await device.connectDevice(id);
      expect(connection.target.name).toMatch(c.name);
      expect(connection.regions.map((r) => [r.name, r.base, r.size])).toEqual(c.regions);
      const [, , size] = c.regions[0];
      const base = c.appBase;
      const length = Math.floor((size * 0.8) / c.block) * c.block;
      const data = randomBytes(length, 20);
      const image = { regions: connection.regions, segments: [{ address: base, data }] };

      const first = await device.backendCall(id, 'flash', { image }, W);
      expect(first.report).toMatchObject({ verified: true, bytesWritten: length });

      const read = await device.backendCall(id, 'read_segment', { image, address: base, size: length });
      const back = read.image!.segments.find(
        (s) => s.address <= base && s.address + s.data.length >= base + length,
      )!;
      expect(back.data.subarray(base - back.address, base - back.address + length)).toEqual(data);

      const again = await device.backendCall(id, 'flash', { image }, W);
      expect(again.report).toMatchObject({
        verified: true,
        bytesWritten: 0,
        erasedBlocks: 0,
        skippedBlocks: length / c.block,
      });
      await device.unplugSimulated(id);
    },
    LIMIT_MS,
  );

  it(
    're-flashing with one block changed erases and writes that block only; chip checksums match the contents',
    async () => {
      const base = c.appBase;
      const probe: SimulatedProbe = createSimulatedBoard(c.board, { latency: 'zero' });
      const backend = simBackend(probe);
      const { regions } = await backend.connect();
      const data = SparseData.from([{ address: base, data: randomBytes(16 * c.block, 5) }]);
      await backend.flash(imageOf(regions, data), W);
      const erasesBefore = probe.target.chip.flash.eraseCount;
      data.write(base + 5 * c.block, randomBytes(c.block, 6));
      const report = await backend.flash(imageOf(regions, data), W);
      expect(report).toMatchObject({
        erasedBlocks: 1,
        skippedBlocks: 15,
        bytesWritten: c.block,
        verified: true,
      });
      expect(probe.target.chip.flash.eraseCount - erasesBefore).toBe(c.block / c.chipBlock);
      expect(probe.target.readMemory(base, 16 * c.block)).toEqual(data.read(base, 16 * c.block));

      const sums = await backend.readChecksums();
      const [, flashBase, flashSize] = c.regions[0];
      const main = sums.filter((s) => s.address >= flashBase && s.address < flashBase + flashSize);
      expect(main.length).toBe(flashSize / c.block);
      for (const s of main.slice(0, 20))
        expect(s.baseChecksum >>> 0).toBe(crc32(probe.target.readMemory(s.address, c.block)));
    },
    LIMIT_MS,
  );

  it('a read-protected chip is reported as such; unlocking erases it and the flash succeeds', async () => {
    const base = c.appBase;
    const probe = createSimulatedBoard(c.board, {
      latency: 'zero',
      locked: true,
      flash: [{ address: base, data: randomBytes(c.block, 9) }],
    });
    expect(probe.target.locked).toBe(true);
    const backend = simBackend(probe);
    await expect(backend.connect()).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(c.locked),
    });
    await expect(backend.unlock()).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    const { regions } = await backend.unlock(W);
    expect(probe.target.locked).toBe(false);
    expect(probe.target.readMemory(base, c.block).every((b) => b === 0xff)).toBe(true);
    const data = SparseData.from([{ address: base, data: randomBytes(c.block, 1) }]);
    await backend.flash(imageOf(regions, data), W);
    expect(probe.target.readMemory(base, c.block)).toEqual(data.read(base, c.block));
  });

  it('without its script the chip is not claimed by another, and the message lists the ids read', async () => {
    const probe = createSimulatedBoard(c.board, { latency: 'zero' });
    const others = async () => (await nodeScripts()).filter((s) => !c.script.test(s.name));
    const error = await simBackend(probe, others)
      .connect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHIP_UNKNOWN' });
    for (const pattern of c.ids) expect((error as Error).message).toMatch(pattern);
  });
});

describe('Arduino Zero (SAM D21) bootloader', () => {
  it('an image over the boot section BOOTPROT protects fails at its first block and the bootloader stays', async () => {
    const probe = createSimulatedBoard('arduino-zero', { latency: 'zero' });
    const bootloader = probe.target.readMemory(0, 8 * 1024);
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const data = SparseData.from([{ address: 0, data: randomBytes(16 * 1024, 4) }]);
    await expect(backend.flash(imageOf(regions, data), W)).rejects.toMatchObject({
      code: expect.stringMatching(/FLASH_ERASE_FAILED|FLASH_WRITE_FAILED/),
      address: 0,
    });
    expect(probe.target.readMemory(0, 8 * 1024)).toEqual(bootloader);
  });
});
