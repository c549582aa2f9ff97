/**
 * Failures a person meets, on the simulated micro:bit V2: each gives a clear error, the buffer
 * is never changed by the failed operation, and afterwards the device reconnects and a second
 * flash succeeds.
 */
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { SparseData } from '../../../src/core/memory/sparse-data';
import {
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../../../src/sim';
import { nodeScripts } from './testing/node-scripts';
import { imageOf, randomBytes } from './testing/images';
import { simBackend } from './testing/sim-backend';

const W = { allowWrites: true };
const PROGRAM = SparseData.from([
  { address: 0x0, data: randomBytes(8192, 11) },
  { address: 0x1000_1014, data: new Uint8Array([0x00, 0x70, 0x07, 0x00]) },
]);

function snapshot(image: MemoryImage) {
  return image.data.clone();
}

async function expectFlashed(probe: SimulatedProbe) {
  for (const s of PROGRAM.segments())
    expect(probe.target.readMemory(s.address, s.data.length)).toEqual(s.data);
}

describe('CMSIS-DAP failures on a simulated micro:bit V2', () => {
  it('an unplug at every 50th transfer of a flash gives DEVICE_LOST; replugged, the next flash succeeds', async () => {
    // Count the transfers of one whole flash first.
    const counting = createSimulatedMicrobit('v2', { latency: 'zero' });
    const counter = simBackend(counting);
    const { regions } = await counter.connect();
    const start = counting.target.usbTransfers;
    await counter.flash(imageOf(regions, PROGRAM), W);
    const total = counting.target.usbTransfers - start;
    expect(total).toBeGreaterThan(100);

    for (let n = 50; n < total; n += 50) {
      const probe = createSimulatedMicrobit('v2', { latency: 'zero', deviceId: 0x1234 });
      const backend = simBackend(probe);
      await backend.connect();
      const image = imageOf(regions, PROGRAM);
      const before = snapshot(image);
      probe.faults.unplugAtTransfer(n);
      const error = await backend.flash(image, W).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `unplug at transfer ${n}`).toMatchObject({
        code: 'DEVICE_LOST',
        message: expect.stringMatching(/went away/),
      });
      expect(image.data.equals(before)).toBe(true);
      probe.plug();
      await backend.connect();
      await backend.flash(image, W);
      await expectFlashed(probe);
    }
  }, 120_000);

  it('a read that fails leaves the buffer as it was', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const image = imageOf(regions, PROGRAM);
    const before = snapshot(image);
    probe.faults.unplugAtTransfer(200);
    await expect(backend.read(image)).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    expect(image.data.equals(before)).toBe(true);
  });

  it('a stale response in the pipe is drained at connect', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    probe.faults.staleResponse();
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    await expectFlashed(probe);
  });

  it('a stale response mid-operation is reported, then drained on reconnect', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    probe.faults.staleResponse();
    const error = await backend.flash(imageOf(regions, PROGRAM), W).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The MEM-AP layer drains and retries once; either it recovered or it said what happened.
    if (error)
      expect(error).toMatchObject({
        code: 'DEVICE_PROTOCOL',
        message: expect.stringMatching(/stale|out of order/),
      });
    await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    await expectFlashed(probe);
  });

  it('a chip no script matches is reported with its ids; with the right scripts it connects', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const onlyStm = async () => (await nodeScripts()).filter((s) => /STM32/.test(s.name));
    const error = await simBackend(probe, onlyStm)
      .connect()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHIP_UNKNOWN' });
    expect((error as Error).message).toMatch(/PID4\.\.7,PID0\.\.3: 0x02 0x00 0x00 0x00 0x0D 0x40/);
    expect((error as Error).message).toMatch(/CPUID: 0x410FC241/);
    expect((error as Error).message).toMatch(/DPIDR: 0x2BA01477/);
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    await expectFlashed(probe);
  });

  it('a locked chip is reported; unlocking mass-erases it and the flash succeeds', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero', locked: true });
    const backend = simBackend(probe);
    await expect(backend.connect()).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/protect/),
    });
    await expect(backend.unlock()).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    const { regions } = await backend.unlock(W);
    expect(probe.target.locked).toBe(false);
    await backend.flash(imageOf(regions, PROGRAM), W);
    await expectFlashed(probe);
  });

  it('an nRF flash controller that silently fails shows up as a verify error naming the address; the retry succeeds', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    const next = SparseData.from([{ address: 0, data: randomBytes(4096, 99) }]);
    probe.faults.flashError(); // the next erase does nothing, as a failing NVMC would
    await expect(backend.flash(imageOf(regions, next), W)).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      address: expect.any(Number),
      message: expect.stringMatching(/^Verify failed at 0x0000/),
    });
    await backend.connect();
    await backend.flash(imageOf(regions, next), W);
    expect(probe.target.readMemory(0, 4096)).toEqual(next.read(0, 4096));
  });

  it('an STM32 flash error is reported by the script with the block address', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const data = SparseData.from([{ address: 0x0800_4000, data: randomBytes(0x4000, 5) }]);
    probe.faults.flashError();
    await expect(backend.flash(imageOf(regions, data), W)).rejects.toMatchObject({
      code: expect.stringMatching(/FLASH_WRITE_FAILED|FLASH_ERASE_FAILED/),
      address: 0x0800_4000,
    });
    await backend.flash(imageOf(regions, data), W);
    expect(probe.target.readMemory(0x0800_4000, 0x4000)).toEqual(data.read(0x0800_4000, 0x4000));
  });

  it('after an interrupted flash the next flash rewrites UICR (the board boots)', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    await backend.erase(W); // ERASEALL also clears UICR, as an interrupted full flash would leave it
    expect(probe.target.readMemory(0x1000_1014, 4)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    probe.faults.unplugAtTransfer(300);
    await expect(backend.flash(imageOf(regions, PROGRAM), W)).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    probe.plug();
    await backend.connect();
    await backend.flash(imageOf(regions, PROGRAM), W);
    expect(probe.target.readMemory(0x1000_1014, 4)).toEqual(new Uint8Array([0x00, 0x70, 0x07, 0x00]));
  });
});

describe('an unplug during any operation ends the session', () => {
  /** Data for blank flash past PROGRAM, for write's blank check. */
  const MORE = SparseData.from([{ address: 0x8000, data: randomBytes(8192, 12) }]);
  const operations: [string, (b: ReturnType<typeof simBackend>, more: MemoryImage) => Promise<unknown>][] = [
    ['write_no_blank', (b, more) => b.writeNoBlank(more, W)],
    ['write', (b, more) => b.write(more, W)],
    ['erase_blocks', (b) => b.eraseBlocks(W)],
    ['erase_segment', (b) => b.eraseSegment(0, 0x2000, W)],
    ['read_memory', (b) => b.readMemory(0, 0x10000)],
  ];
  it.each(operations)(
    '%s: DEVICE_LOST, not connected after it; replugged, it connects and flashes',
    async (_name, run) => {
      const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
      const backend = simBackend(probe);
      const { regions } = await backend.connect();
      await backend.flash(imageOf(regions, PROGRAM), W);
      probe.faults.unplugAtTransfer(20);
      await expect(run(backend, imageOf(regions, MORE))).rejects.toMatchObject({ code: 'DEVICE_LOST' });
      // The chip's state is unknown: the backend says so instead of keeping the old session.
      expect(backend.isConnected()).toBe(false);
      probe.plug();
      await backend.connect();
      await backend.flash(imageOf(regions, PROGRAM), W);
      await expectFlashed(probe);
    },
  );
});
