import { describe, expect, it } from 'vitest';
import { microbitFriendlyName } from '../core/microbit/board';
import { createSimulatedMicrobit, SimulatedUsb } from '../sim';
import { CmsisDapBackend } from '../../workers/device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../../workers/device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../../workers/device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../../workers/device/cmsis-dap/testing/node-scripts';
import { usbDeviceId } from '../../workers/device/devices';
import { createDeviceService } from '../../workers/device/service';
import { createSimulation } from '../../workers/device/simulation-impl';
import { CMSIS_DAP_FILTERS, type DeviceBrowser } from './devices-browser';
import { deviceWorkflowClient } from './devices-client';
import { parseDeviceOptions } from './devices-options';
import { DevicesState, REMEMBERED_DEVICE_KEY } from './devices.svelte';
import { LogState } from './log.svelte';
import { memoryStorage } from './testing/browser';

/** The real device worker service, in-process, with simulated devices and the built device scripts. */
function deviceService(usb?: SimulatedUsb) {
  return deviceWorkflowClient(
    createDeviceService({
      sources: {
        usb,
        usbBackend: (device, clock) =>
          new CmsisDapBackend(new WebUsbPacketTransport(device), {
            scripts: nodeScripts,
            decodeLayout: decodeScriptLayout,
            // The simulated probe's modeled clock, as the app's backend registry passes it.
            now: clock,
          }),
      },
      loadSimulation: async () => createSimulation(),
    }),
  );
}

/** A browser whose choosers do what the test says; `fire()` sends a plug event. */
function fakeBrowser(overrides: Partial<DeviceBrowser> = {}) {
  const listeners = new Set<() => void>();
  const browser: DeviceBrowser & { fire(): void } = {
    hasUsb: true,
    hasSerial: true,
    platform: 'linux',
    requestUsbDevice: async () => undefined,
    requestSerialPort: async () => undefined,
    onDeviceChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: () => listeners.forEach((l) => l()),
    ...overrides,
  };
  return browser;
}

const SIM = parseDeviceOptions('http://localhost/?sim&simLatency=zero');

describe('DevicesState with simulated devices', () => {
  it('turns simulation on with ?sim, plugs a micro:bit V2 and shows its identity', async () => {
    const log = new LogState();
    const devices = new DevicesState(deviceService(), fakeBrowser(), log, SIM, memoryStorage());
    await devices.start();
    expect(devices.simulation).toBe(true);
    expect(devices.devices).toEqual([]);

    const id = await devices.addSimulated('microbit-v2');
    const view = devices.selected!;
    expect(view.summary.id).toBe(id);
    expect(view.session.status).toBe('connected');
    const serial = view.summary.serial;
    const friendly = microbitFriendlyName(parseInt(serial.slice(16, 24), 16));
    expect(view.title).toBe(`micro:bit V2.00 · ${friendly}`);
    const lines = Object.fromEntries(
      view.identity.map((l) => [l.key === 'region' ? l.label : l.key, l.value]),
    );
    expect(lines).toMatchObject({
      probe: 'BBC micro:bit CMSIS-DAP',
      firmware: 'DAPLink 0257',
      serial,
      board: 'micro:bit V2.00 (board id 9903)',
      name: friendly,
      chip: expect.stringMatching(/nRF52833/),
      flash: expect.stringMatching(/KiB/),
      'Code Flash': '0x00000000–0x0007FFFF · 512 KiB, blocks of 4 KiB',
    });
    expect(log.entries.map((e) => e.text)).toContain(
      `Connected micro:bit V2.00 · ${friendly} (BBC micro:bit CMSIS-DAP, firmware 0257): ${view.session.connection!.target.name}, ${lines.flash} flash.`,
    );
  });

  it('reconnects the device selected last time on reload', async () => {
    const service = deviceService();
    const storage = memoryStorage();
    const first = new DevicesState(service, fakeBrowser(), new LogState(), SIM, storage);
    await first.start();
    await first.addSimulated('microbit-v2');
    const v1 = await first.addSimulated('microbit-v1');
    expect(storage.getItem(REMEMBERED_DEVICE_KEY)).toBe(v1);
    await first.disconnect(v1!);
    first.stop();

    const reloaded = new DevicesState(service, fakeBrowser(), new LogState(), SIM, storage);
    await reloaded.start();
    expect(reloaded.devices).toHaveLength(2);
    expect(reloaded.selected?.summary.id).toBe(v1);
    expect(reloaded.selected?.session.status).toBe('connected');
    expect(reloaded.selected?.session.connection?.target.name).toMatch(/nRF51822/);
  });

  it('says so when a connected device is unplugged, and reconnects it when it is plugged back in', async () => {
    const service = deviceService();
    const log = new LogState();
    const browser = fakeBrowser();
    const devices = new DevicesState(service, browser, log, SIM);
    await devices.start();
    const id = (await devices.addSimulated('microbit-v2'))!;
    const { serial } = devices.selected!.summary;
    const title = devices.selected!.title;

    await devices.unplugSimulated(id);
    expect(devices.devices).toEqual([]);
    expect(devices.selected).toBeUndefined();
    expect(devices.notice).toMatchObject({
      level: 'error',
      problem: { code: 'DEVICE_LOST', title: `${title} was unplugged` },
    });
    expect(log.entries.some((e) => e.level === 'warn' && e.text === `${title} was unplugged.`)).toBe(true);

    // The same board comes back (same serial, same FICR id): the browser sends a connect event.
    await service.plugSimulated('microbit-v2', {
      serial,
      deviceId: parseInt(serial.slice(16, 24), 16),
      latency: 'zero',
    });
    browser.fire();
    await devices.refresh();
    await expect.poll(() => devices.selected?.session.status).toBe('connected');
    expect(devices.selected?.summary.id).toBe(id);
    expect(log.entries.map((e) => e.text)).toContain('micro:bit V2.00 is back: reconnecting.');
  });
});

