/**
 * The page's side of device access. The choosers (`navigator.usb.requestDevice`,
 * `navigator.serial.requestPort`) need a click in the page, so they run here; the device
 * worker then finds the granted device with `getDevices()` / `getPorts()`. Plug events of
 * granted devices are forwarded so the device list can refresh.
 */

/** Operating systems whose device problems need their own advice. */
export type Platform = 'linux' | 'chromeos' | 'windows' | 'mac' | 'android' | 'other';

/** What the device panel needs from the browser. */
export interface DeviceBrowser {
  /** True when WebUSB exists here (Chrome, Edge, Opera on desktop and Android, in a secure context). */
  readonly hasUsb: boolean;
  /** True when Web Serial exists here (Chrome, Edge, Opera on desktop). */
  readonly hasSerial: boolean;
  /** The operating system, for advice such as the Linux udev rule. */
  readonly platform: Platform;
  /** Opens the WebUSB chooser for CMSIS-DAP probes; rejects with the browser's error (NotFoundError when cancelled). */
  requestUsbDevice(): Promise<void>;
  /** Opens the Web Serial chooser; rejects with the browser's error (NotFoundError when cancelled). */
  requestSerialPort(): Promise<void>;
  /** Calls `listener` when a granted device is plugged in or out; returns the unsubscribe function. */
  onDeviceChange(listener: () => void): () => void;
}

/**
 * USB vendors offered by the WebUSB chooser: Arm/DAPLink (micro:bit and most CMSIS-DAP
 * probes), Keil ULINK, SEGGER, Raspberry Pi Debug Probe. The worker accepts any device whose
 * product name says CMSIS-DAP.
 */
export const CMSIS_DAP_FILTERS: readonly USBDeviceFilter[] = [
  { vendorId: 0x0d28 },
  { vendorId: 0xc251 },
  { vendorId: 0x1366 },
  { vendorId: 0x2e8a },
];

/** The operating system named by a user agent string. */
export function platformOf(userAgent: string): Platform {
  if (/CrOS/.test(userAgent)) return 'chromeos';
  if (/Android/.test(userAgent)) return 'android';
  if (/Windows/.test(userAgent)) return 'windows';
  if (/Mac OS X|Macintosh/.test(userAgent)) return 'mac';
  if (/Linux|X11/.test(userAgent)) return 'linux';
  return 'other';
}

/** The real browser: `navigator.usb` and `navigator.serial` of the page, when they exist. */
export function browserDevices(nav: Navigator | undefined = globalThis.navigator): DeviceBrowser {
  const usb = nav && 'usb' in nav ? nav.usb : undefined;
  const serial = nav && 'serial' in nav ? nav.serial : undefined;
  return {
    hasUsb: usb !== undefined,
    hasSerial: serial !== undefined,
    platform: platformOf(nav?.userAgent ?? ''),
    async requestUsbDevice() {
      if (!usb) throw new DOMException('WebUSB is not available in this browser.', 'NotSupportedError');
      await usb.requestDevice({ filters: [...CMSIS_DAP_FILTERS] });
    },
    async requestSerialPort() {
      if (!serial)
        throw new DOMException('Web Serial is not available in this browser.', 'NotSupportedError');
      await serial.requestPort();
    },
    onDeviceChange(listener) {
      const targets = [usb, serial].filter((t): t is USB | Serial => t !== undefined);
      for (const t of targets) {
        t.addEventListener('connect', listener);
        t.addEventListener('disconnect', listener);
      }
      return () => {
        for (const t of targets) {
          t.removeEventListener('connect', listener);
          t.removeEventListener('disconnect', listener);
        }
      };
    },
  };
}
