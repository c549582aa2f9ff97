/**
 * Choosing the device a command works on: `--probe` matches a device id, a USB serial number
 * (or its start), `VID:PID`, or a micro:bit's friendly name; `--port` a serial port path. With
 * neither, the one device present is taken; several need a choice.
 */
import type { DeviceSummary } from '../workers/device/device-api';
import { CliError } from './cli-error';
import type { Host } from './host';

/** What the person asked for. */
export interface DeviceChoice {
  /** `--probe` values. */
  probes: string[];
  /** `--port` value. */
  port?: string;
}

/** True when `device` is the one `wanted` names. */
export function matchesProbe(device: DeviceSummary, wanted: string): boolean {
  const w = wanted.toLowerCase();
  const [, vid, pid] = device.id.split(':');
  return (
    device.id.toLowerCase() === w ||
    (device.serial !== '' && device.serial.toLowerCase().startsWith(w)) ||
    `${vid}:${pid}` === w ||
    device.microbit?.name.toLowerCase() === w
  );
}

/** A line describing a device for lists and messages. */
export function describeDevice(device: DeviceSummary): string {
  const parts = [device.id, device.name];
  if (device.microbit) parts.push(`micro:bit ${device.microbit.version} "${device.microbit.name}"`);
  if (device.simulated) parts.push('simulated');
  return parts.join('  ');
}

/** The devices the choice names (all of them with no choice). */
export async function chosenDevices(host: Host, choice: DeviceChoice): Promise<DeviceSummary[]> {
  const devices = await host.device.listDevices();
  if (choice.port !== undefined) {
    const id = await host.portId(choice.port);
    const device = devices.find((d) => d.id === id);
    if (!device) throw new CliError('NO_DEVICE', `No serial board at ${choice.port}.`);
    return [device];
  }
  if (choice.probes.length === 0) return devices;
  return choice.probes.map((wanted) => {
    const found = devices.filter((d) => matchesProbe(d, wanted));
    if (found.length === 0) {
      const known = devices.map(describeDevice).join('\n  ') || '(none)';
      throw new CliError('NO_DEVICE', `No device matches "${wanted}". Devices:\n  ${known}`);
    }
    if (found.length > 1) {
      throw new CliError(
        'USAGE',
        `"${wanted}" matches ${found.length} devices; give more of the serial number.`,
      );
    }
    return found[0];
  });
}

/** The one device a single-device command works on. */
export async function oneDevice(host: Host, choice: DeviceChoice): Promise<DeviceSummary> {
  const devices = await chosenDevices(host, choice);
  if (devices.length === 0) {
    const problem = host.usbProblem();
    throw new CliError(
      'NO_DEVICE',
      `No probe or board found. Plug one in (or try --sim microbit-v2).${problem ? ` ${problem}` : ''}`,
    );
  }
  if (devices.length > 1) {
    throw new CliError(
      'USAGE',
      `Several devices are present; choose one with --probe or --port:\n  ${devices.map(describeDevice).join('\n  ')}`,
    );
  }
  return devices[0];
}
