/**
 * A simulated DAPLink probe as a WebUSB `USBDevice`: descriptors, open/claim/close rules and
 * the errors Chromium raises, bulk transfers on the CMSIS-DAP v2 interface and HID reports
 * over EP0 control transfers (SET_REPORT 0x09 / GET_REPORT 0x01) for firmware without bulk,
 * so dapjs's own `WebUSB` transport talks to it unchanged. Can be unplugged and plugged.
 */
import type { VirtualClock } from '../clock';
import type { DapFirmware } from '../cmsis-dap/dap-firmware';
import { CommandPipe } from './command-pipe';
import { buildConfiguration, PROTECTED_CLASSES, type InterfaceSpec } from './descriptors';
import { disconnectedError, notOpenError, transferError, usbError } from './usb-errors';

/** The identity a USB device shows before it is opened. */
export interface UsbIdentity {
  vendorId: number;
  productId: number;
  manufacturerName: string;
  productName: string;
  serialNumber: string;
  /** bcdDevice as [major, minor, subminor]. */
  deviceVersion: [number, number, number];
}

/** Options for {@link SimUsbDevice}. */
export interface SimUsbDeviceOptions {
  identity: UsbIdentity;
  interfaces: InterfaceSpec[];
  firmware: DapFirmware;
  clock: VirtualClock;
  /** Lets target time pass while the probe is idle. */
  idle: (us: number) => void;
  usbRoundTripUs: number;
  paceWallClock?: boolean;
}

const SET_REPORT = 0x09;
const GET_REPORT = 0x01;

/** USB-level fault switches and counters. */
export interface UsbFaultState {
  /** Unplug when the transfer counter reaches this value (that transfer fails). */
  unplugAtTransfer: number | undefined;
  /** claimInterface fails as if another program held the device. */
  claimedElsewhere: boolean;
}

/** The simulated device. */
export class SimUsbDevice implements USBDevice {
  readonly usbVersionMajor = 2;
  readonly usbVersionMinor = 1;
  readonly usbVersionSubminor = 0;
  readonly deviceClass = 0xef;
  readonly deviceSubclass = 0x02;
  readonly deviceProtocol = 0x01;
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceVersionMajor: number;
  readonly deviceVersionMinor: number;
  readonly deviceVersionSubminor: number;
  readonly manufacturerName: string;
  readonly productName: string;
  readonly serialNumber: string;
  readonly configuration: USBConfiguration;
  readonly configurations: USBConfiguration[];
  opened = false;
  /** USB transfers attempted (OUT, IN and control). */
  usbTransfers = 0;
  /** True while the device is connected. */
  plugged = true;
  readonly faults: UsbFaultState = { unplugAtTransfer: undefined, claimedElsewhere: false };
  private readonly claimed = new Set<number>();
  private pipe: CommandPipe | undefined;
  private leftovers: Uint8Array[] = [];
  private readonly listeners = new Set<(event: 'connect' | 'disconnect') => void>();

  constructor(private readonly options: SimUsbDeviceOptions) {
    const id = options.identity;
    this.vendorId = id.vendorId;
    this.productId = id.productId;
    [this.deviceVersionMajor, this.deviceVersionMinor, this.deviceVersionSubminor] = id.deviceVersion;
    this.manufacturerName = id.manufacturerName;
    this.productName = id.productName;
    this.serialNumber = id.serialNumber;
    this.configuration = buildConfiguration(options.interfaces, (n) => this.claimed.has(n));
    this.configurations = [this.configuration];
  }

  /** Subscribes to plug events (used by the simulated `navigator.usb`). */
  onPlugChange(listener: (event: 'connect' | 'disconnect') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pulls the cable: open sessions end and every transfer fails. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.endSession(transferError());
    for (const listener of [...this.listeners]) listener('disconnect');
  }

  /** Plugs the cable back in (the target keeps its state; the probe starts afresh). */
  plug(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.leftovers = [];
    for (const listener of [...this.listeners]) listener('connect');
  }

  /** Inserts a stale response into the open session's pipe (DAPLink's "one off" failure). */
  injectStaleResponse(): void {
    this.pipe?.injectStaleResponse();
  }

  async open(): Promise<void> {
    if (!this.plugged) throw disconnectedError();
    if (this.opened) return;
    this.opened = true;
    const o = this.options;
    const firmware = o.firmware;
    this.pipe = new CommandPipe(
      {
        firmware,
        clock: o.clock,
        idle: o.idle,
        usbRoundTripUs: o.usbRoundTripUs,
        packetCount: firmware.identity.packetCount,
        packetSize: firmware.identity.packetSize,
        paceWallClock: o.paceWallClock,
      },
      this.leftovers,
    );
    this.leftovers = [];
  }

  async close(): Promise<void> {
    if (!this.plugged) throw disconnectedError();
    if (!this.opened) return;
    this.endSession(usbError('AbortError', 'The transfer was cancelled.'));
  }

  async forget(): Promise<void> {
    if (this.opened && this.plugged) await this.close();
  }

