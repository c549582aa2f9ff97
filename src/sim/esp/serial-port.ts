/**
 * A Web Serial `SerialPort` backed by a simulated device, behaving as Chrome's does where
 * esptool-js and the app can tell: `getInfo()` works before `open()`; `readable` is a fresh
 * stream per open (and again after a reader cancels it), `null` when closed or after a fatal
 * error; `close()` rejects while a stream is locked; unplugging errors both streams with a
 * `NetworkError` DOMException "The device has been lost." and fires `disconnect`. A device that
 * re-enumerates (a chip's own USB-OTG port after a reset) leaves its port for good
 * ({@link SimSerialPort.retire}) and later announces the new port that replaces it
 * ({@link SimSerialPort.announceSuccessor}), which the simulated `navigator.serial` picks up.
 * Works in Node ≥ 18 and in browsers/workers (uses only WHATWG streams, EventTarget, DOMException).
 */
import type { WireClock } from './wire-clock';

/** The device side of a simulated serial port (a board's UART or USB-serial bridge). */
export interface SerialDevice {
  /** The host opened the port at `baud`. */
  opened(baud: number): void;
  /** The host closed the port. */
  closed(): void;
  /** Bytes written by the host; returns false if the device was lost while they travelled. */
  write(bytes: Uint8Array): boolean;
  /** The host changed modem lines (`undefined` = unchanged). */
  setSignals(dtr: boolean | undefined, rts: boolean | undefined, brk: boolean | undefined): void;
  /** The host changed the baud rate of an open port in place. */
  setBaudRate(baud: number): void;
}

/** The part of a device's clock ({@link WireClock}) a delivery to the host tells. */
export type HostArrivals = Pick<WireClock, 'received'>;

/** Options of {@link SimSerialPort}. */
export interface SimSerialPortOptions {
  /** USB ids reported by `getInfo()`. */
  info: SerialPortInfo;
  /** Offer a non-standard `setBaudRate()` (Chrome has none; esptool-js uses it when present). */
  setBaudRate?: boolean;
  /** Whether the device is plugged in at creation (default true). */
  connected?: boolean;
}

/** Type of the simulator-only event a retired port fires when its device came back as a new port. */
export const PORT_REPLACED = 'replaced';

/** Simulator-only event: the device of a retired port re-enumerated as `successor`. */
export class SimPortReplacedEvent extends Event {
  constructor(readonly successor: SimSerialPort) {
    super(PORT_REPLACED);
  }
}

function lostError(): DOMException {
  return new DOMException('The device has been lost.', 'NetworkError');
}

/** A simulated Web Serial port. Attach the device with {@link SimSerialPort.attach}. */
export class SimSerialPort extends EventTarget implements SerialPort {
  /** Handler property for `connect` events. */
  onconnect: ((this: SerialPort, ev: Event) => void) | null = null;
  /** Handler property for `disconnect` events. */
  ondisconnect: ((this: SerialPort, ev: Event) => void) | null = null;
  /** In-place baud change, present only when enabled in the options. */
  readonly setBaudRate?: (baudRate: number) => Promise<void>;
  private device: SerialDevice | null = null;
  private readonly info: SerialPortInfo;
  private state: 'closed' | 'opened' = 'closed';
  private isConnected: boolean;
  private retired = false;
  private next: SimSerialPort | null = null;
  private fatal = false;
  private baud = 0;
  private readStream: ReadableStream<Uint8Array> | null = null;
  private readController: ReadableStreamDefaultController<Uint8Array> | null = null;
  private writeStream: WritableStream<Uint8Array> | null = null;
  private pending: Uint8Array[] = [];

  constructor(options: SimSerialPortOptions) {
    super();
    this.info = { ...options.info };
    this.isConnected = options.connected ?? true;
    if (options.setBaudRate) {
      this.setBaudRate = async (baudRate: number) => {
        this.requireOpen();
        if (!(baudRate > 0)) throw new TypeError('Invalid baud rate');
        this.baud = baudRate;
        this.device?.setBaudRate(baudRate);
      };
    }
  }

  /** Connects the device side. */
  attach(device: SerialDevice): void {
    this.device = device;
  }

  /** The port that replaced this one after its device re-enumerated (null until then). */
  get successor(): SimSerialPort | null {
    return this.next;
  }

  /** Whether the device is plugged in. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** Baud rate of the open port (0 when closed). */
  get baudRate(): number {
    return this.state === 'opened' ? this.baud : 0;
  }

  /** Whether the port is open. */
  get isOpen(): boolean {
    return this.state === 'opened';
  }

