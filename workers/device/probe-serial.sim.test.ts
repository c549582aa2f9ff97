import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../src/core/memory/memory-image';
import { SparseData } from '../../src/core/memory/sparse-data';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, SimulatedUsb } from '../../src/sim';
import { nrfUartEcho } from '../../src/sim/chips/test-programs/programs';
import { CmsisDapBackend } from './cmsis-dap/backend';
import { WebUsbPacketTransport } from './cmsis-dap/packet-transport';
import { decodeScriptLayout } from './cmsis-dap/script-catalogue';
import { nodeScripts } from './cmsis-dap/testing/node-scripts';
import { DeviceManager, usbDeviceId } from './devices';
import { imageToDto } from './image-dto';
import type { SerialState } from './device-api';

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

/** Collects the console's text and waits for a pattern. */
function sink() {
  let text = '';
  const states: SerialState[] = [];
  return {
    onData: (bytes: Uint8Array) => {
      text += new TextDecoder().decode(bytes);
    },
    onState: (state: SerialState) => {
      states.push(state);
    },
    get text() {
      return text;
    },
    states,
    async waitFor(pattern: RegExp, ms = 20_000): Promise<void> {
      const until = Date.now() + ms;
      while (!pattern.test(text)) {
        if (Date.now() > until)
          throw new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(text)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

const BANNER = 'WebProg UART echo\r\n';

describe('serial console through the DAPLink bridge', () => {
  it.each(['v1', 'v2'] as const)(
    'micro:bit %s: shows what the program prints and echoes what is sent',
    async (version) => {
      const probe = createSimulatedMicrobit(version, { flash: [{ address: 0, data: nrfUartEcho }] });
      const devices = manager([probe.usbDevice]);
      const id = usbDeviceId(probe.usbDevice);
      const out = sink();
      await devices.serialOpen(id, { baud: 115200, ...out });
      await out.waitFor(/echo\r\n/);
      // Setting the baud rate empties DAPLink's buffer: what came before opening is gone.
      expect(BANNER.endsWith(out.text)).toBe(true);
      const before = out.text;
      await devices.serialWrite(id, new TextEncoder().encode('print("hi")\r'));
      await out.waitFor(/"\)\r$/);
      expect(out.text).toBe(before + 'print("hi")\r');
      await devices.serialClose(id);
      expect(out.states.at(-1)).toBe('closed');
    },
    60_000,
  );

  it('a flash waits for a poll, and the console carries on after the reset', async () => {
    const probe = createSimulatedMicrobit('v2', { flash: [{ address: 0, data: nrfUartEcho }] });
    const devices = manager([probe.usbDevice]);
    const id = usbDeviceId(probe.usbDevice);
    const out = sink();
    await devices.serialOpen(id, { baud: 115200, ...out });
    await out.waitFor(/echo\r\n/);
    const before = out.text;
    const connection = await devices.connectDevice(id);
    const image = new MemoryImage(connection.regions);
    const data = new SparseData();
    const changed = nrfUartEcho.slice();
    // Same program with a different banner: "WebProg UART echo" → "WebProg UART ECHO".
    const at = new TextDecoder('latin1').decode(changed).indexOf('echo');
    changed.set(new TextEncoder().encode('ECHO'), at);
    data.write(0, changed);
    image.load(data);
    const result = await devices.backendCall(
      id,
      'flash',
      { image: imageToDto(image) },
      { allowWrites: true },
    );
    expect(result.report?.verified).toBe(true);
    await devices.disconnectDevice(id); // resets the chip: the new program starts
    await out.waitFor(/ECHO\r\n/);
    expect(out.text).toBe(before + 'WebProg UART ECHO\r\n');
    await devices.serialClose(id);
  }, 120_000);

  it('a probe without the UART commands is refused with NOT_SUPPORTED', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const devices = manager([probe.usbDevice]);
    await expect(
      devices.serialOpen(usbDeviceId(probe.usbDevice), { baud: 115200, onData: () => undefined }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('waits while the probe is unplugged and carries on when it is back', async () => {
    const probe = createSimulatedMicrobit('v2', { flash: [{ address: 0, data: nrfUartEcho }] });
    const devices = manager([probe.usbDevice]);
    const id = usbDeviceId(probe.usbDevice);
    const out = sink();
    await devices.serialOpen(id, { baud: 115200, ...out });
    await out.waitFor(/echo\r\n/);
    probe.unplug();
    const until = Date.now() + 10_000;
    while (!out.states.includes('waiting') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(out.states).toContain('waiting');
    probe.plug();
    while (out.states.at(-1) !== 'open' && Date.now() < until + 10_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(out.states.at(-1)).toBe('open');
    await devices.serialWrite(id, new TextEncoder().encode('ok'));
    await out.waitFor(/ok$/);
    await devices.serialClose(id);
  }, 60_000);
});
