/**
 * The byte-level link to a CMSIS-DAP probe: one command packet out, one response packet in.
 * Backed by dapjs's WebUSB transport (bulk endpoints, or the EP0 control-transfer fallback of
 * old DAPLink), with raw browser errors turned into `WebProgError`s in this one place.
 */
import * as dapjsModule from 'dapjs';
import { WebProgError } from '../../../src/core/errors';

// Bundlers load dapjs's ESM build (named exports); plain Node (benchmarks) loads its UMD build,
// whose exports only appear on the CommonJS default export.
const { WebUSB } = (
  'WebUSB' in dapjsModule ? dapjsModule : (dapjsModule as unknown as { default: typeof dapjsModule }).default
) as typeof dapjsModule;

/** Sends and receives whole CMSIS-DAP packets. */
export interface PacketTransport {
  /** Largest packet the link carries. */
  readonly maxPacketSize: number;
  /** Opens the device and claims the CMSIS-DAP interface. */
  open(): Promise<void>;
  /** Releases the device. */
  close(): Promise<void>;
  /** Sends one command packet. */
  write(packet: Uint8Array): Promise<void>;
  /** Receives one response packet. */
  read(): Promise<Uint8Array>;
}

/** Turns an error from WebUSB into a `WebProgError` with a code a person can act on. */
export function usbError(error: unknown, action: string): WebProgError {
  if (error instanceof WebProgError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  // Checked first: Chromium reports a claimed interface as a NetworkError too.
  if (name === 'SecurityError' || /claim|access denied/i.test(message)) {
    return new WebProgError(
      'DEVICE_BUSY',
      `The probe is in use by another tab or program, or this user may not open it (${message}).`,
      { cause: error },
    );
  }
  if (
    name === 'NotFoundError' ||
    name === 'NetworkError' ||
    /disconnected|device.*lost|transfer error/i.test(message)
  ) {
    return new WebProgError('DEVICE_LOST', `The probe went away while ${action} (${message}).`, {
      cause: error,
    });
  }
  if (/No valid interfaces/.test(message)) {
    return new WebProgError(
      'NOT_SUPPORTED',
      'This probe has no CMSIS-DAP interface WebUSB can use: update its DAPLink firmware.',
      {
        cause: error,
      },
    );
  }
  return new WebProgError('DEVICE_PROTOCOL', `USB error while ${action}: ${message}`, { cause: error });
}

/** {@link PacketTransport} over a `USBDevice` through dapjs's `WebUSB` class. */
export class WebUsbPacketTransport implements PacketTransport {
  private readonly usb: InstanceType<typeof WebUSB>;
  readonly maxPacketSize: number;

  constructor(device: USBDevice, options: { alwaysControlTransfer?: boolean } = {}) {
    this.usb = new WebUSB(device, 0xff, 1, options.alwaysControlTransfer ?? false);
    this.maxPacketSize = this.usb.packetSize;
  }

  async open(): Promise<void> {
    try {
      await this.usb.open();
    } catch (error) {
      throw usbError(error, 'opening it');
    }
  }

  async close(): Promise<void> {
    try {
      await this.usb.close();
    } catch {
      // Closing a device that is already gone is not an error worth reporting.
    }
  }

  async write(packet: Uint8Array): Promise<void> {
    // dapjs ignores byteOffset (reference notes, bug 8): always hand it a fresh array.
    const fresh = new Uint8Array(packet.length);
    fresh.set(packet);
    try {
      await this.usb.write(fresh);
    } catch (error) {
      throw usbError(error, 'sending a command');
    }
  }

  async read(): Promise<Uint8Array> {
    try {
      const view = await this.usb.read();
      return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    } catch (error) {
      throw usbError(error, 'reading a response');
    }
  }
}
