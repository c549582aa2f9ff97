/**
 * The engine in Node: the device worker's own service (`createDeviceService`) with the backend
 * registry the browser uses, over the `usb` package's WebUSB and `serialport` (or over the
 * simulated boards of the app's `?sim` with `--sim`), and the Lua service for `run`. Nothing
 * of the engine is copied here: the CLI only chooses where devices come from.
 */
import type { DeviceWorkerApi, SimulatedDeviceKind, SimulatedFault } from '../workers/device/api';
import { backendFactories } from '../workers/device/backend-registry';
import { serialPortId } from '../workers/device/devices';
import { createDeviceService } from '../workers/device/service';
import { packageScripts } from './node-scripts';
import { WebProgError } from '../src/core/errors';
import type { UserTarget } from '../src/core/user-targets';
import { nodeSerial, type NodeSerial } from './node-serial';
import { nodeUsb, type UsbAccess } from './node-usb';

/** Every simulated board `--sim` accepts (the app's `?sim` chooser offers the same). */
export const SIM_BOARDS: readonly SimulatedDeviceKind[] = [
  'microbit-v1',
  'microbit-v2',
  'stm32f411',
  'nrf52840-dk',
  'bluepill',
  'stm32g071',
  'arduino-zero',
  'esp32',
  'esp32s3',
  'esp32c3',
  'esp32s3-usb',
  'ra4m1',
  'ra4m1-uart',
  'uno-r4-wifi',
  'ra4m2',
];

/** What the CLI runs against. */
export interface Host {
  /** The device service, as the page's device worker offers it. */
  device: DeviceWorkerApi;
  /** Why USB devices could not be listed, when so (real devices only). */
  usbProblem(): string | undefined;
  /** The device id of the serial port at `path` (real devices only). */
  portId(path: string): Promise<string | undefined>;
}

/** Options of {@link createHost}. */
export interface HostOptions {
  /** Simulated boards to plug in instead of reaching real devices. */
  sim: SimulatedDeviceKind[];
  /** Simulated timing: 'realistic' (USB latency, flash busy time) or 'zero'. */
  simLatency: 'realistic' | 'zero';
  /** A fault armed on the first simulated probe (demos and tests of failure handling). */
  simFault?: SimulatedFault;
  /** Chip support loaded with `--target` (device scripts tried first, CMSIS targets by name). */
  targets?: UserTarget[];
}

/** Builds the engine: real devices, or the simulated boards asked for. */
export async function createHost(options: HostOptions): Promise<Host> {
  const simulated = options.sim.length > 0;
  const usb: UsbAccess | undefined = simulated ? undefined : await nodeUsb();
  const serial: NodeSerial | undefined = simulated ? undefined : await nodeSerial();
  const targets = options.targets ?? [];
  // The target-file parsers (yaml, fast-xml-parser, fflate) load only when --target gives one.
  const userTargets =
    targets.length === 0
      ? undefined
      : new (await import('../workers/device/cmsis-dap/user-targets')).UserTargetRegistry();
  const skipped = userTargets?.set(targets).skipped ?? [];
  if (skipped.length > 0)
    throw new WebProgError('FORMAT_INVALID', `${skipped[0].name}: ${skipped[0].reason}`);
  const device = createDeviceService({
    sources: {
      usb: usb?.usb,
      serial,
      ...backendFactories({
        scripts: userTargets?.scriptsWith(packageScripts) ?? packageScripts,
        cmsisTargets: userTargets?.cmsisTargets,
      }),
    },
    userTargets,
    loadSimulation: () => import('../workers/device/simulation-impl').then((m) => m.createSimulation()),
  });
  let number = 0;
  for (const kind of options.sim) {
    number++;
    // Each board its own FICR device id: its own serial number and micro:bit friendly name.
    const id = await device.plugSimulated(kind, {
      latency: options.simLatency,
      deviceId: 0x5eed0000 + number,
    });
    if (number === 1 && options.simFault) await device.simulateFault(id, options.simFault);
  }
  return {
    device,
    usbProblem: () => usb?.problem() ?? (simulated ? undefined : 'The usb package could not be loaded here.'),
    async portId(path) {
      const port = (await serial?.getPorts())?.find(
        (p) => (p as unknown as { info: { path: string } }).info.path === path,
      );
      return port ? serialPortId(port) : undefined;
    },
  };
}
