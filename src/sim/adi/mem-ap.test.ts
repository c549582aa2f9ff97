import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../index';
import { connectDapjs } from '../testing/dapjs-session';
import { RawDap } from '../testing/raw-dap';

async function rawSession(version: 'v1' | 'v2' = 'v2') {
  const probe = createSimulatedMicrobit(version, { latency: 'zero' });
  const raw = new RawDap(probe.usbDevice);
  await raw.open();
  await raw.connectSwd();
  await raw.powerUp();
  return { probe, raw };
}

describe('MEM-AP', () => {
  it("corrupts memory like silicon when dapjs 2.3.0's writeBlock streams 300 words across a 1 KiB boundary (Cortex-M0)", async () => {
    const probe = createSimulatedMicrobit('v1', { latency: 'zero' });
    const { cortex } = await connectDapjs(probe.usbDevice);
    const start = 0x20000000 + 0x3f0;
    const words = Uint32Array.from({ length: 300 }, (_, i) => 0xa5000000 + i);
    await cortex.writeBlock(start, words);

    // TAR[9:0] wraps: word i lands at 0x20000000 + ((0x3F0 + 4i) mod 0x400).
    const expected = new Map<number, number>();
    words.forEach((w, i) => expected.set(0x20000000 + ((0x3f0 + 4 * i) & 0x3ff), w));
    const memory = new DataView(probe.target.readMemory(0x20000000, 0x1000).buffer);
    for (const [address, value] of expected) expect(memory.getUint32(address - 0x20000000, true)).toBe(value);
    // Nothing reached the addresses a correct write would have filled above the boundary.
    for (let a = 0x400; a < 0x3f0 + 4 * 300; a += 4) expect(memory.getUint32(a, true)).toBe(0);
    const misplaced = Array.from(words).filter((_, i) => 0x3f0 + 4 * i >= 0x400).length;
    expect(misplaced).toBe(296);
  });

  it('carries TAR auto-increment within 4 KiB on the Cortex-M4 AHB-AP and within 1 KiB on the Cortex-M0 one', async () => {
    const m4 = await rawSession('v2'); // nRF52833, AHB-AP IDR 0x24770011
    expect(await m4.raw.readAp(0, 0xfc)).toBe(0x24770011);
    await m4.raw.writeAp(0, 0x00, 0x23000012);
    await m4.raw.writeAp(0, 0x04, 0x200003fc);
    await m4.raw.writeAp(0, 0x0c, 0x11111111);
    await m4.raw.writeAp(0, 0x0c, 0x22222222); // crosses 0x20000400: carries on
    expect(await m4.raw.readAp(0, 0x04)).toBe(0x20000404);
    expect(Array.from(m4.probe.target.readMemory(0x20000400, 4))).toEqual([0x22, 0x22, 0x22, 0x22]);
    await m4.raw.writeAp(0, 0x04, 0x20000ffc);
    await m4.raw.writeAp(0, 0x0c, 0x33333333);
    expect(await m4.raw.readAp(0, 0x04)).toBe(0x20000000); // TAR[11:0] wraps
    const m0 = await rawSession('v1'); // nRF51822, AHB-AP IDR 0x04770021
    await m0.raw.writeAp(0, 0x00, 0x23000012);
    await m0.raw.writeAp(0, 0x04, 0x200003fc);
    await m0.raw.writeAp(0, 0x0c, 0x11111111);
    expect(await m0.raw.readAp(0, 0x04)).toBe(0x20000000); // TAR[9:0] wraps
  });

  it('reads IDR, BASE and CFG and keeps the CSW it was given', async () => {
    const { raw } = await rawSession('v1');
    expect(await raw.readAp(0, 0xfc)).toBe(0x04770021);
    expect(await raw.readAp(0, 0xf8)).toBe(0xf0000003);
    expect(await raw.readAp(0, 0xf4)).toBe(0);
    await raw.writeAp(0, 0x00, 0x23000012);
    expect(await raw.readAp(0, 0x00)).toBe(0x23000052); // DeviceEn reads as 1
    expect(await raw.readAp(1, 0xfc)).toBe(0); // no AP 1 on nRF51
  });

  it('moves bytes and halfwords on their byte lanes and auto-increments by the access size', async () => {
    const { raw, probe } = await rawSession();
    await raw.writeMem32(0x20000100, 0x11223344);
    await raw.writeAp(0, 0x00, 0x23000010); // byte, single increment
    await raw.writeAp(0, 0x04, 0x20000101);
    expect(await raw.readAp(0, 0x0c)).toBe(0x00003300); // lane 1
    expect(await raw.readAp(0, 0x0c)).toBe(0x00220000); // TAR incremented to ...102
    await raw.writeAp(0, 0x0c, 0xab000000); // lane 3 at ...103
    expect(Array.from(probe.target.readMemory(0x20000100, 4))).toEqual([0x44, 0x33, 0x22, 0xab]);
    await raw.writeAp(0, 0x00, 0x23000011); // halfword
    await raw.writeAp(0, 0x04, 0x20000102);
    expect(await raw.readAp(0, 0x0c)).toBe(0xab220000); // upper halfword lane
    expect(await raw.readAp(0, 0x04)).toBe(0x20000104);
  });

  it('reaches four words through BD0–BD3 without moving TAR', async () => {
    const { raw } = await rawSession();
    for (let i = 0; i < 4; i++) await raw.writeMem32(0x20000200 + 4 * i, 0x100 + i);
    await raw.writeAp(0, 0x00, 0x23000002);
    await raw.writeAp(0, 0x04, 0x20000208);
    const values = [];
    for (let i = 0; i < 4; i++) values.push(await raw.readAp(0, 0x10 + 4 * i));
    expect(values).toEqual([0x100, 0x101, 0x102, 0x103]);
    expect(await raw.readAp(0, 0x04)).toBe(0x20000208);
  });
});
