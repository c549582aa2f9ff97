/**
 * Installs a simulated `navigator.serial` into a window or worker scope: `requestPort()`
 * picks a plugged-in simulated port matching the filters (a stand-in for Chrome's chooser),
 * `getPorts()` lists the ports granted so far, and `connect`/`disconnect` events from the
 * ports reach `navigator.serial` as in Chrome (the port's event bubbles to it). When a known
 * port's device re-enumerates (a native USB-OTG port after a chip reset), the new port is added
 * too, granted if the old one was: Chrome lets a page reach a device the user already chose
 * again after it re-enumerates with the same USB ids (esp-web-tools #515 relies on this).
 */
import { PORT_REPLACED, SimPortReplacedEvent } from './serial-port';
import type { SimSerialPort } from './serial-port';

/** Options of {@link installSimulatedSerial}. */
export interface InstallSerialOptions {
  /**
   * Plays the user in Chrome's port chooser: gets the matching ports and returns the chosen
   * one, or null for "Cancel". Default: the first matching port.
   */
  choose?: (ports: readonly SimSerialPort[]) => SimSerialPort | null;
  /** Ports the user granted in an earlier visit (returned by `getPorts()` at once). */
  granted?: readonly SimSerialPort[];
}

/** A scope with a navigator, such as `window`, `self` in a worker, or `globalThis` in Node. */
export interface SerialScope {
  navigator?: object;
}

/** The simulated `navigator.serial`. */
export class SimulatedSerial extends EventTarget implements Serial {
  /** Handler property for `connect` events. */
  onconnect: ((this: Serial, ev: Event) => void) | null = null;
  /** Handler property for `disconnect` events. */
  ondisconnect: ((this: Serial, ev: Event) => void) | null = null;
  private readonly ports: SimSerialPort[] = [];
  private readonly granted = new Set<SimSerialPort>();
  private readonly choose: (ports: readonly SimSerialPort[]) => SimSerialPort | null;

  constructor(ports: readonly SimSerialPort[], options: InstallSerialOptions = {}) {
    super();
    this.choose = options.choose ?? ((candidates) => candidates[0] ?? null);
    for (const port of options.granted ?? []) this.granted.add(port);
    for (const port of ports) this.addPort(port);
  }

  /**
   * Makes another simulated port available (as if a new device were attached), and follows it
   * when its device re-enumerates: the new port is added (granted if this one was).
   */
  addPort(port: SimSerialPort): void {
    if (this.ports.includes(port)) return;
    this.ports.push(port);
    port.addEventListener(PORT_REPLACED, (event) => {
      if (!(event instanceof SimPortReplacedEvent)) return;
      if (this.granted.has(port)) this.granted.add(event.successor);
      this.addPort(event.successor);
    });
    for (const type of ['connect', 'disconnect'] as const) {
      port.addEventListener(type, () => {
        if (!this.granted.has(port)) return;
        const event = new Event(type, { bubbles: true });
        const handler = type === 'connect' ? this.onconnect : this.ondisconnect;
        handler?.call(this, event);
        this.dispatchEvent(event);
      });
    }
  }

  async getPorts(): Promise<SerialPort[]> {
    return this.ports.filter((p) => this.granted.has(p) && p.connected);
  }

  async requestPort(options: SerialPortRequestOptions = {}): Promise<SerialPort> {
    const filters = options.filters ?? [];
    const candidates = this.ports.filter((port) => {
      if (!port.connected) return false;
      if (filters.length === 0) return true;
      const info = port.getInfo();
      return filters.some(
        (f) =>
          (f.usbVendorId === undefined || f.usbVendorId === info.usbVendorId) &&
          (f.usbProductId === undefined || f.usbProductId === info.usbProductId),
      );
    });
    const chosen = this.choose(candidates);
    if (chosen === null || !candidates.includes(chosen)) {
      throw new DOMException('No port selected by the user.', 'NotFoundError');
    }
    this.granted.add(chosen);
    return chosen;
  }
}

/**
 * Replaces `scope.navigator.serial` with a {@link SimulatedSerial} offering `ports`
 * (creating `scope.navigator` if the scope has none, as in Node 20). Returns the installed
 * object and a function that restores the previous state.
 */
export function installSimulatedSerial(
  scope: SerialScope,
  ports: readonly SimSerialPort[],
  options: InstallSerialOptions = {},
): { serial: SimulatedSerial; uninstall: () => void } {
  const serial = new SimulatedSerial(ports, options);
  const hadNavigator = scope.navigator !== undefined;
  if (!hadNavigator) {
    Object.defineProperty(scope, 'navigator', { value: {}, configurable: true, writable: true });
  }
  const navigator = scope.navigator as object;
  const previous = Object.getOwnPropertyDescriptor(navigator, 'serial');
  Object.defineProperty(navigator, 'serial', { value: serial, configurable: true, enumerable: true });
  const uninstall = (): void => {
    if (previous) Object.defineProperty(navigator, 'serial', previous);
    else delete (navigator as { serial?: unknown }).serial;
    if (!hadNavigator) delete (scope as { navigator?: unknown }).navigator;
  };
  return { serial, uninstall };
}
