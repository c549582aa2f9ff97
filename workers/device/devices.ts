/**
 * The device worker's devices: the USB devices and serial ports granted to the page (seen from
 * the worker through `navigator.usb.getDevices()` / `navigator.serial.getPorts()`), each with
 * its backend and its own operation queue, so one operation runs at a time per device while
 * several devices work in parallel.
 */
import { isUnoR4WifiInfo } from './ra/ra-entry';
import { isRaByIds, transportOf } from './ra/ra-session';
import { WebProgError, throwIfCancelled } from '../../src/core/errors';
import { FICR_DEVICEID1, microbitFriendlyName, microbitFromSerial } from '../../src/core/microbit/board';
import { wallClock, type Clock } from '../../src/core/progress';
import type { Backend, OperationContext } from './backend';
import { CancelRegistry } from '../shared/cancellation';
import type {
  BackendCallArgs,
  BackendCallOptions,
  BackendCallResult,
  BackendOperation,
  DeviceConnection,
  DeviceOperationsApi,
  DeviceSummary,
  SerialState,
} from './device-api';
import type { DebugRequest, DebugResult } from './debug-api';
import { DebugWriteGate } from './debug-write-gate';
import { imageFromDto, imageToDto } from './image-dto';
import { OperationQueue, withTimeout } from './op-queue';
import { ProbeSerial } from './probe-serial';

/**
 * Creates the backend for a USB device (a CMSIS-DAP probe). `clock` is the device's own clock
 * when it has one (a simulated probe's modeled time): the backend measures its deadlines (a
 * device script entry's time limit) on it, so a simulation on a busy machine does not time out.
 */
export type UsbBackendFactory = (device: USBDevice, clock?: Clock) => Backend;

/**
 * Creates the backend for a serial port (an ESP board). `getPorts` lists the ports granted now,
 * from the same source as the device list (simulated ones with `?sim`), so the backend can find
 * a native-USB board's new port after a reset.
 */
export type SerialBackendFactory = (
  port: SerialPort,
  getPorts: () => Promise<SerialPort[]>,
  kind: SerialDeviceKind,
) => Backend;

/** Which backend a serial port needs: an ESP board, a Renesas RA chip in boot mode, or an RL78 on a USB-UART. */
export type SerialDeviceKind = 'esp' | 'ra' | 'rl78';

/** Where devices come from (the worker's navigator, or a test double). */
export interface DeviceSources {
  /** WebUSB in this scope, if any. */
  usb?: Pick<USB, 'getDevices'>;
  /** Web Serial in this scope, if any. */
  serial?: Pick<Serial, 'getPorts'>;
  /** Makes a backend for a CMSIS-DAP probe. */
  usbBackend: UsbBackendFactory;
  /** Makes a backend for an ESP board. */
  serialBackend?: SerialBackendFactory;
  /**
   * Which backend a serial port needs when its USB ids cannot tell (a USB-UART wired to an RA
   * chip, or one the person marked as an RL78 cable); by default the Renesas boot CDC ids and the Arduino Uno R4 WiFi's bridge (2341:1002) mean 'ra', anything else 'esp'.
   */
  serialKind?: (port: SerialPort) => SerialDeviceKind | undefined;
  /** True for devices that are simulated. */
  isSimulated?: (device: USBDevice | SerialPort) => boolean;
  /** The clock an operation's elapsed time is measured on (a simulator's virtual clock). */
  clockFor?: (device: USBDevice | SerialPort) => Clock | undefined;
}

interface Entry {
  id: string;
  device: USBDevice | SerialPort;
  /** Made on first use. */
  backend?: Backend;
  queue: OperationQueue;
  /** The hardware-write gate of its debug requests (remembers registers a script set). */
  debugGate?: DebugWriteGate;
}

interface ReadyEntry extends Entry {
  backend: Backend;
}

const portIds = new WeakMap<SerialPort, string>();
let nextPortNumber = 1;

/** Stable id of a serial port within a session (ports have no serial numbers). */
export function serialPortId(port: SerialPort): string {
  let id = portIds.get(port);
  if (!id) {
    const info = port.getInfo();
    const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    id = `serial:${hex4(info.usbVendorId)}:${hex4(info.usbProductId)}:${nextPortNumber++}`;
    portIds.set(port, id);
  }
  return id;
}

/** Names of USB-serial bridges and ESP native USB, by vendor id. */
const SERIAL_BRIDGES: Record<number, string> = {
  0x10c4: 'Silicon Labs CP210x USB-UART',
  0x1a86: 'WCH CH340 USB-UART',
  0x0403: 'FTDI USB-UART',
  0x303a: 'Espressif native USB',
};

