/**
 * `simulateFault`: the page arms a fault on a simulated probe in the device worker, and the
 * next operation on that device meets it (simulation only).
 */
import { describe, expect, it } from 'vitest';
import type { DeviceWorkerApi } from './api';
import type { ImageDto } from './device-api';
import { nodeUsbBackend } from './cmsis-dap/testing/sim-backend';
import { createDeviceService } from './service';

function service(withSimulation = true): DeviceWorkerApi {
  return createDeviceService({
    sources: {
      // Deadlines on the simulated probe's modeled clock, as the device worker sets them.
      usbBackend: nodeUsbBackend,
    },
    loadSimulation: withSimulation
      ? () => import('./simulation-impl').then((m) => m.createSimulation())
      : undefined,
  });
}

/** 8 KiB of counting bytes at 0x8000, laid into the chip's regions. */
function smallImage(regions: ImageDto['regions']): ImageDto {
  const data = new Uint8Array(8192).map((_, i) => (i * 7 + 3) & 0xff);
  return { regions, segments: [{ address: 0x8000, data }] };
}

const W = { allowWrites: true };

describe('simulateFault', () => {
  it('lose-swd-sync fails the next flash; after a reconnect the same board flashes and verifies', async () => {
    const device = service();
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero' });
    const { regions } = await device.connectDevice(id);
    await device.simulateFault(id, { kind: 'lose-swd-sync' });
    await expect(device.backendCall(id, 'flash', { image: smallImage(regions) }, W)).rejects.toMatchObject({
      code: 'DEVICE_PROTOCOL',
    });
    await device.connectDevice(id);
    const result = await device.backendCall(id, 'flash', { image: smallImage(regions) }, W);
    expect(result.report).toMatchObject({ bytesWritten: 8192, verified: true });
  });

  it('unplug-at-transfer unplugs the board in the middle of the flash', async () => {
    const device = service();
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero' });
    const { regions } = await device.connectDevice(id);
    await device.simulateFault(id, { kind: 'unplug-at-transfer', transfer: 20 });
    await expect(device.backendCall(id, 'flash', { image: smallImage(regions) }, W)).rejects.toMatchObject({
      code: 'DEVICE_LOST',
    });
    expect((await device.listDevices()).map((d) => d.id)).not.toContain(id);
  });

  it('claimed-elsewhere refuses connections until it is switched off', async () => {
    const device = service();
    const id = await device.plugSimulated('microbit-v1', { latency: 'zero' });
    await device.simulateFault(id, { kind: 'claimed-elsewhere', on: true });
    await expect(device.connectDevice(id)).rejects.toThrow(/claim/i);
    await device.simulateFault(id, { kind: 'claimed-elsewhere', on: false });
    await expect(device.connectDevice(id)).resolves.toMatchObject({
      target: { name: expect.stringMatching(/nRF51822/) },
    });
  });

  it('names what is wrong with the device id', async () => {
    const device = service();
    await expect(
      device.simulateFault('usb:0d28:0204:nothing', { kind: 'flash-error' }),
    ).rejects.toMatchObject({
      code: 'DEVICE_LOST',
    });
    const esp = await device.plugSimulated('esp32', { latency: 'zero' });
    await expect(device.simulateFault(esp, { kind: 'flash-error' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    await expect(service(false).simulateFault('usb:x', { kind: 'flash-error' })).rejects.toMatchObject({
      code: 'DEVICE_LOST',
    });
  });
});
