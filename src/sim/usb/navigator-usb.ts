/**
 * A simulated `navigator.usb` for a window or a worker: `requestDevice` (filters and exclusion
 * filters as Chromium applies them; the chooser is programmable), `getDevices` (devices this
 * scope was granted and that are plugged in), and `connect`/`disconnect` events when a
 * simulated device is plugged or unplugged.
 */
import type { SimUsbDevice } from './sim-usb-device';
import { usbError } from './usb-errors';

/** Picks a device from the chooser's list; undefined = the user cancelled. */
export type DeviceChooser = (
  candidates: readonly USBDevice[],
) => USBDevice | undefined | Promise<USBDevice | undefined>;

/** Options for {@link installSimulatedUsb}. */
export interface SimulatedUsbOptions {
  /** The chooser (default: the first matching device). */
  choose?: DeviceChooser;
  /** Treat every device as already granted (e.g. in a worker, after the page's chooser ran). */
  grantAll?: boolean;
}

/** True if `device` matches `filter` (vendor, product, class at device or interface level, serial). */
export function matchesFilter(device: USBDevice, filter: USBDeviceFilter): boolean {
  if (filter.vendorId !== undefined && device.vendorId !== filter.vendorId) return false;
  if (filter.productId !== undefined && device.productId !== filter.productId) return false;
  if (filter.serialNumber !== undefined && device.serialNumber !== filter.serialNumber) return false;
  if (filter.classCode === undefined) return true;
  const classes = [
    { c: device.deviceClass, s: device.deviceSubclass, p: device.deviceProtocol },
    ...(device.configuration?.interfaces ?? []).map((i) => ({
      c: i.alternates[0].interfaceClass,
      s: i.alternates[0].interfaceSubclass,
      p: i.alternates[0].interfaceProtocol,
    })),
  ];
  return classes.some(
    (k) =>
      k.c === filter.classCode &&
      (filter.subclassCode === undefined || k.s === filter.subclassCode) &&
      (filter.protocolCode === undefined || k.p === filter.protocolCode),
  );
}

/** The simulated `USB` object. */
export class SimulatedUsb extends EventTarget {
  onconnect: ((this: SimulatedUsb, ev: Event) => unknown) | null = null;
  ondisconnect: ((this: SimulatedUsb, ev: Event) => unknown) | null = null;
  private readonly granted = new Set<SimUsbDevice>();
  private readonly devices: SimUsbDevice[] = [];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    devices: readonly SimUsbDevice[],
    private readonly options: SimulatedUsbOptions = {},
  ) {
    super();
    for (const device of devices) this.add(device);
  }

  /** Makes another simulated device known to this scope. */
  add(device: SimUsbDevice): void {
    if (this.devices.includes(device)) return;
    this.devices.push(device);
    if (this.options.grantAll) this.granted.add(device);
    this.unsubscribe.push(device.onPlugChange((type) => this.fire(type, device)));
  }

  /** Stops listening to the devices. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  async getDevices(): Promise<USBDevice[]> {
    return this.devices.filter((d) => d.plugged && this.granted.has(d));
  }

  async requestDevice(options?: USBDeviceRequestOptions): Promise<USBDevice> {
    if (options === undefined || !Array.isArray(options.filters)) {
      throw new TypeError("Failed to execute 'requestDevice' on 'USB': 1 argument required.");
    }
    const { filters, exclusionFilters = [] } = options;
    const candidates = this.devices.filter(
      (d) =>
        d.plugged &&
        (filters.length === 0 || filters.some((f) => matchesFilter(d, f))) &&
        !exclusionFilters.some((f) => matchesFilter(d, f)),
    );
    const chosen = await (this.options.choose ?? ((list) => list[0]))(candidates);
    const device = this.devices.find((d) => d === chosen);
    if (device === undefined) throw usbError('NotFoundError', 'No device selected.');
    this.granted.add(device);
    return device;
  }

  private fire(type: 'connect' | 'disconnect', device: SimUsbDevice): void {
    if (!this.granted.has(device)) return;
    const event = new Event(type);
    Object.defineProperty(event, 'device', { value: device, enumerable: true });
    this.dispatchEvent(event);
    const handler = type === 'connect' ? this.onconnect : this.ondisconnect;
    handler?.call(this, event);
  }
}

/** A scope with a navigator (a window, a worker global, or a plain object in tests). */
export interface NavigatorScope {
  navigator?: object;
}

/**
 * Installs a simulated `navigator.usb` into `scope` (replacing the real one), so code reaches
 * the simulated devices exactly as it reaches hardware. Returns the installed object.
 */
export function installSimulatedUsb(
  scope: NavigatorScope,
  devices: readonly SimUsbDevice[],
  options: SimulatedUsbOptions = {},
): SimulatedUsb {
  const usb = new SimulatedUsb(devices, options);
  if (scope.navigator === undefined) {
    Object.defineProperty(scope, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(scope.navigator, 'usb', { value: usb, configurable: true, enumerable: true });
  return usb;
}