/** The name of a serial port's USB device: the bridge, or which of an ESP chip's own USB ports. */
function serialPortName(info: SerialPortInfo): string {
  if (info.usbVendorId === 0x303a && info.usbProductId === 0x1001) return 'Espressif USB-Serial/JTAG';
  if (isUnoR4WifiInfo(info)) return 'Arduino Uno R4 WiFi';
  return SERIAL_BRIDGES[info.usbVendorId ?? -1] ?? 'Serial port';
}

/** USB vendor ids of CMSIS-DAP probes we recognise without opening them. */
const DAP_VENDORS = new Set([0x0d28, 0xc251, 0x1366]);

/** True for USB devices that look like CMSIS-DAP probes. */
export function isCmsisDap(device: USBDevice): boolean {
  return DAP_VENDORS.has(device.vendorId) || /CMSIS-DAP/i.test(device.productName ?? '');
}

function isUsbDevice(device: USBDevice | SerialPort): device is USBDevice {
  return 'vendorId' in device;
}

/** Stable id of a USB device within a session. */
export function usbDeviceId(device: USBDevice): string {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  return `usb:${hex4(device.vendorId)}:${hex4(device.productId)}:${device.serialNumber ?? ''}`;
}

/** Implements {@link DeviceOperationsApi} over the devices of a scope. */
export class DeviceManager implements DeviceOperationsApi {
  private readonly entries = new Map<string, Entry>();
  private readonly calls = new CancelRegistry();
  private readonly consoles = new Map<string, ProbeSerial>();

  constructor(private readonly sources: DeviceSources) {}

  async listDevices(): Promise<DeviceSummary[]> {
    this.followMovedPorts();
    const devices = (await this.sources.usb?.getDevices()) ?? [];
    const seen = new Set<string>();
    const out: DeviceSummary[] = [];
    for (const device of devices.filter(isCmsisDap)) {
      const id = usbDeviceId(device);
      seen.add(id);
      const entry = this.entryFor(id, device);
      out.push({
        id,
        type: 'cmsis-dap',
        name: device.productName ?? 'CMSIS-DAP probe',
        serial: device.serialNumber ?? '',
        simulated: this.sources.isSimulated?.(device) ?? false,
        microbit: microbitFromSerial(device.serialNumber ?? undefined),
        connected: entry.backend?.isConnected() ?? false,
      });
    }
    for (const port of (await this.sources.serial?.getPorts()) ?? []) {
      const id = serialPortId(port);
      seen.add(id);
      const entry = this.entryFor(id, port);
      const info = port.getInfo();
      const kind = this.serialKindOf(port);
      out.push({
        id,
        type: kind,
        name: kind === 'ra' && transportOf(port) === 'usb' ? 'Renesas RA USB boot' : serialPortName(info),
        serial: '',
        simulated: this.sources.isSimulated?.(port) ?? false,
        connected: entry.backend?.isConnected() ?? false,
      });
    }
    // Forget devices that were unplugged.
    for (const id of [...this.entries.keys()]) if (!seen.has(id)) this.entries.delete(id);
    return out;
  }

  async connectDevice(deviceId: string, options: BackendCallOptions = {}): Promise<DeviceConnection> {
    const entry = await this.find(deviceId);
    return this.queued(entry, options, 'connect()', async (s) => {
      const result = await entry.backend.connect(this.context(entry, options, s));
      const connection: DeviceConnection = { ...result, programmer: entry.backend.programmerInfo() };
      const friendlyName = await this.friendlyName(entry);
      if (friendlyName !== undefined) connection.friendlyName = friendlyName;
      return connection;
    });
  }

  /**
   * A micro:bit's friendly name, from FICR DEVICEID[1] read over SWD; undefined for other
   * boards, for backends that cannot read memory, and when the read fails (the name is a
   * convenience, never a reason to fail a connect).
   */
  private async friendlyName(entry: ReadyEntry): Promise<string | undefined> {
    const serial = isUsbDevice(entry.device) ? (entry.device.serialNumber ?? undefined) : undefined;
    if (!microbitFromSerial(serial) || !entry.backend.readMemory) return undefined;
    try {
      const bytes = await entry.backend.readMemory(FICR_DEVICEID1, 4);
      const word = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
      return microbitFriendlyName(word);
    } catch {
      return undefined;
    }
  }

  async disconnectDevice(deviceId: string): Promise<void> {
    const entry = this.entries.get(deviceId);
    const backend = entry?.backend;
    if (entry && backend) await entry.queue.run(() => backend.disconnect());
  }

