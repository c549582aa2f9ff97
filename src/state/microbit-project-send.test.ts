/**
 * Sending a project to simulated micro:bits through the real device service (CMSIS-DAP backend,
 * device scripts, simulated DAPLink + nRF chips), then reading the flash back and finding the
 * files in it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { microbitFriendlyName } from '../core/microbit/board';
import { readFilesFromData } from '../core/microbit/fs-hex';
import { SparseData } from '../core/memory/sparse-data';
import { targetById } from '../core/targets';
import { CmsisDapBackend } from '../../workers/device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../../workers/device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../../workers/device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../../workers/device/cmsis-dap/testing/node-scripts';
import { createDeviceService } from '../../workers/device/service';
import { firmwareFor } from '../core/microbit/firmware-catalogue';
import { FirmwareStore, MemoryFirmwareCache, type FirmwareFetch } from './firmware-store';
import { LogState } from './log.svelte';
import { MicrobitProjectState } from './microbit-project.svelte';
import { ProjectBuilder } from './microbit-project-build';
import { MicrobitSendState } from './microbit-project-send.svelte';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

function deviceService() {
  return createDeviceService({
    sources: {
      usb: undefined,
      usbBackend: (device, clock) =>
        new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: nodeScripts,
          decodeLayout: decodeScriptLayout,
          // The simulated probe's modeled clock, as the app's backend registry passes it.
          now: clock,
        }),
    },
    loadSimulation: () => import('../../workers/device/simulation-impl').then((m) => m.createSimulation()),
  });
}

function setup(device = deviceService()) {
  const fetch: FirmwareFetch = async (url) => {
    if (url === firmwareFor('V1').url) return new Response(fixtureBytes('micropython-v1.1.1.hex'));
    if (url === firmwareFor('V2').url) return new Response(fixtureBytes('micropython-v2.1.2.hex'));
    return new Response('', { status: 404 });
  };
  const b = new ProjectBuilder();
  const builder = {
    universalHex: async (...a: Parameters<ProjectBuilder['universalHex']>) => b.universalHex(...a),
    intelHex: async (...a: Parameters<ProjectBuilder['intelHex']>) => b.intelHex(...a),
    flashSegments: async (...a: Parameters<ProjectBuilder['flashSegments']>) => b.flashSegments(...a),
    openHex: async (...a: Parameters<ProjectBuilder['openHex']>) => b.openHex(...a),
  };
  const log = new LogState();
  const project = new MicrobitProjectState({
    builder,
    firmware: new FirmwareStore({ cache: new MemoryFirmwareCache(), fetch }),
    log,
    download: () => undefined,
  });
  const send = new MicrobitSendState(project, { device, builder, log });
  return { device, project, send, log };
}

/** Reads chip memory back through the device service (V1 needs the UICR to be recognised). */
async function readBack(
  device: ReturnType<typeof deviceService>,
  id: string,
  targetId: string,
  names: string[],
) {
  const regions = targetById(targetId)!.regions.filter((r) => names.includes(r.name));
  const { image } = await device.backendCall(id, 'read', { image: { regions, segments: [] } });
  return SparseData.from(image!.segments);
}

