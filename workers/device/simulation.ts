/**
 * Simulated devices as the device worker sees them: a `navigator.usb`-like source of simulated
 * probes, a `navigator.serial`-like source of simulated ESP boards, the virtual clock of each,
 * and plug/unplug. The implementation (`simulation-impl.ts`) is loaded lazily, only when
 * simulation is turned on, so the simulators are not part of the app's first load.
 */
import type { Clock } from '../../src/core/progress';
import type { SimulatedDeviceKind, SimulatedDeviceOptions, SimulatedFault } from './api';

/** The simulated devices of one device worker. */
export interface Simulation {
  /** The simulated WebUSB (getDevices lists plugged simulated probes). */
  usb: Pick<USB, 'getDevices'>;
  /** The simulated Web Serial (getPorts lists plugged simulated boards). */
  serial: Pick<Serial, 'getPorts'>;
  /** True for a simulated USB device or serial port. */
  isSimulated(device: USBDevice | SerialPort): boolean;
  /** Which backend a simulated serial port needs (undefined: decide by its USB ids). */
  serialKind?(port: SerialPort): 'esp' | 'ra' | 'rl78' | undefined;
  /** The virtual clock of a simulated device (modelled ms). */
  clockFor(device: USBDevice | SerialPort): Clock | undefined;
  /**
   * Plugs in a new simulated device and returns its device id (the first board of a family
   * loads that family's simulator module).
   */
  plug(kind: SimulatedDeviceKind, options?: SimulatedDeviceOptions): Promise<string>;
  /** Unplugs a simulated device. */
  unplug(deviceId: string): void;
  /** Arms a fault on a simulated probe (see {@link SimulatedFault}). */
  fault(deviceId: string, fault: SimulatedFault): void;
}