  async backendCall(
    deviceId: string,
    operation: BackendOperation,
    args: BackendCallArgs,
    options: BackendCallOptions = {},
  ): Promise<BackendCallResult> {
    const entry = await this.find(deviceId);
    return this.queued(entry, options, `${operation}()`, async (s) => {
      const clock = this.sources.clockFor?.(entry.device) ?? wallClock;
      const started = clock();
      const result = await this.dispatch(entry.backend, operation, args, this.context(entry, options, s));
      return { ...result, elapsedMs: clock() - started };
    });
  }

  async targetInfo(deviceId: string) {
    return (await this.find(deviceId)).backend.targetInfo();
  }

  async programmerInfo(deviceId: string) {
    return (await this.find(deviceId)).backend.programmerInfo();
  }

  async setPower(deviceId: string, setting: Parameters<Backend['setPower']>[0]): Promise<void> {
    const entry = await this.find(deviceId);
    await entry.queue.run(() => entry.backend.setPower(setting));
  }

  async debug(
    deviceId: string,
    request: DebugRequest,
    options: BackendCallOptions = {},
  ): Promise<DebugResult> {
    const entry = await this.find(deviceId);
    const backend = entry.backend;
    if (!backend.debug)
      throw new WebProgError('NOT_SUPPORTED', `Not Supported: ${backend.type} devices have no debug access.`);
    // The hardware-write gate at the worker's edge, whatever the backend (which checks again),
    // checked in the device's queue so it sees the requests before this one carried out.
    const gate = (entry.debugGate ??= new DebugWriteGate());
    return this.queued(entry, options, `debug ${request.op}`, async (s) => {
      gate.check(request, options.allowWrites);
      const result = await backend.debug!(request, this.context(entry, options, s));
      gate.done(request);
      return result;
    });
  }

  async serialOpen(
    deviceId: string,
    options: {
      baud: number;
      onData: (bytes: Uint8Array) => void;
      onState?: (state: SerialState, message?: string) => void;
    },
  ): Promise<void> {
    await this.serialClose(deviceId);
    const console = new ProbeSerial(async () => {
      const entry = await this.find(deviceId);
      if (!entry.backend.uart) {
        throw new WebProgError(
          'NOT_SUPPORTED',
          `Not Supported: ${entry.backend.type} devices have no serial bridge in the probe.`,
        );
      }
      return { uart: entry.backend.uart(), queue: entry.queue };
    }, options);
    await console.start();
    this.consoles.set(deviceId, console);
  }

  async serialWrite(deviceId: string, bytes: Uint8Array): Promise<void> {
    const console = this.consoles.get(deviceId);
    if (!console) throw new WebProgError('NOT_CONNECTED', 'The serial console is not open.');
    await console.write(bytes);
  }

  async serialClose(deviceId: string): Promise<void> {
    const console = this.consoles.get(deviceId);
    this.consoles.delete(deviceId);
    await console?.stop();
  }

  /**
   * Runs `work` on the backend of `deviceId` in the device's queue, for calls only one kind of
   * backend has (RL78 security).
   */
  async withBackend<T>(
    deviceId: string,
    what: string,
    options: BackendCallOptions,
    work: (backend: Backend, ctx: OperationContext) => Promise<T>,
  ): Promise<T> {
    const entry = await this.find(deviceId);
    return this.queued(entry, options, what, (s) => work(entry.backend, this.context(entry, options, s)));
  }

  /**
   * Forgets the backend of serial device `deviceId` (unless `keep` says it stays) so its next
   * use makes one of the kind the port now leads to (a USB-UART said to be an RL78 cable);
   * returns the port. Refused while a backend to forget is connected.
   */
  async renewSerialBackend(deviceId: string, keep?: (backend: Backend) => boolean): Promise<SerialPort> {
    if (!this.entries.has(deviceId)) await this.listDevices();
    const entry = this.entries.get(deviceId);
    if (!entry || isUsbDevice(entry.device)) {
      throw new WebProgError('DEVICE_LOST', `${deviceId} is not a serial port this page can use.`);
    }
    const port = entry.device;
    await entry.queue.run(async () => {
      if (!entry.backend || keep?.(entry.backend)) return;
      if (entry.backend.isConnected()) {
        throw new WebProgError('DEVICE_BUSY', 'Disconnect first: the port is in use by a connected device.');
      }
      entry.backend = undefined;
    });
    return port;
  }

  async cancel(callId: number): Promise<void> {
    this.calls.cancel(callId);
  }

  /**
   * Runs `operation` in the device's queue. The call id is registered before queueing, so a
   * cancel that arrives while the call still waits behind another one is not lost.
   */
  private async queued<T>(
    entry: ReadyEntry,
    options: BackendCallOptions,
    what: string,
    operation: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = this.calls.begin(options.callId);
    try {
      return await entry.queue.run(() => {
        throwIfCancelled(signal);
        return withTimeout(what, options.timeoutMs, signal, operation);
      });
    } finally {
      this.calls.end(options.callId);
    }
  }