describe('MicrobitSendState on simulated micro:bits', () => {
  it('names a board as soon as it is listed, before anything is sent, without writing to it', async () => {
    const { device, send } = setup();
    const deviceId = 0x1234_5678;
    const id = await device.plugSimulated('microbit-v1', { latency: 'zero', deviceId });
    const writes: string[] = [];
    const backendCall = device.backendCall;
    device.backendCall = async (...args: Parameters<typeof backendCall>) => {
      writes.push(args[1]);
      return backendCall(...args);
    };
    await send.refresh();
    await expect
      .poll(() => send.targets.find((t) => t.id === id)?.label, { timeout: 30_000 })
      .toMatch(new RegExp(`^micro:bit V1\\.\\d+ \\(simulated\\) · ${microbitFriendlyName(deviceId)}$`));
    expect(writes).toEqual([]);
    // Listing again keeps the name without connecting again.
    await send.refresh();
    expect(send.targets[0].label).toContain(microbitFriendlyName(deviceId));
  }, 60_000);

  it('offers simulated boards under ?sim and chooses the one plugged in', async () => {
    const device = deviceService();
    const { project, log } = setup(device);
    const builder = { flashSegments: async () => [] };
    let simulation = false;
    const send = new MicrobitSendState(project, {
      device,
      builder,
      log,
      simulated: {
        enabled: () => simulation,
        plug: (kind) => device.plugSimulated(kind, { latency: 'zero' }),
      },
    });
    expect(send.simulatedChoices).toEqual([]);
    expect(send.canRequestDevice).toBe(false);
    simulation = true;
    expect(send.simulatedChoices.map((c) => c.label)).toEqual([
      'Simulated micro:bit V1',
      'Simulated micro:bit V2',
    ]);
    expect(send.canRequestDevice).toBe(true);
    await send.plugSimulated('microbit-v1');
    await send.plugSimulated('microbit-v2');
    expect(send.targets.map((t) => t.version)).toEqual(['V1', 'V2']);
    expect(send.targets.find((t) => t.id === send.chosenId)?.version).toBe('V2');
  }, 60_000);

  it('lists only micro:bits, sends to a V2 with progress and the friendly name, and the files are on the chip', async () => {
    const { device, project, send, log } = setup();
    const deviceId = 0x0bad_cafe;
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero', deviceId });
    await device.plugSimulated('stm32f411', { latency: 'zero' });
    const targets = await send.refresh();
    expect(targets).toEqual([{ id, label: 'micro:bit V2.00 (simulated)', version: 'V2', simulated: true }]);
    expect(send.chosenId).toBe(id);

    project.edit('main.py', 'from microbit import *\ndisplay.scroll("sent")\n');
    project.addFile('wheels');
    project.edit('wheels.py', 'SPEED = 3\n');
    const seen = new Set<string>();
    const watching = setInterval(() => send.progress && seen.add(send.progress.operation), 1);
    const ok = await send.send();
    clearInterval(watching);
    expect(send.result?.text).toMatch(
      /^Sent Untitled project to micro:bit V2\.00 \(simulated\) · [a-z]{5}: [\d,]+ bytes written, .*verified, in /,
    );
    expect(ok).toBe(true);
    expect(send.result?.text).toContain(microbitFriendlyName(deviceId));
    expect(send.targets[0].label).toContain(microbitFriendlyName(deviceId));
    expect(seen.size).toBeGreaterThan(0);
    expect(log.entries.at(-1)?.text).toBe(send.result?.text);

    const { files } = readFilesFromData(await readBack(device, id, 'nrf52833', ['Code Flash']));
    expect([...files.keys()].sort()).toEqual(['main.py', 'wheels.py']);
    expect(new TextDecoder().decode(files.get('main.py'))).toBe(
      'from microbit import *\ndisplay.scroll("sent")\n',
    );
  }, 120_000);

  it('sends V1 MicroPython to a micro:bit V1', async () => {
    const { device, project, send } = setup();
    const id = await device.plugSimulated('microbit-v1', { latency: 'zero' });
    await send.refresh();
    project.edit('main.py', 'print("v1")\n');
    expect(await send.send()).toBe(true);
    const { files, memInfo } = readFilesFromData(
      await readBack(device, id, 'nrf51822', ['Code Flash', 'UICR']),
    );
    expect(memInfo.uPyVersion).toContain('v1.1.1');
    expect(new TextDecoder().decode(files.get('main.py'))).toBe('print("v1")\n');
  }, 120_000);

  it('reports a micro:bit pulled out before sending as a failure', async () => {
    const { device, send } = setup();
    const id = await device.plugSimulated('microbit-v2', { latency: 'zero' });
    await send.refresh();
    await device.unplugSimulated(id);
    expect(await send.send()).toBe(false);
    expect(send.result?.kind).toBe('error');
    expect(send.result?.text).toMatch(/^Sending to micro:bit V2\.00 \(simulated\) failed\. /);
  }, 120_000);

  it('says so when there is no micro:bit or no device worker', async () => {
    const { send } = setup();
    await send.refresh();
    expect(send.result).toEqual({ kind: 'warn', text: expect.stringMatching(/^No micro:bit found\./) });
    expect(await send.send()).toBe(false);
    const { project } = setup();
    const unwired = new MicrobitSendState(project, {
      builder: { flashSegments: async () => [] },
      log: new LogState(),
    });
    await unwired.refresh();
    expect(unwired.result?.text).toMatch(/^Sending is not available/);
  });
});
