/**
 * The nRF52840 (nRF52840 DK) and the STM32F103C8 (Blue Pill) through the device worker's service, as the page reaches it: a
 * generated image of 80 % of the flash (plus a configuration word) flashes, verifies and reads
 * back; flashing it again writes nothing; changing one block re-flashes that block only; the
 * chip's block checksums equal the host's CRC-32 of what it holds. On the CMSIS-DAP backend: a
 * locked chip's message, and the "no script matches" message listing the ids read.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/core/checksum/crc32';
import { regionBlocks } from '../../src/core/memory/region';
import { SparseData } from '../../src/core/memory/sparse-data';
import { createSimulatedBoard, type SimulatedBoardName } from '../../src/sim';
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

/** Per-test limit: whole-flash images on the simulated core (a minute and more on a busy machine). */
const LIMIT_MS = 600_000;
const W = { allowWrites: true };

interface ChipCase {
  board: SimulatedBoardName & SimulatedDeviceKind;
  name: RegExp;
  /** [name, base, size] of every region the script describes. */
  regions: [string, number, number][];
  /** A configuration word written with the image (UICR / option bytes): address and bytes. */
  config: { address: number; data: Uint8Array };
  /** Bytes in the configuration block outside the image that the flash must keep. */
  kept?: { address: number; data: Uint8Array };
  /** ROM table PIDs, CPUID and DPIDR as the "no script matches" message lists them. */
  ids: RegExp[];
}

const CASES: ChipCase[] = [
  {
    board: 'nrf52840-dk',
    name: /nRF52840/,
    regions: [
      ['Code Flash', 0, 1024 * 1024],
      ['UICR', 0x1000_1000, 1024],
    ],
    // UICR NFCPINS = 0xFFFFFFFE: NFC pins as GPIOs, a common board setting.
    config: { address: 0x1000_120c, data: new Uint8Array([0xfe, 0xff, 0xff, 0xff]) },
    ids: [
      /PID4\.\.7,PID0\.\.3: 0x02 0x00 0x00 0x00 0x08 0x40 0x0C 0x00/,
      /CPUID: 0x410FC241/,
      /DPIDR: 0x2BA01477/,
    ],
  },
  {
    board: 'bluepill',
    name: /STM32F1/,
    regions: [
      ['Code Flash', 0x0800_0000, 64 * 1024],
      ['Option Bytes', 0x1fff_f800, 16],
    ],
    // Option bytes Data0 = 0x12 and Data1 = 0xFF with their complements (RDP, USER, WRP kept).
    config: { address: 0x1fff_f804, data: new Uint8Array([0x12, 0xed, 0xff, 0x00]) },
    kept: { address: 0x1fff_f800, data: new Uint8Array([0xa5, 0x5a, 0xff, 0x00]) }, // RDP level 0
    ids: [
      /PID4\.\.7,PID0\.\.3: 0x00 0x00 0x00 0x00 0x10 0x04 0x0A 0x00/,
      /CPUID: 0x411FC231/,
      /DPIDR: 0x1BA01477/,
    ],
  },
];

const toDto = (regions: unknown, data: SparseData) => ({
  regions: regions as never,
  segments: data.segments().map((s) => ({ address: s.address, data: s.data })),
});

