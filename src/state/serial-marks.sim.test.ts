/**
 * The marking of a USB-UART across a reload, with the real device worker service and simulated
 * boards: a page says the simulated RA4M1-on-a-USB-UART is "not an RA chip"; a new page (a new
 * worker, new port objects, the same localStorage) finds the port with those ids an ESP board
 * again, before anything connects; said to be an RA chip again, the next page finds it one.
 */
import { describe, expect, it } from 'vitest';
import { backendFactories } from '../../workers/device/backend-registry';
import { createDeviceService } from '../../workers/device/service';
import { createSimulation } from '../../workers/device/simulation-impl';
import { deviceWorkflowClient } from './devices-client';
import { parseDeviceOptions } from './devices-options';
import { DevicesState } from './devices.svelte';
import { LogState } from './log.svelte';
import { raClient } from './ra-client';
import { RaState } from './ra.svelte';
import { rl78Client } from './rl78-client';
import { Rl78State } from './rl78.svelte';
import { SerialMarks } from './serial-marks';
import { memoryStorage, quietBrowser } from './testing/browser';

const browser = quietBrowser;

/** One page load: a fresh worker service and state, wired as AppState wires them. */
async function load(storage: Pick<Storage, 'getItem' | 'setItem'>) {
  const service = createDeviceService({
    sources: backendFactories({ scripts: async () => [] }),
    loadSimulation: async () => createSimulation(),
  });
  const log = new LogState();
  const devices = new DevicesState(
    deviceWorkflowClient(service),
    browser,
    log,
    parseDeviceOptions('http://localhost/?sim&simLatency=zero'),
    storage,
  );
  const ra = new RaState(devices, raClient(service), log);
  const rl78 = new Rl78State(rl78Client(service), log);
  const marks = new SerialMarks(storage, { ra: raClient(service), rl78: rl78Client(service) }, log);
  ra.onMarked = rl78.onMarked = (id, mark) => marks.remember(id, mark, devices.summaries);
  devices.portsListed = (list) => marks.restore(list);
  await devices.start();
  /** Plugs a simulated board in (the port is granted, as after a reload) and lists the devices. */
  const plug = async (kind: 'ra4m1-uart' | 'esp32') => {
    const id = await service.plugSimulated(kind, { latency: 'zero' });
    await devices.refresh();
    return devices.summaries.find((s) => s.id === id)!;
  };
  return { devices, ra, log, plug };
}

describe('a USB-UART marking across reloads (device worker + simulated boards)', { timeout: 60_000 }, () => {
  it('"not an RA chip" and "an RA chip" are both kept for the port with those USB ids', async () => {
    const storage = memoryStorage();

    const first = await load(storage);
    const uart = await first.plug('ra4m1-uart');
    // The simulation knows its board is an RA chip; the person says it is not.
    expect(uart.type).toBe('ra');
    await first.ra.useAsEsp(uart.id);
    await first.devices.refresh();
    expect(first.devices.summaries.find((s) => s.id === uart.id)?.type).toBe('esp');

    const second = await load(storage);
    const again = await second.plug('ra4m1-uart');
    expect(again.id).toMatch(/^serial:0403:6001:/);
    expect(again.type).toBe('esp');
    expect(second.log.entries.map((e) => e.text).join('\n')).toMatch(
      /Remembered for the USB-UART 0403:6001: it leads to an ESP board/,
    );
    // An ESP board said to be an RA chip (another USB ids: CP2102) is one after the next reload.
    const esp = await second.plug('esp32');
    expect(esp.type).toBe('esp');
    await second.ra.useAsRa(esp.id);

    const third = await load(storage);
    expect((await third.plug('esp32')).type).toBe('ra');
    expect((await third.plug('ra4m1-uart')).type).toBe('esp');
  });
});