  async selectConfiguration(configurationValue: number): Promise<void> {
    this.checkOpen();
    if (configurationValue !== 1)
      throw usbError('NotFoundError', 'The configuration value provided is not supported by the device.');
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.checkOpen();
    const spec = this.options.interfaces[interfaceNumber];
    if (spec === undefined)
      throw usbError(
        'NotFoundError',
        'The interface number provided is not supported by the device in its current configuration.',
      );
    if (PROTECTED_CLASSES.has(spec.interfaceClass))
      throw usbError('SecurityError', 'The requested interface implements a protected class.');
    if (this.faults.claimedElsewhere) throw usbError('NetworkError', 'Unable to claim interface.');
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.checkOpen();
    this.claimed.delete(interfaceNumber);
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.checkOpen();
    if (!this.claimed.has(interfaceNumber))
      throw usbError('InvalidStateError', 'The interface is not claimed.');
    if (alternateSetting !== 0)
      throw usbError('NotFoundError', 'The alternate setting provided is not supported by the device.');
  }

  async controlTransferOut(
    setup: USBControlTransferParameters,
    data?: BufferSource,
  ): Promise<USBOutTransferResult> {
    this.countTransfer();
    this.checkClaimedFor(setup);
    if (!this.isHidReport(setup, SET_REPORT)) return { status: 'stall', bytesWritten: 0 };
    const bytes = toBytes(data);
    await this.session().send(bytes);
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
    this.countTransfer();
    this.checkClaimedFor(setup);
    if (!this.isHidReport(setup, GET_REPORT)) return { status: 'stall' };
    const response = await this.session().receive();
    const report = new Uint8Array(Math.min(length, this.options.firmware.identity.packetSize));
    report.set(response.subarray(0, report.length));
    return { status: 'ok', data: new DataView(report.buffer) };
  }

  async transferOut(endpointNumber: number, data: BufferSource): Promise<USBOutTransferResult> {
    this.countTransfer();
    this.checkEndpoint(endpointNumber, 'out');
    const bytes = toBytes(data);
    const size = this.options.firmware.identity.packetSize;
    for (let at = 0; at < bytes.length; at += size) await this.session().send(bytes.subarray(at, at + size));
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async transferIn(endpointNumber: number, length: number): Promise<USBInTransferResult> {
    this.countTransfer();
    this.checkEndpoint(endpointNumber, 'in');
    const response = await this.session().receive();
    const data = new Uint8Array(Math.min(length, response.length));
    data.set(response.subarray(0, data.length));
    return { status: data.length < response.length ? 'babble' : 'ok', data: new DataView(data.buffer) };
  }

  async clearHalt(): Promise<void> {
    this.checkOpen();
  }

  async isochronousTransferIn(): Promise<USBIsochronousInTransferResult> {
    throw usbError('NotSupportedError', 'No isochronous endpoints on this device.');
  }

  async isochronousTransferOut(): Promise<USBIsochronousOutTransferResult> {
    throw usbError('NotSupportedError', 'No isochronous endpoints on this device.');
  }

  async reset(): Promise<void> {
    this.checkOpen();
    this.endSession(usbError('AbortError', 'The transfer was cancelled.'));
    await this.open();
  }

  private endSession(error: Error): void {
    if (this.pipe) {
      this.leftovers = this.plugged ? this.pipe.unread() : [];
      this.pipe.break(error);
    }
    this.pipe = undefined;
    this.opened = false;
    this.claimed.clear();
  }

  private session(): CommandPipe {
    if (!this.plugged) throw disconnectedError();
    if (this.pipe === undefined) throw notOpenError();
    return this.pipe;
  }

  private countTransfer(): void {
    if (!this.plugged) throw disconnectedError();
    this.usbTransfers++;
    if (this.faults.unplugAtTransfer !== undefined && this.usbTransfers >= this.faults.unplugAtTransfer) {
      this.faults.unplugAtTransfer = undefined;
      this.unplug();
      throw transferError();
    }
  }

  private checkOpen(): void {
    if (!this.plugged) throw disconnectedError();
    if (!this.opened) throw notOpenError();
  }

  private isHidReport(setup: USBControlTransferParameters, request: number): boolean {
    const spec = this.options.interfaces[setup.index];
    return (
      setup.requestType === 'class' &&
      setup.recipient === 'interface' &&
      setup.request === request &&
      spec !== undefined &&
      spec.interfaceClass === 0xff &&
      spec.endpoints.length === 0
    );
  }

  private checkClaimedFor(setup: USBControlTransferParameters): void {
    this.checkOpen();
    if (setup.recipient === 'interface' && !this.claimed.has(setup.index & 0xff)) {
      throw usbError('InvalidStateError', 'The specified interface has not been claimed.');
    }
  }

  private checkEndpoint(endpointNumber: number, direction: USBDirection): void {
    this.checkOpen();
    const found = this.options.interfaces.some(
      (spec, n) =>
        this.claimed.has(n) &&
        spec.endpoints.some((e) => e.endpointNumber === endpointNumber && e.direction === direction),
    );
    if (!found)
      throw usbError(
        'NotFoundError',
        'The specified endpoint is not part of a claimed and selected alternate interface.',
      );
  }
}

function toBytes(data: BufferSource | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
