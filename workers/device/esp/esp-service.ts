/**
 * The device worker's implementation of {@link EspWorkerApi}: finds the ESP backend of a device
 * id (made by the device manager on first use) and runs the ESP-only calls on it. The ESP
 * backend serialises its own calls, so these never overlap a backend operation.
 */
import { WebProgError } from '../../../src/core/errors';
import type { Clock } from '../../../src/core/progress';
import type { CancelRegistry } from '../../shared/cancellation';
import type { Backend } from '../backend';
import type { DeviceOperationsApi } from '../device-api';
import { serialPortId, type SerialBackendFactory } from '../devices';
import { withTimeout } from '../op-queue';
import type { EspWorkerApi, FirmwarePart } from './esp-api';
import { EspBackend } from './esp-backend';
import { checkParts, flashMap } from './firmware-set';

/** Remembers the ESP backend of each serial port, so the ESP API finds it by device id. */
export class EspBackends {
  private readonly byId = new Map<string, Backend>();

  /** Wraps the worker's serial backend factory so every backend it makes is remembered. */
  wrap(factory: SerialBackendFactory | undefined): SerialBackendFactory | undefined {
    if (!factory) return undefined;
    return (port, getPorts, kind) => {
      const backend = factory(port, getPorts, kind);
      this.byId.set(serialPortId(port), backend);
      return backend;
    };
  }

  /** The backend made for `deviceId`, if any. */
  get(deviceId: string): Backend | undefined {
    return this.byId.get(deviceId);
  }
}

/** Creates the ESP API over the device manager's devices. */
export function createEspApi(
  backends: EspBackends,
  devices: Pick<DeviceOperationsApi, 'programmerInfo'>,
  calls: CancelRegistry,
  clockFor: (port: SerialPort) => Clock | undefined,
): EspWorkerApi {
  const find = async (deviceId: string) => {
    // The device manager makes backends on first use; asking for the programmer makes it.
    if (!backends.get(deviceId)) await devices.programmerInfo(deviceId);
    const backend = backends.get(deviceId);
    if (!(backend instanceof EspBackend)) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Not Supported: ${deviceId} is not an ESP board on a serial port.`,
      );
    }
    // A native-USB board's port changes when it resets; the backend knows the current one.
    return { backend, clock: clockFor(backend.serialPort) };
  };
  const plan = (backend: EspBackend, parts: FirmwarePart[]) => {
    const info = backend.chipInfo;
    if (!info) throw new WebProgError('NOT_CONNECTED', 'Not connected: connect to the board first.');
    return { map: flashMap(parts, info.bootloaderOffset), warnings: checkParts(parts, info) };
  };

  return {
    async espConfigure(deviceId, options) {
      const { backend } = await find(deviceId);
      if (options.baud !== undefined) backend.baud = options.baud;
      if (options.skipUnchanged !== undefined) backend.skipUnchanged = options.skipUnchanged;
    },

    async espChipInfo(deviceId) {
      return (await find(deviceId)).backend.chipInfo;
    },

    async espPlanParts(deviceId, parts) {
      return plan((await find(deviceId)).backend, parts);
    },

    async espFlashParts(deviceId, parts, options = {}) {
      const { backend, clock } = await find(deviceId);
      const signal = calls.begin(options.callId);
      try {
        return await withTimeout('espFlashParts()', options.timeoutMs, signal, async (s) => {
          const now = clock ?? (() => performance.now());
          const started = now();
          const ctx = {
            allowWrites: options.allowWrites,
            signal: s,
            onProgress: options.onProgress,
            confirm: options.confirm,
            clock,
          };
          if (!backend.isConnected()) await backend.connect(ctx);
          const { map, warnings } = plan(backend, parts);
          const report = await backend.flashParts(parts, ctx, {
            eraseAll: options.eraseAll,
            skipUnchanged: options.skipUnchanged,
          });
          return { report, warnings, map, elapsedMs: now() - started };
        });
      } finally {
        calls.end(options.callId);
      }
    },

    async espMonitorStart(deviceId, options) {
      const { backend } = await find(deviceId);
      const onData = options.onData;
      await backend.startMonitor(options.baud, (bytes) => onData(bytes), { reset: options.reset });
    },

    async espMonitorSend(deviceId, text) {
      await (await find(deviceId)).backend.sendToMonitor(text);
    },

    async espMonitorStop(deviceId) {
      await (await find(deviceId)).backend.stopMonitor();
    },

    async espReset(deviceId) {
      await (await find(deviceId)).backend.resetToApp();
    },
  };
}
