/**
 * Web Serial's `SerialPort` in Node, over the `serialport` package: what the device worker's
 * serial backends (esptool-js and ours) already use in the browser — open with a baud rate,
 * readable/writable byte streams, DTR/RTS signals, close, and a `disconnect` event when the
 * board is unplugged (the readable stream then fails, as Chrome's does). Unlike Chrome it also
 * offers the non-standard `setBaudRate` (serialport's `update`): a rate change in place, which
 * esptool-js and the RL78 backend use when present instead of reopening the port (a reopen
 * asserts DTR and RTS, which resets boards whose RESET hangs on them).
 */
import { WebProgError } from '../src/core/errors';

/** The part of a `serialport` stream the adapter drives (SerialPort or SerialPortMock). */
export interface NodePortStream {
  open(callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean;
  drain(callback: (error: Error | null) => void): void;
  set(
    options: { dtr?: boolean; rts?: boolean; brk?: boolean },
    callback: (error: Error | null) => void,
  ): void;
  get(callback: (error: Error | null, status?: { cts: boolean; dsr: boolean; dcd: boolean }) => void): void;
  update(options: { baudRate: number }, callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close' | 'error', listener: (arg?: unknown) => void): unknown;
  removeAllListeners(): unknown;
  readonly isOpen: boolean;
}

/** Makes a closed port stream for `path` at `baudRate`. */
export type PortStreamFactory = (path: string, baudRate: number) => NodePortStream;

/** A serial port as `serialport`'s `list()` describes it. */
export interface NodePortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
}

function call<T = void>(fn: (cb: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

/** One port, with the Web Serial interface. */
export class NodeSerialPort extends EventTarget {
  /** Readable byte stream while open. */
  readable: ReadableStream<Uint8Array> | null = null;
  /** Writable byte stream while open. */
  writable: WritableStream<Uint8Array> | null = null;
  private stream: NodePortStream | undefined;

  constructor(
    /** The port as listed. */
    readonly info: NodePortInfo,
    private readonly factory: PortStreamFactory,
  ) {
    super();
  }

  /** USB ids, as Web Serial reports them. */
  getInfo(): SerialPortInfo {
    const hex = (v?: string) => (v ? parseInt(v, 16) : undefined);
    return { usbVendorId: hex(this.info.vendorId), usbProductId: hex(this.info.productId) };
  }

  /** Opens the port at `baudRate`. */
  async open(options: { baudRate: number }): Promise<void> {
    if (this.stream?.isOpen) throw new DOMException('The port is already open.', 'InvalidStateError');
    const stream = this.factory(this.info.path, options.baudRate);
    try {
      await call((cb) => stream.open(cb));
    } catch (error) {
      const text = (error as Error).message;
      const advice = /EACCES|permission denied/i.test(text)
        ? ' Your user may not open serial ports: on Linux add it to the dialout group (sudo usermod -aG dialout $USER), then log in again.'
        : '';
      throw new WebProgError('DEVICE_BUSY', `Cannot open ${this.info.path}: ${text}.${advice}`, {
        cause: error,
      });
    }
    this.stream = stream;
    let closedByUs = false;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream.on('data', (data: Buffer) => controller.enqueue(new Uint8Array(data)));
        stream.on('close', (error?: unknown) => {
          this.readable = null;
          this.writable = null;
          if (closedByUs) {
            try {
              controller.close();
            } catch {
              // already cancelled by the reader
            }
            return;
          }
          controller.error(
            new DOMException(`The device at ${this.info.path} has been lost.`, 'NetworkError'),
          );
          void error;
          this.dispatchEvent(new Event('disconnect'));
        });
      },
      cancel: () => undefined,
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) =>
        call((cb) => stream.write(Buffer.from(chunk), (e) => cb(e ?? null))).then(() =>
          call((cb) => stream.drain(cb)),
        ),
    });
    this.markClosing = () => {
      closedByUs = true;
    };
  }

  private markClosing: () => void = () => undefined;

  /** Sets DTR, RTS and break. */
  async setSignals(signals: SerialOutputSignals): Promise<void> {
    const stream = this.openStream();
    const options: { dtr?: boolean; rts?: boolean; brk?: boolean } = {};
    if (signals.dataTerminalReady !== undefined) options.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) options.rts = signals.requestToSend;
    if (signals.break !== undefined) options.brk = signals.break;
    await call((cb) => stream.set(options, cb));
  }

  /** Changes the open port's baud rate in place (DTR and RTS stay as they are). */
  async setBaudRate(baudRate: number): Promise<void> {
    const stream = this.openStream();
    await call((cb) => stream.update({ baudRate }, cb));
  }

  /** Reads CTS, DSR and DCD. */
  async getSignals(): Promise<SerialInputSignals> {
    const stream = this.openStream();
    const status = await call<{ cts: boolean; dsr: boolean; dcd: boolean }>((cb) => stream.get(cb));
    return {
      clearToSend: status.cts,
      dataSetReady: status.dsr,
      dataCarrierDetect: status.dcd,
      ringIndicator: false,
    };
  }

  /** Closes the port. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.markClosing();
    this.stream = undefined;
    if (stream.isOpen) await call((cb) => stream.close(cb));
    this.readable = null;
    this.writable = null;
  }

  /** Nothing to forget outside a browser. */
  async forget(): Promise<void> {}

  private openStream(): NodePortStream {
    if (!this.stream?.isOpen) throw new DOMException('The port is not open.', 'InvalidStateError');
    return this.stream;
  }
}

/**
 * Web Serial's `navigator.serial.getPorts()` over `serialport`'s port list: every USB serial
 * port (a USB-UART bridge or a native-USB board), each the same object for as long as its path
 * exists, so a backend can tell a re-enumerated board's new port from the old one.
 */
export class NodeSerial {
  private readonly ports = new Map<string, NodeSerialPort>();

  constructor(
    private readonly list: () => Promise<NodePortInfo[]>,
    private readonly factory: PortStreamFactory,
  ) {}

  /** The USB serial ports present now. */
  async getPorts(): Promise<SerialPort[]> {
    const listed = (await this.list()).filter((p) => p.vendorId !== undefined);
    const present = new Set(listed.map((p) => p.path));
    for (const path of [...this.ports.keys()]) if (!present.has(path)) this.ports.delete(path);
    return listed.map((info) => {
      let port = this.ports.get(info.path);
      if (!port) {
        port = new NodeSerialPort(info, this.factory);
        this.ports.set(info.path, port);
      }
      return port as unknown as SerialPort;
    });
  }
}

/** `serialport`'s real ports; undefined when the package cannot load here. */
export async function nodeSerial(): Promise<NodeSerial | undefined> {
  let mod: typeof import('serialport');
  try {
    mod = await import('serialport');
  } catch {
    return undefined;
  }
  return new NodeSerial(
    () => mod.SerialPort.list(),
    (path, baudRate) => new mod.SerialPort({ path, baudRate, autoOpen: false }) as unknown as NodePortStream,
  );
}
