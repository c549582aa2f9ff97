import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../index';
import { RawDap } from '../testing/raw-dap';

async function session() {
  const probe = createSimulatedMicrobit('v1', { latency: 'zero', bulk: true });
  const raw = new RawDap(probe.usbDevice);
  await raw.open();
  await raw.connectSwd();
  return { probe, raw };
}

describe('SW-DP', () => {
  it('acknowledges the power-up request in CTRL/STAT', async () => {
    const { raw } = await session();
    expect(await raw.readDp(0x0)).toBe(0x0bb11477);
    expect(await raw.readDp(0x4)).toBe(0);
    // Both ACKs, plus READOK from the RDBUFF read that checked the last write.
    expect(await raw.powerUp()).toBe(0xf0000040);
  });

  it('faults AP accesses before power-up (sticky until ABORT)', async () => {
    const { raw } = await session();
    await raw.readDp(0x0);
    expect((await raw.transfer([{ request: 0x03 | 0x0c }])).ack).toBe(4);
    expect((await raw.readDp(0x4)) & 0x20).toBe(0x20);
  });

  it('sets STICKYERR on a bus error, faults everything but DPIDR/CTRL-STAT/ABORT, clears on STKERRCLR', async () => {
    const { raw } = await session();
    await raw.powerUp();
    await raw.writeAp(0, 0x00, 0x23000002);
    await raw.writeAp(0, 0x04, 0x30000000); // nothing mapped there
    // The AP read itself is posted (ACK OK); the RDBUFF read that collects it answers FAULT.
    expect(await raw.transfer([{ request: 0x0f }])).toEqual({ count: 1, ack: 4, words: [] });
    expect(await raw.readDp(0x4)).toBe(0xf0000020);
    expect((await raw.transfer([{ request: 0x08, data: 0 }])).ack).toBe(4); // SELECT write
    expect((await raw.transfer([{ request: 0x0f }])).ack).toBe(4);
    expect(await raw.readDp(0x0)).toBe(0x0bb11477);
    await raw.writeDp(0x0, 0x04); // ABORT.STKERRCLR
    expect(await raw.readDp(0x4)).toBe(0xf0000040);
    expect(await raw.readMem32(0x20000000)).toBe(0);
  });

  it('reports a bus error on a posted write through the final RDBUFF check', async () => {
    const { raw } = await session();
    await raw.powerUp();
    await raw.writeAp(0, 0x00, 0x23000002);
    await raw.writeAp(0, 0x04, 0x30000000);
    expect(await raw.transfer([{ request: 0x0d, data: 1 }])).toEqual({ count: 1, ack: 4, words: [] });
  });

  it('answers RESEND with the data of the last AP or RDBUFF read, not of other DP reads', async () => {
    const { raw } = await session();
    await raw.powerUp();
    expect(await raw.readAp(0, 0xfc)).toBe(0x04770021); // AP read, collected by an RDBUFF read
    await raw.readDp(0x0);
    await raw.readDp(0x4);
    expect(await raw.readDp(0x8)).toBe(0x04770021);
  });
});