  private context(entry: Entry, options: BackendCallOptions, signal: AbortSignal): OperationContext {
    return {
      allowWrites: options.allowWrites,
      signal,
      onProgress: options.onProgress,
      confirm: options.confirm,
      clock: this.sources.clockFor?.(entry.device),
      ...(options.chip !== undefined ? { chip: options.chip } : {}),
      ...(options.idCode !== undefined ? { idCode: options.idCode } : {}),
    };
  }

  private async dispatch(
    backend: Backend,
    operation: BackendOperation,
    args: BackendCallArgs,
    ctx: OperationContext,
  ): Promise<Omit<BackendCallResult, 'elapsedMs'>> {
    const image = () => {
      if (!args.image) throw new WebProgError('INVALID_ARGUMENT', `${operation}() needs the buffer.`);
      return imageFromDto(args.image);
    };
    const range = (): [number, number] => {
      if (args.address === undefined || args.size === undefined) {
        throw new WebProgError('INVALID_ARGUMENT', `${operation}(addr, size) needs an address and a size.`);
      }
      return [args.address, args.size];
    };
    switch (operation) {
      case 'read': {
        const img = image();
        await backend.read(img, ctx);
        return { image: imageToDto(img) };
      }
      case 'write':
        return { report: await backend.write(image(), ctx) };
      case 'write_no_blank':
        return { report: await backend.writeNoBlank(image(), ctx) };
      case 'verify':
        await backend.verify(image(), ctx);
        return {};
      case 'erase':
        return { report: await backend.erase(ctx) };
      case 'erase_blocks':
        return { report: await backend.eraseBlocks(ctx, args.region) };
      case 'blank_check':
        await backend.blankCheck(ctx, args.region);
        return {};
      case 'flash':
        return { report: await backend.flash(image(), ctx, { fullWhenDiffers: args.fullWhenDiffers }) };
      case 'read_checksums':
        return { checksums: await backend.readChecksums(ctx) };
      case 'read_segment': {
        const img = image();
        await backend.readSegment(img, ...range(), ctx);
        return { image: imageToDto(img) };
      }
      case 'verify_segment':
        await backend.verifySegment(image(), ...range(), ctx);
        return {};
      case 'write_segment':
        return { report: await backend.writeSegment(image(), ...range(), ctx) };
      case 'erase_segment':
        return { report: await backend.eraseSegment(...range(), ctx) };
      case 'unlock':
        if (!backend.unlock)
          throw new WebProgError(
            'NOT_SUPPORTED',
            `Not Supported: ${backend.type} devices cannot be unlocked.`,
          );
        await backend.unlock(ctx);
        return {};
      default:
        throw new WebProgError('NOT_SUPPORTED', `Not Supported: unknown operation ${String(operation)}.`);
    }
  }

  /**
   * A board on native USB is a new port object after it resets, and its backend moves to it:
   * the new port takes over the device's id, so the app's device and its session carry on.
   */
  private followMovedPorts(): void {
    for (const entry of this.entries.values()) {
      const moved = entry.backend?.serialPort;
      if (!moved || moved === entry.device || isUsbDevice(entry.device)) continue;
      portIds.set(moved, entry.id);
      entry.device = moved;
    }
  }

  private entryFor(id: string, device: USBDevice | SerialPort): Entry {
    let entry = this.entries.get(id);
    if (!entry || entry.device !== device) {
      entry = { id, device, queue: new OperationQueue() };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private serialBackend(port: SerialPort): Backend {
    if (!this.sources.serialBackend) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        'Not Supported: this build cannot flash boards over Web Serial.',
      );
    }
    return this.sources.serialBackend(
      port,
      async () => (await this.sources.serial?.getPorts()) ?? [],
      this.serialKindOf(port),
    );
  }

  private serialKindOf(port: SerialPort): SerialDeviceKind {
    return this.sources.serialKind?.(port) ?? (isRaByIds(port) ? 'ra' : 'esp');
  }

  private async find(deviceId: string): Promise<ReadyEntry> {
    if (!this.entries.has(deviceId)) await this.listDevices();
    const entry = this.entries.get(deviceId);
    if (!entry) {
      throw new WebProgError(
        'DEVICE_LOST',
        `The device ${deviceId} is not plugged in (or this page may no longer use it).`,
      );
    }
    entry.backend ??= isUsbDevice(entry.device)
      ? this.sources.usbBackend(entry.device, this.sources.clockFor?.(entry.device))
      : this.serialBackend(entry.device);
    return entry as ReadyEntry;
  }
}
