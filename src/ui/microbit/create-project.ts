/**
 * Builds the micro:bit project's state with the browser's services: the project worker,
 * MicroPython cached in IndexedDB, the project kept in localStorage, downloads through
 * `<a download>`. Imported dynamically with the workspace, on first open.
 */
import { IndexedDbFirmwareCache } from '../../state/firmware-idb';
import { FirmwareStore, MemoryFirmwareCache } from '../../state/firmware-store';
import type { LogState } from '../../state/log.svelte';
import { MicrobitProjectState } from '../../state/microbit-project.svelte';
import {
  MicrobitSendState,
  type MicrobitDeviceClient,
  type MicrobitSendDependencies,
} from '../../state/microbit-project-send.svelte';
import { startProjectBuilder } from '../../state/microbit-project-worker-client';
import { MicrobitSerialState, type SerialDeviceClient } from '../../state/microbit-serial.svelte';
import { downloadBytes } from '../download';

/** The states behind the micro:bit workspace. */
export interface MicrobitServices {
  /** Files, storage, open/save. */
  project: MicrobitProjectState;
  /** Send to micro:bit. */
  send: MicrobitSendState;
  /** The board's serial console (MicroPython REPL). */
  serial: MicrobitSerialState;
}

/** What the app hands the micro:bit panel. */
export interface MicrobitHost {
  /** The session log. */
  log: LogState;
  /** The device worker, when the app wires one to the panel (with the serial console's calls). */
  device?: MicrobitDeviceClient & Partial<SerialDeviceClient>;
  /** Opens the browser's USB chooser. */
  requestUsbDevice?: () => Promise<void>;
  /** Simulated micro:bits (`?sim`), offered by "Connect a micro:bit…". */
  simulated?: MicrobitSendDependencies['simulated'];
}

/** Creates the project and send states (starts the project worker). */
export function createMicrobitServices(host: MicrobitHost): MicrobitServices {
  const builder = startProjectBuilder();
  const cache = typeof indexedDB === 'undefined' ? new MemoryFirmwareCache() : new IndexedDbFirmwareCache();
  const project = new MicrobitProjectState({
    builder,
    firmware: new FirmwareStore({ cache }),
    log: host.log,
    download: downloadBytes,
    storage: browserStorage(),
    online: () => globalThis.navigator?.onLine ?? true,
  });
  const send = new MicrobitSendState(project, {
    device: host.device,
    builder,
    log: host.log,
    requestUsbDevice: host.requestUsbDevice,
    simulated: host.simulated,
  });
  void project.refreshFirmwareStatus();
  return { project, send, serial: new MicrobitSerialState(serialCalls(host.device)) };
}

/** The device worker's serial console calls, when it has them. */
function serialCalls(device: MicrobitHost['device']): SerialDeviceClient | undefined {
  const calls = device as Partial<SerialDeviceClient> | undefined;
  const names = ['serialOpen', 'serialWrite', 'serialClose', 'connectDevice', 'debug'] as const;
  return calls && names.every((name) => typeof calls[name] === 'function')
    ? (calls as SerialDeviceClient)
    : undefined;
}

/** localStorage, or nothing where it is blocked. */
function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
