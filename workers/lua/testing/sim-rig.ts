/**
 * Runs scripts through the real Lua service against the simulators, wired as in the app: a
 * real `DeviceManager` (CMSIS-DAP backends on simulated probes, ESP backends on simulated
 * boards) exposed with comlink on one end of a MessageChannel, the Lua service holding the
 * other end (`connectDevicePort`).
 */
import { exposeDeviceOperations } from '../../device/device-link';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { SimulatedUsb, type SimulatedProbe } from '../../../src/sim';
import { SimulatedSerial, type SimulatedEspBoard, type SimSerialPort } from '../../../src/sim/esp';
import type { SimulatedRaBoard } from '../../../src/sim/ra';
import type { SimulatedRl78Board } from '../../../src/sim/rl78';
import { serialBackendFor } from '../../device/backend-registry';
import { markRl78Port, rl78OptionsFor } from '../../device/rl78/rl78-ports';
import { CmsisDapBackend } from '../../device/cmsis-dap/backend';
import { WebUsbPacketTransport } from '../../device/cmsis-dap/packet-transport';
import { decodeScriptLayout } from '../../device/cmsis-dap/script-catalogue';
import { nodeScripts } from '../../device/cmsis-dap/testing/node-scripts';
import { DeviceManager, serialPortId, usbDeviceId } from '../../device/devices';
import { registerTransferHandlers } from '../../shared/comlink-setup';
import { createLuaService } from '../service';
import { runRecorded, type RunScriptOptions, type ScriptOutcome } from './run-script';

/** What the rig drives. */
export interface SimRigDevices {
  /** Simulated CMSIS-DAP probes (micro:bits, the STM32F411 probe). */
  probes?: SimulatedProbe[];
  /** Simulated serial boards: ESP boards and Renesas RA chips in boot mode. */
  boards?: (SimulatedEspBoard | SimulatedRaBoard)[];
  /** Simulated RL78 boards (their ports are marked as RL78 cables). */
  rl78Boards?: SimulatedRl78Board[];
}

/** Reads a bundled example script from `public/scripts/examples/`. */
export function exampleScript(name: string): string {
  return readFileSync(resolve(process.cwd(), 'public/scripts/examples', name), 'utf8');
}

/** A Lua service wired to a real DeviceManager over the simulators. */
export async function simRig(devices: SimRigDevices) {
  registerTransferHandlers();
  const usb = new SimulatedUsb((devices.probes ?? []).map((p) => p.usbDevice) as never, { grantAll: true });
  for (const b of devices.rl78Boards ?? []) markRl78Port(b.port, { wiring: b.wiring, reset: b.resetLine });
  const ports: SimSerialPort[] = [...(devices.boards ?? []), ...(devices.rl78Boards ?? [])].map(
    (b) => b.port,
  );
  const raPorts = new Set<SerialPort>(
    (devices.boards ?? []).filter((b) => 'firmware' in b).map((b) => b.port as unknown as SerialPort),
  );
  const serial = new SimulatedSerial(ports, { granted: ports });
  const manager = new DeviceManager({
    usb,
    serial,
    usbBackend: (device) =>
      new CmsisDapBackend(new WebUsbPacketTransport(device), {
        scripts: nodeScripts,
        decodeLayout: decodeScriptLayout,
      }),
    serialBackend: serialBackendFor,
    serialKind: (port) => (rl78OptionsFor(port) ? 'rl78' : raPorts.has(port) ? 'ra' : 'esp'),
    isSimulated: () => true,
  });
  const channel = new MessageChannel();
  exposeDeviceOperations(manager, channel.port1 as unknown as MessagePort);
  const service = createLuaService({ version: '9.9.9-sim' });
  await service.connectDevicePort(channel.port2 as unknown as MessagePort);
  const probeIds = (devices.probes ?? []).map((p) => usbDeviceId(p.usbDevice as unknown as USBDevice));
  const boardIds = ports.map((p) => serialPortId(p as unknown as SerialPort));

  return {
    manager,
    service,
    /** Device ids of the probes, then of the boards, in the order given. */
    ids: [...probeIds, ...boardIds],
    /** Runs `code` with an empty buffer and the first device selected (unless options say otherwise). */
    run(code: string, options: RunScriptOptions = {}): Promise<ScriptOutcome> {
      const defaults = { image: { regions: [], segments: [] }, deviceId: probeIds[0] ?? boardIds[0] };
      return runRecorded(service, code, defaults, options);
    },
    /** Closes the channel. */
    close(): void {
      channel.port1.close();
      channel.port2.close();
    },
  };
}
