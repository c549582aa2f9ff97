/**
 * WebUSB in Node through the `usb` package's WebUSB implementation: the same `USBDevice`
 * interface dapjs's transport and our CMSIS-DAP backend use in the browser. The device manager
 * keeps only CMSIS-DAP probes (`isCmsisDap` in workers/device/devices.ts).
 */
import { WebProgError } from '../src/core/errors';

/** What `list` can tell when USB cannot be reached at all. */
export interface UsbAccess {
  /** WebUSB for the device manager. */
  usb: Pick<USB, 'getDevices'>;
  /** Why no device could be listed (no USB stack, no permission), when so. */
  problem(): string | undefined;
}

/** Loads the `usb` package; undefined when it cannot load here (no prebuilt binary for this platform). */
export async function nodeUsb(): Promise<UsbAccess | undefined> {
  let mod: typeof import('usb');
  try {
    mod = await import('usb');
  } catch {
    return undefined;
  }
  const webusb = new mod.WebUSB({ allowAllDevices: true });
  let problem: string | undefined;
  return {
    problem: () => problem,
    usb: {
      async getDevices() {
        try {
          const devices = (await webusb.getDevices()) as unknown as USBDevice[];
          problem = undefined;
          return devices;
        } catch (error) {
          problem = `USB devices cannot be listed here (${error instanceof Error ? error.message : String(error)}).`;
          return [];
        }
      },
    },
  };
}

/**
 * Plain advice for a probe that cannot be opened: on Linux the user needs a udev rule (the same
 * words as the app's device panel).
 */
export function usbAdvice(error: unknown): WebProgError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!/LIBUSB_ERROR_ACCESS|Access denied|EACCES/i.test(text)) return undefined;
  return new WebProgError(
    'DEVICE_BUSY',
    'The probe cannot be opened: your user may not open this USB device. On Linux add a udev rule, e.g. ' +
      '/etc/udev/rules.d/50-cmsis-dap.rules with SUBSYSTEM=="usb", ATTR{idVendor}=="0d28", ' +
      'ATTR{idProduct}=="0204", MODE="0666", then run "sudo udevadm control --reload-rules && ' +
      'sudo udevadm trigger" and plug the probe in again.',
    { cause: error },
  );
}