describe.each(CASES)('$board through the device worker', { timeout: LIMIT_MS }, (c) => {
  it('flashes, verifies and reads back 80 % of the flash; unchanged, nothing is written; one changed block is re-flashed alone; checksums match', async () => {
    const id = await device.plugSimulated(c.board, { latency: 'zero' });
    const connection = await device.connectDevice(id);
    expect(connection.target.name).toMatch(c.name);
    expect(connection.regions.map((r) => [r.name, r.base, r.size])).toEqual(c.regions);
    const code = connection.regions[0];
    const size = Math.floor((code.size * 0.8) / 4) * 4;
    const data = SparseData.from([
      { address: code.base, data: randomBytes(size, 20) },
      { address: c.config.address, data: c.config.data },
    ]);

    const first = await device.backendCall(id, 'flash', { image: toDto(connection.regions, data) }, W);
    expect(first.report).toMatchObject({ verified: true, skippedBlocks: 0 });
    expect(first.report!.bytesWritten).toBeGreaterThanOrEqual(size);

    // Read back through the worker: the whole image region, byte-identical.
    const read = await device.backendCall(id, 'read_segment', {
      image: toDto(connection.regions, new SparseData()),
      address: code.base,
      size,
    });
    const back = SparseData.from(read.image!.segments);
    expect(back.read(code.base, size)).toEqual(data.read(code.base, size));
    const config = await device.backendCall(id, 'read_segment', {
      image: toDto(connection.regions, new SparseData()),
      address: c.config.address,
      size: c.config.data.length,
    });
    expect(SparseData.from(config.image!.segments).read(c.config.address, c.config.data.length)).toEqual(
      c.config.data,
    );

    if (c.kept) {
      const kept = await device.backendCall(id, 'read_segment', {
        image: toDto(connection.regions, new SparseData()),
        address: c.kept.address,
        size: c.kept.data.length,
      });
      expect(SparseData.from(kept.image!.segments).read(c.kept.address, c.kept.data.length)).toEqual(
        c.kept.data,
      );
    }

    const again = await device.backendCall(id, 'flash', { image: toDto(connection.regions, data) }, W);
    expect(again.report).toMatchObject({
      verified: true,
      erasedBlocks: 0,
      bytesWritten: 0,
    });

    const blocks = regionBlocks(code);
    const middle = blocks[Math.floor(blocks.length / 3)];
    data.write(middle.address, randomBytes(middle.size, 21));
    const partial = await device.backendCall(id, 'flash', { image: toDto(connection.regions, data) }, W);
    expect(partial.report).toMatchObject({ verified: true, erasedBlocks: 1, bytesWritten: middle.size });
    expect(partial.report!.full).not.toBe(true);
    expect(partial.report!.skippedBlocks).toBe(first.report!.erasedBlocks - 1);

    const { checksums } = await device.backendCall(id, 'read_checksums', {});
    const codeSums = checksums!.filter((s) => s.address >= code.base && s.address < code.base + code.size);
    expect(codeSums).toHaveLength(blocks.length);
    for (const [i, sum] of codeSums.entries()) {
      const want = data.read(blocks[i].address, blocks[i].size);
      expect(sum.baseChecksum >>> 0, `block ${i}`).toBe(crc32(want) >>> 0);
    }
    await device.unplugSimulated(id);
  });

  it('a read-protected chip is reported as such on connect', async () => {
    const probe = createSimulatedBoard(c.board, { latency: 'zero', locked: true });
    await expect(simBackend(probe).connect()).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/protect/),
    });
  });

  it('without its script, the chip is reported with the ids read', async () => {
    const probe = createSimulatedBoard(c.board, { latency: 'zero' });
    const others = async () => (await nodeScripts()).filter((s) => !c.name.test(s.name));
    const error = await simBackend(probe, others)
      .connect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHIP_UNKNOWN' });
    for (const pattern of c.ids) expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).toMatch(/No device script matches this chip/);
  });
});

describe.each([
  ['nrf52840-dk', 'the CTRL-AP (ERASEALL)', 0],
  ['bluepill', 'the option bytes (RDP = 0xA5)', 0x0800_0000],
] as const)('%s read protection', (board, how, base) => {
  it(`unlocking erases the chip through ${how}; then it flashes`, async () => {
    const probe = createSimulatedBoard(board, {
      latency: 'zero',
      locked: true,
      flash: [{ address: base + 0x1000, data: randomBytes(1024, 9) }],
    });
    const backend = simBackend(probe);
    const { regions } = await backend.unlock(W);
    expect(probe.target.locked).toBe(false);
    expect(probe.target.readMemory(base + 0x1000, 1024).every((b) => b === 0xff)).toBe(true);
    const data = SparseData.from([{ address: base, data: randomBytes(8192, 3) }]);
    await backend.flash(imageOf(regions, data), W);
    expect(probe.target.readMemory(base, 8192)).toEqual(data.read(base, 8192));
  });
});