describe('DevicesState choosers', () => {
  it('finds the probe picked in the WebUSB chooser through the worker and connects it', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const usb = new SimulatedUsb([probe.usbDevice]);
    const browser = fakeBrowser({
      requestUsbDevice: async () => void (await usb.requestDevice({ filters: [...CMSIS_DAP_FILTERS] })),
    });
    const devices = new DevicesState(deviceService(usb), browser, new LogState(), parseDeviceOptions(''));
    await devices.start();
    expect(devices.simulation).toBe(false);
    expect(devices.devices).toEqual([]); // not granted yet

    await devices.addUsbDevice();
    expect(devices.selected?.summary.id).toBe(usbDeviceId(probe.usbDevice));
    expect(devices.selected?.session.status).toBe('connected');
    expect(devices.notice).toBeUndefined();
  });

  it('treats a closed chooser as no choice, not as an error', async () => {
    const log = new LogState();
    const browser = fakeBrowser({
      requestUsbDevice: async () => {
        throw new DOMException('No device selected.', 'NotFoundError');
      },
    });
    const devices = new DevicesState(deviceService(), browser, log, parseDeviceOptions(''));
    await devices.addUsbDevice();
    expect(devices.notice).toMatchObject({ level: 'info', problem: { title: 'No device was chosen' } });
    expect(log.entries.at(-1)).toMatchObject({
      level: 'info',
      text: 'The device chooser was closed without a choice.',
    });
  });

  it('explains a browser without WebUSB or Web Serial', async () => {
    const devices = new DevicesState(
      deviceService(),
      fakeBrowser({ hasUsb: false, hasSerial: false }),
      new LogState(),
      parseDeviceOptions(''),
    );
    await devices.addUsbDevice();
    expect(devices.notice?.problem.title).toBe('This browser has no WebUSB');
    expect(devices.notice?.problem.advice[0].text).toMatch(/Chrome, Edge or Opera/);
    await devices.addSerialPort();
    expect(devices.notice?.problem.title).toBe('This browser has no Web Serial');
  });

  it('gives Linux users the udev rule when the device cannot be opened', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    probe.usbDevice.faults.claimedElsewhere = true;
    const usb = new SimulatedUsb([probe.usbDevice], { grantAll: true });
    const devices = new DevicesState(
      deviceService(usb),
      fakeBrowser(),
      new LogState(),
      parseDeviceOptions(''),
    );
    await devices.start();
    const id = devices.devices[0].summary.id;
    expect(await devices.connect(id)).toBeUndefined();
    const problem = devices.selected!.session.problem!;
    expect(devices.selected!.session.status).toBe('failed');
    expect(problem.title).toBe('The device is in use by another tab or program');
    expect(problem.advice.map((a) => a.code).filter(Boolean)).toContain(
      'SUBSYSTEM=="usb", ATTR{idVendor}=="0d28", MODE="0664", GROUP="plugdev"',
    );
  });
});
