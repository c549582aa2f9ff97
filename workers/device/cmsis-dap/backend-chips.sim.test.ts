/**
 * Issue acceptance for each simulated chip: identify, list regions, flash, verify, read back;
 * erase_blocks / erase_segment leave other blocks intact; blank_check; write_no_blank shows up
 * in verify; segment ops refuse bad ranges before any USB traffic.
 */
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import {
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../../../src/sim';
import { fixtureData, imageOf, randomBytes } from './testing/images';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
/**
 * Limit of a test that flashes, reads back and verifies a whole image: a few seconds of CPU on
 * an idle machine (the device script runs on the simulated core), 30-40 s on a busy 2-core one.
 */
const FULL_FLASH_LIMIT_MS = 300_000;

interface ChipCase {
  chip: string;
  probe: () => SimulatedProbe;
  name: RegExp;
  regions: [string, number, number][];
  data: () => SparseData;
}

const cases: ChipCase[] = [
  {
    chip: 'nRF51822 (micro:bit V1)',
    probe: () => createSimulatedMicrobit('v1', { latency: 'zero' }),
    name: /nRF51822/,
    regions: [
      ['Code Flash', 0, 256 * 1024],
      ['UICR', 0x1000_1000, 256],
    ],
    data: () => fixtureData('micropython-v1.1.1.hex'),
  },
  {
    chip: 'nRF52833 (micro:bit V2)',
    probe: () => createSimulatedMicrobit('v2', { latency: 'zero' }),
    name: /nRF52833/,
    regions: [
      ['Code Flash', 0, 512 * 1024],
      ['UICR', 0x1000_1000, 1024],
    ],
    data: () => fixtureData('micropython-v2.1.2.hex'),
  },
  {
    chip: 'STM32F411',
    probe: () => createSimulatedStm32f411Probe({ latency: 'zero' }),
    name: /STM32F4/,
    regions: [['Code Flash', 0x0800_0000, 512 * 1024]],
    data: () => SparseData.from([{ address: 0x0800_0000, data: randomBytes(300 * 1024, 7) }]),
  },
];

describe.each(cases)('$chip', ({ probe: makeProbe, name, regions: expected, data }) => {
  it(
    'is identified, flashed, verified and read back byte-identical',
    async () => {
      const probe = makeProbe();
      const backend = simBackend(probe);
      const { target, regions } = await backend.connect();
      expect(target.name).toMatch(name);
      expect(regions.map((r) => [r.name, r.base, r.size])).toEqual(expected);
      const image = imageOf(regions, data());
      const report = await backend.flash(image, W);
      expect(report.verified).toBe(true);
      const back = new MemoryImage(regions);
      await backend.read(back);
      for (const s of image.data.segments()) expect(back.readAt(s.address, s.data.length)).toEqual(s.data);
      await backend.verify(image);
    },
    FULL_FLASH_LIMIT_MS,
  );

  it('erases one segment and leaves the other blocks intact; blank_check reports the first non-blank block', async () => {
    const probe = makeProbe();
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const code = regions[0];
    const blocks = regionBlocks(code);
    const image = imageOf(
      regions,
      SparseData.from([{ address: code.base, data: randomBytes(blocks[0].size + blocks[1].size, 3) }]),
    );
    await backend.flash(image, W);
    await backend.eraseSegment(blocks[1].address, blocks[1].size, W);
    expect(probe.target.readMemory(blocks[0].address, blocks[0].size)).toEqual(
      image.readAt(blocks[0].address, blocks[0].size),
    );
    expect(probe.target.readMemory(blocks[1].address, 16).every((b) => b === 0xff)).toBe(true);
    await expect(backend.blankCheck()).rejects.toMatchObject({
      code: 'NOT_BLANK',
      message: expect.stringContaining('Block 0 '),
    });
    await backend.eraseBlocks(W);
    await backend.blankCheck();
  });

  it('write_no_blank over written data shows up in verify', async () => {
    const probe = makeProbe();
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const base = regions[0].base;
    await backend.eraseSegment(base, regionBlocks(regions[0])[0].size, W);
    await backend.write(
      imageOf(regions, SparseData.from([{ address: base, data: new Uint8Array(64).fill(0x0f) }])),
      W,
    );
    const second = imageOf(
      regions,
      SparseData.from([{ address: base, data: new Uint8Array(64).fill(0xf0) }]),
    );
    await backend.writeNoBlank(second, W);
    expect(probe.target.readMemory(base, 4)).toEqual(new Uint8Array(4)); // 0x0f & 0xf0 = 0
    await expect(backend.verify(second)).rejects.toMatchObject({ code: 'VERIFY_FAILED', address: base });
    await expect(backend.write(second, W)).rejects.toMatchObject({ code: 'NOT_BLANK' });
  });

  it('refuses misaligned or out-of-map segments before any USB traffic', async () => {
    const probe = makeProbe();
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const base = regions[0].base;
    const image = new MemoryImage(regions);
    const before = probe.target.usbTransfers;
    await expect(backend.readSegment(image, base + 2, 8)).rejects.toMatchObject({
      code: 'ADDRESS_MISALIGNED',
    });
    await expect(backend.verifySegment(image, base, 6)).rejects.toMatchObject({ code: 'ADDRESS_MISALIGNED' });
    await expect(backend.writeSegment(image, base + 4, 0x100, W)).rejects.toMatchObject({
      code: 'ADDRESS_MISALIGNED',
    });
    await expect(backend.eraseSegment(base, 100, W)).rejects.toMatchObject({ code: 'ADDRESS_MISALIGNED' });
    await expect(backend.readSegment(image, 0x3000_0000, 16)).rejects.toMatchObject({
      code: 'ADDRESS_OUT_OF_RANGE',
    });
    await expect(backend.eraseSegment(base, regions[0].size + 0x10000, W)).rejects.toMatchObject({
      code: 'ADDRESS_OUT_OF_RANGE',
    });
    expect(probe.target.usbTransfers).toBe(before);
  });

  it('refuses to change the chip unless writes are allowed', async () => {
    const probe = makeProbe();
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const before = probe.target.usbTransfers;
    await expect(backend.eraseBlocks()).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    await expect(backend.flash(imageOf(regions, data()))).rejects.toMatchObject({
      code: 'WRITES_NOT_ALLOWED',
    });
    expect(probe.target.usbTransfers).toBe(before);
    await expect(backend.setPower('3v3')).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      message: /^Not Supported: /,
    });
  });
});
