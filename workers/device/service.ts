/**
 * The device worker's implementation of {@link DeviceWorkerApi}. Kept apart from the worker
 * entry so tests can call it directly in Node.
 */
import { createChecksum } from '../../src/core/checksum';
import { WebProgError, throwIfCancelled, toWebProgError } from '../../src/core/errors';
import { loadFile, saveFile } from '../../src/core/formats';
import { SparseData, type Segment } from '../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../src/core/progress';
import { APP_VERSION } from '../../src/core/version';
import { CancelRegistry } from '../shared/cancellation';
import type { DeviceWorkerApi, ParsedFileDto } from './api';
import { DeviceManager, type DeviceSources } from './devices';
import { exposeDeviceOperations } from './device-link';
import type { Simulation } from './simulation';
import type { UserTargetRegistry } from './cmsis-dap/user-targets';
import { EspBackends, createEspApi } from './esp/esp-service';
import { rl78OptionsFor } from './rl78/rl78-ports';
import { transportOf } from './ra/ra-session';
import { raPortChoice } from './ra/ra-ports';
import { createRaApi } from './ra/ra-port-service';
import { createRl78Api } from './rl78/rl78-service';
import { createWorkbenchApi } from './cmsis-dap/bench-service';
import type { ScriptCandidate } from './cmsis-dap/identify';

/** Bytes checksummed between cancellation checks and progress updates. */
const CHECKSUM_CHUNK = 256 * 1024;

/** What the service needs from its environment. */
export interface DeviceServiceOptions {
  /** Where devices come from. */
  sources: DeviceSources;
  /** Turns simulated devices on (loaded lazily: simulators are not part of the first load). */
  loadSimulation?: () => Promise<Simulation>;
  /** Where the person's own targets go (the worker's registry; absent: they are refused). */
  userTargets?: UserTargetRegistry;
  /** The device scripts the app ships, for the workbench's info (absent: none). */
  builtInScripts?: () => Promise<readonly ScriptCandidate[]>;
}

/** Creates the device worker's service object. */
export function createDeviceService(options: DeviceServiceOptions): DeviceWorkerApi {
  const calls = new CancelRegistry();
  let simulation: Simulation | undefined;
  const sources: DeviceSources = { ...options.sources };
  // ESP boards: remember each serial port's backend for the ESP API.
  const espBackends = new EspBackends();
  const devices = new DeviceManager({
    get usb() {
      return simulation?.usb ?? sources.usb;
    },
    get serial() {
      return simulation?.serial ?? sources.serial;
    },
    usbBackend: (device, clock) => sources.usbBackend(device, clock),
    serialBackend: espBackends.wrap(sources.serialBackend),
    serialKind: (port) => {
      if (rl78OptionsFor(port)) return 'rl78';
      // What the person said about a USB-UART comes before what the simulation knows; the RA
      // chip's own USB CDC port stays an RA chip.
      const ra = raPortChoice(port);
      if (ra === true) return 'ra';
      if (ra === false && transportOf(port) !== 'usb') return 'esp';
      return simulation?.serialKind?.(port) ?? sources.serialKind?.(port);
    },
    isSimulated: (device) => simulation?.isSimulated(device) ?? false,
    clockFor: (device) => simulation?.clockFor(device),
  });

  const service: DeviceWorkerApi = {
    ...createEspApi(espBackends, devices, calls, (port) => simulation?.clockFor(port)),
    ...createRl78Api(devices),
    ...createWorkbenchApi(devices, {
      builtIn: options.builtInScripts ?? (async () => []),
      loaded: () => options.userTargets?.loadedScripts() ?? [],
    }),
    ...createRaApi(devices),

    async setUserTargets(targets) {
      if (!options.userTargets)
        throw new WebProgError('NOT_SUPPORTED', 'Loaded targets are not supported by this host.');
      return options.userTargets.set(targets);
    },

    async hello() {
      return { version: APP_VERSION, time: performance.now() };
    },

    async parseFile(name, bytes, parseOptions = {}) {
      const started = performance.now();
      const file = loadFile(name, bytes, parseOptions);
      const dto: ParsedFileDto = {
        name: file.name,
        format: file.format,
        segments: toSegments(file.data),
        warnings: file.warnings,
        parseMs: 0,
      };
      if (file.boards)
        dto.boards = file.boards.map((b) => ({ boardId: b.boardId, segments: toSegments(b.data) }));
      if (file.familyId !== undefined) dto.familyId = file.familyId;
      if (file.entry !== undefined) dto.entry = file.entry;
      dto.parseMs = performance.now() - started;
      return dto;
    },

    async saveFile(segments, format, saveOptions) {
      return saveFile(SparseData.from(segments), format, saveOptions);
    },

    async checksum(segments, algorithm, range, callOptions = {}) {
      return calls.run(callOptions.callId, async (signal) => {
        const data = SparseData.from(segments);
        const total = Math.max(0, range.end - range.start);
        const progress = new ProgressReporter(`Checksum ${algorithm}`, total, callOptions.onProgress);
        progress.start();
        const sum = createChecksum(algorithm);
        try {
          for (let at = range.start; at < range.end; at += CHECKSUM_CHUNK) {
            throwIfCancelled(signal);
            const length = Math.min(CHECKSUM_CHUNK, range.end - at);
            sum.update(data.read(at, length, range.fill ?? 0xff));
            progress.update(at + length - range.start);
            // Let a cancel message in between chunks.
            await new Promise((resolve) => setTimeout(resolve, 0));
          }
          const result = sum.digest();
          progress.finish();
          return result;
        } catch (error) {
          const e = toWebProgError(error);
          progress.fail(e.toRecord());
          throw e;
        }
      });
    },

    async cancel(callId) {
      calls.cancel(callId);
      await devices.cancel(callId);
    },

    listDevices: () => devices.listDevices(),
    connectDevice: (id, o) => devices.connectDevice(id, o),
    disconnectDevice: (id) => devices.disconnectDevice(id),
    backendCall: (id, op, args, o) => devices.backendCall(id, op, args, o),
    targetInfo: (id) => devices.targetInfo(id),
    programmerInfo: (id) => devices.programmerInfo(id),
    setPower: (id, setting) => devices.setPower(id, setting),
    debug: (id, request, o) => devices.debug(id, request, o),
    serialOpen: (id, o) => devices.serialOpen(id, o),
    serialWrite: (id, bytes) => devices.serialWrite(id, bytes),
    serialClose: (id) => devices.serialClose(id),

    async connectPort(port) {
      exposeDeviceOperations(devices, port);
    },

    async enableSimulation() {
      if (simulation) return;
      if (!options.loadSimulation)
        throw toWebProgError(new Error('Simulation is not available in this build.'), 'NOT_SUPPORTED');
      simulation = await options.loadSimulation();
    },

    async plugSimulated(kind, simOptions) {
      await service.enableSimulation();
      return simulation!.plug(kind, simOptions);
    },

    async unplugSimulated(deviceId) {
      simulation?.unplug(deviceId);
    },

    async simulateFault(deviceId, fault) {
      if (!simulation)
        throw new WebProgError('DEVICE_LOST', `No simulated device ${deviceId}: simulation is off.`);
      simulation.fault(deviceId, fault);
    },
  };
  return service;
}

function toSegments(data: SparseData): Segment[] {
  return data.segments().map((s) => ({ address: s.address, data: s.data }));
}
