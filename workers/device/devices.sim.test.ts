import { describe, expect, it } from 'vitest';
import { microbitFriendlyName } from '../../src/core/microbit/board';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, SimulatedUsb } from '../../src/sim';
import { SimulatedSerial, createSimulatedEspBoard } from '../../src/sim/esp';
import { CmsisDapBackend } from './cmsis-dap/backend';
import { WebUsbPacketTransport } from './cmsis-dap/packet-transport';
import { decodeScriptLayout } from './cmsis-dap/script-catalogue';
import { nodeScripts } from './cmsis-dap/testing/node-scripts';
import { DeviceManager, usbDeviceId } from './devices';
import { EspBackend } from './esp/esp-backend';

function manager(devices: USBDevice[]): DeviceManager {
  const usb = new SimulatedUsb(devices as never, { grantAll: true });
  return new DeviceManager({
    usb,
    usbBackend: (device, clock) =>
      new CmsisDapBackend(new WebUsbPacketTransport(device), {
        scripts: nodeScripts,
        decodeLayout: decodeScriptLayout,
        // The simulated probe's modeled clock, as the app's backend registry passes it.
        now: clock,
      }),
  });
}

describe('DeviceManager identity on connect', () => {
  it("reports a micro:bit's friendly name from FICR DEVICEID[1] and the DAPLink firmware version", async () => {
    const deviceId = 0x1234_5678;
    const probe = createSimulatedMicrobit('v2', { latency: 'zero', deviceId });
    const devices = manager([probe.usbDevice]);
    const id = usbDeviceId(probe.usbDevice);
    const [summary] = await devices.listDevices();
    expect(summary).toMatchObject({ id, microbit: { version: 'V2' } });

    const connection = await devices.connectDevice(id);
    expect(connection.friendlyName).toBe(microbitFriendlyName(deviceId));
    expect(connection.friendlyName).toMatch(/^[a-z]{5}$/);
    expect(connection.programmer.firmware).toBe('0257');
    expect(connection.target.name).toMatch(/nRF52833/);
  });

  it('gives other probes no friendly name', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const devices = manager([probe.usbDevice]);
    const connection = await devices.connectDevice(usbDeviceId(probe.usbDevice));
    expect(connection.friendlyName).toBeUndefined();
    expect(connection.programmer.firmware).toBe('0257');
  });
});

describe('DeviceManager and a board on its own USB port', () => {
  it('keeps the device id and the session when the ESP32-S3 re-enumerates on connect', async () => {
    const board = createSimulatedEspBoard({ chip: 'esp32s3', usb: 'usb-otg', latency: 'zero' });
    const serial = new SimulatedSerial([board.port], { granted: [board.port] });
    const devices = new DeviceManager({
      serial,
      usbBackend: () => {
        throw new Error('no USB here');
      },
      serialBackend: (port, getPorts) => new EspBackend(port, { getPorts }),
    });
    const [before] = await devices.listDevices();
    const original = board.port;
    const connection = await devices.connectDevice(before.id);
    expect(connection.target.name).toBe('ESP32-S3');
    expect(board.port).not.toBe(original);

    const after = await devices.listDevices();
    expect(after).toEqual([expect.objectContaining({ id: before.id, type: 'esp', connected: true })]);
    const info = await devices.targetInfo(before.id);
    expect(info.name).toBe('ESP32-S3');
    await devices.disconnectDevice(before.id);
  }, 30_000);
});

describe('DeviceManager debug access', () => {
  it('refuses writing debug requests without hardware writes allowed before any backend sees them', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const seen: string[] = [];
    const usb = new SimulatedUsb([probe.usbDevice] as never, { grantAll: true });
    const devices = new DeviceManager({
      usb,
      usbBackend: (device, clock) => {
        const real = new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: nodeScripts,
          decodeLayout: decodeScriptLayout,
          // The simulated probe's modeled clock, as the app's backend registry passes it.
          now: clock,
        });
        // A backend that would run every request it gets.
        real.debug = async (request) => (seen.push(request.op), {});
        return real;
      },
    });
    const id = usbDeviceId(probe.usbDevice);
    for (const request of [
      { op: 'word_write', address: 0x4001e504, value: 2 },
      { op: 'swd_write', ap: true, a23: 1, value: 0 },
      { op: 'script_erase_all' },
      { op: 'script_erase_block', address: 0 },
      { op: 'script_write_block', address: 0, data: new Uint8Array(4) },
    ] as const) {
      await expect(devices.debug(id, request)).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    }
    expect(seen).toEqual([]);
    await devices.debug(id, { op: 'swd_write', ap: false, a23: 2, value: 0 });
    await devices.debug(id, { op: 'word_read', address: 0 });
    await devices.debug(id, { op: 'word_write', address: 0x20000000, value: 1 }, { allowWrites: true });
    expect(seen).toEqual(['swd_write', 'word_read', 'word_write']);
  });
});
