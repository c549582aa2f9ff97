/**
 * The RL78 backend through the device worker's service (comlink, simulation on): simulated
 * RL78/G13 and G14 boards plugged in, listed as `rl78`, connected, flashed, verified, checked
 * block by block, and the faults each giving a clear error before the next attempt works.
 */
import { proxy } from 'comlink';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checksum } from '../../../src/core/checksum';
import type { ProgressEvent } from '../../../src/core/progress';
import { serialBackendFor } from '../backend-registry';
import { lcgBytes, serviceRig } from '../testing';

const { device, close } = serviceRig({
  sources: {
    usbBackend: () => {
      throw new Error('no USB devices in this test');
    },
    serialBackend: serialBackendFor,
  },
});
afterAll(close);

const pattern = (size: number, seed = 3): Uint8Array => lcgBytes(size, seed);

const W = { allowWrites: true };

describe('RL78 through the device worker service (simulation on)', { timeout: 120_000 }, () => {
  it('lists, connects (regions), flashes 60 KiB, verifies, and the chip checksums equal sum_rl78', async () => {
    await device.enableSimulation();
    const id = await device.plugSimulated('rl78-g13', { latency: 'zero' });
    expect(await device.listDevices()).toContainEqual(
      expect.objectContaining({ id, type: 'rl78', simulated: true }),
    );
    const c = await device.connectDevice(id);
    expect(c.target.name).toBe('R5F100LE');
    expect(c.programmer.type).toBe('rl78');
    expect(c.regions.map((r) => r.name)).toEqual(['Code Flash', 'Data Flash']);

    const data = pattern(60 * 1024);
    const image = { regions: c.regions, segments: [{ address: 0, data }] };
    const events: ProgressEvent[] = [];
    const flashed = await device.backendCall(
      id,
      'flash',
      { image },
      { ...W, onProgress: (e) => void events.push(e) },
    );
    expect(flashed.report).toMatchObject({ bytesWritten: 60 * 1024, verified: true });
    // Progress travels on its own MessagePort: it may land just after the result.
    await vi.waitFor(() => expect(events.some((e) => e.kind === 'finished')).toBe(true));
    expect(events[0]).toMatchObject({ kind: 'started', operation: 'Flash' });
    // Modeled time: 60 KiB at 115200 Bd single-wire is ≥ 5.3 s of wire time alone.
    expect(flashed.elapsedMs).toBeGreaterThan(5300);
    await device.backendCall(id, 'verify', { image });
    await expect(device.backendCall(id, 'read', { image })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });

    const sums = (await device.backendCall(id, 'read_checksums', {})).checksums!;
    for (const b of sums.filter((x) => x.address < 60 * 1024)) {
      expect(b.baseChecksum).toBe(checksum('sum16-rl78', data.subarray(b.address, b.address + 1024)).value);
    }
    const again = await device.backendCall(id, 'flash', { image }, W);
    expect(again.report).toMatchObject({ bytesWritten: 0, skippedBlocks: 60 });
    await device.disconnectDevice(id);
  });

  it('blank_check / erase_blocks / write_no_blank on an RL78/G14', async () => {
    const id = await device.plugSimulated('rl78-g14', { latency: 'zero' });
    const c = await device.connectDevice(id);
    expect(c.target.additional[0]).toMatch(/RL78\/G14/);
    await device.backendCall(id, 'erase_blocks', {}, W);
    await device.backendCall(id, 'blank_check', {});
    const image = { regions: c.regions, segments: [{ address: 0x800, data: Uint8Array.of(1, 2, 3) }] };
    await device.backendCall(id, 'write_no_blank', { image }, W);
    await expect(device.backendCall(id, 'blank_check', {})).rejects.toMatchObject({
      code: 'NOT_BLANK',
      message: expect.stringMatching(/^Block 2 not blanked/),
    });
    await device.disconnectDevice(id);
  });

  it('a protected chip, a wrong baud, a lost echo and an unplug mid-write: clear errors, then success', async () => {
    const id = await device.plugSimulated('rl78-g13', {
      latency: 'zero',
      rl78: { securityFlags: 0xef, inPlaceBaud: true },
    });
    const c = await device.connectDevice(id);
    const image = { regions: c.regions, segments: [{ address: 0x1000, data: pattern(8 * 1024) }] };
    await expect(device.backendCall(id, 'flash', { image }, W)).rejects.toMatchObject({
      code: 'DEVICE_LOCKED',
      message: expect.stringMatching(/protect error/),
    });
    const answers = [true, true];
    const released = await device.rl78Security(
      id,
      { action: 'release' },
      { ...W, confirm: proxy(async () => answers.shift() ?? false) },
    );
    expect(released.programmingProhibited).toBe(false);
    await device.backendCall(id, 'flash', { image }, W);

    await device.disconnectDevice(id);
    await device.rl78Configure(id, { baud: 1_000_000 });
    await device.simulateFault(id, { kind: 'serial-stuck-baud', on: true });
    await expect(device.connectDevice(id)).rejects.toMatchObject({
      message: expect.stringMatching(/does not answer at that rate/),
    });
    await device.simulateFault(id, { kind: 'serial-stuck-baud', on: false });
    expect((await device.connectDevice(id)).target.additional.join(' ')).toMatch(/1000000 Bd/);

    await device.simulateFault(id, { kind: 'serial-no-echo', on: true });
    await expect(device.backendCall(id, 'verify', { image })).rejects.toMatchObject({
      code: 'DEVICE_PROTOCOL',
      message: expect.stringMatching(/No echo/),
    });
    await device.simulateFault(id, { kind: 'serial-no-echo', on: false });
    await device.connectDevice(id);
    await device.backendCall(id, 'verify', { image });

    await device.simulateFault(id, { kind: 'serial-unplug-after', bytes: 2000 });
    const erase = { regions: c.regions, segments: [{ address: 0x1000, data: pattern(8 * 1024, 9) }] };
    await expect(device.backendCall(id, 'flash', { image: erase }, W)).rejects.toMatchObject({
      code: 'DEVICE_LOST',
    });
    await device.simulateFault(id, { kind: 'serial-plug-back' });
    await device.connectDevice(id);
    const done = await device.backendCall(id, 'flash', { image: erase }, W);
    expect(done.report?.verified).toBe(true);
  });
});