  get readable(): ReadableStream<Uint8Array> | null {
    if (this.readStream) return this.readStream;
    if (this.state !== 'opened' || this.fatal) return null;
    this.readStream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.readController = controller;
        for (const chunk of this.pending) controller.enqueue(chunk);
        this.pending = [];
      },
      cancel: () => {
        this.readStream = null;
        this.readController = null;
        this.pending = [];
      },
    });
    return this.readStream;
  }

  get writable(): WritableStream<Uint8Array> | null {
    if (this.writeStream) return this.writeStream;
    if (this.state !== 'opened' || this.fatal) return null;
    const stream: WritableStream<Uint8Array> = new WritableStream<Uint8Array>({
      write: (chunk) => {
        const bytes = chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk as ArrayBufferLike);
        if (!this.isConnected || this.device === null) throw lostError();
        if (!this.device.write(bytes.slice())) throw lostError();
      },
      close: () => {
        if (this.writeStream === stream) this.writeStream = null;
      },
      abort: () => {
        if (this.writeStream === stream) this.writeStream = null;
      },
    });
    this.writeStream = stream;
    return stream;
  }

  async open(options: SerialOptions): Promise<void> {
    if (this.state === 'opened') throw new DOMException('The port is already open.', 'InvalidStateError');
    if (!(options.baudRate > 0)) throw new TypeError('Requested baud rate must be greater than zero.');
    if (!this.isConnected) throw new DOMException('Failed to open serial port.', 'NetworkError');
    this.state = 'opened';
    this.fatal = false;
    this.baud = options.baudRate;
    this.pending = [];
    this.device?.opened(options.baudRate);
  }

  async close(): Promise<void> {
    if (this.state !== 'opened') throw new DOMException('The port is already closed.', 'InvalidStateError');
    if (this.readStream?.locked || this.writeStream?.locked) {
      throw new DOMException('Cannot cancel a locked stream', 'InvalidStateError');
    }
    const readable = this.readStream;
    const writable = this.writeStream;
    this.readStream = null;
    this.readController = null;
    this.writeStream = null;
    await readable?.cancel().catch(() => undefined);
    await writable?.abort().catch(() => undefined);
    this.state = 'closed';
    this.pending = [];
    this.device?.closed();
  }

  async setSignals(signals: SerialOutputSignals): Promise<void> {
    this.requireOpen();
    const { dataTerminalReady: dtr, requestToSend: rts, break: brk } = signals;
    if (dtr === undefined && rts === undefined && brk === undefined) {
      throw new TypeError('Signals dictionary must contain at least one member.');
    }
    if (!this.isConnected) throw lostError();
    this.device?.setSignals(dtr, rts, brk);
  }

  async getSignals(): Promise<SerialInputSignals> {
    this.requireOpen();
    if (!this.isConnected) throw lostError();
    return { dataCarrierDetect: false, clearToSend: false, ringIndicator: false, dataSetReady: false };
  }

  getInfo(): SerialPortInfo {
    return { ...this.info };
  }

  async forget(): Promise<void> {
    if (this.state === 'opened') await this.close().catch(() => undefined);
  }

  /**
   * Device side: bytes from the device reach the host at modeled time `at` of the device's
   * `clock`. The clock learns the host has them first ({@link HostArrivals.received}, which
   * 'zero' latency mode needs to keep the host's time right), even when the port is closed and
   * the bytes are dropped: every delivery goes through here, so no simulator can forget it.
   */
  deliver(bytes: Uint8Array, at: number, clock: HostArrivals): void {
    clock.received(at);
    if (this.state !== 'opened' || this.fatal || bytes.length === 0) return;
    if (this.readController) this.readController.enqueue(bytes);
    else this.pending.push(bytes);
  }

  /** Device side: the device was unplugged. */
  lose(): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    if (this.state === 'opened') {
      this.fatal = true;
      this.readController?.error(lostError());
      this.readStream = null;
      this.readController = null;
      this.writeStream = null;
    }
    this.fire('disconnect');
  }

  /**
   * Device side: the device left this port for good (its USB connection was torn down to
   * re-enumerate): lost as by an unplug, and nothing done on this port reaches the device again.
   */
  retire(): void {
    this.lose();
    this.retired = true;
    this.device = null;
  }

  /** Device side: the retired device is back as `successor`; fires {@link SimPortReplacedEvent}. */
  announceSuccessor(successor: SimSerialPort): void {
    this.next = successor;
    this.dispatchEvent(new SimPortReplacedEvent(successor));
  }

  /** Device side: the device was plugged in again (a retired port stays dead). */
  restore(): void {
    if (this.isConnected || this.retired) return;
    this.isConnected = true;
    this.fire('connect');
  }

  private fire(type: 'connect' | 'disconnect'): void {
    const event = new Event(type, { bubbles: true });
    const handler = type === 'connect' ? this.onconnect : this.ondisconnect;
    handler?.call(this, event);
    this.dispatchEvent(event);
  }

  private requireOpen(): void {
    if (this.state !== 'opened') throw new DOMException('The port is closed.', 'InvalidStateError');
  }
}
