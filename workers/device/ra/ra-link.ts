/**
 * The byte pipe to an RA chip in boot mode over a Web Serial port: opens the port, pumps what
 * arrives into a buffer, sends packets and reads reply packets with a time limit. Errors of the
 * port become `WebProgError`s here, once: a lost port is DEVICE_LOST, silence is TIMEOUT, a
 * garbled reply is DEVICE_PROTOCOL.
 */
import { WebProgError } from '../../../src/core/errors';
import { ETX, MAX_PACKET_DATA, SOD_DATA, packetSum, type Reply } from './ra-protocol';

/** Turns an error of the port into a WebProgError. */
export function portError(error: unknown, what: string): WebProgError {
  if (error instanceof WebProgError) return error;
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'NetworkError' || name === 'NotFoundError') {
    return new WebProgError(
      'DEVICE_LOST',
      `${what}: the board was unplugged or its serial port went away. Plug it in again (in boot mode) and connect.`,
      { cause: error },
    );
  }
  if (name === 'InvalidStateError') {
    return new WebProgError('DEVICE_BUSY', `${what}: the serial port is in use by another program or tab.`, {
      cause: error,
    });
  }
  return new WebProgError('DEVICE_PROTOCOL', `${what}: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/** An open serial connection to the boot firmware. */
export class RaLink {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private chunks: Uint8Array[] = [];
  private available = 0;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private pumping: Promise<void> = Promise.resolve();
  /** Baud rate the port is open at. */
  baud = 0;

  private constructor(readonly port: SerialPort) {}

  /** Opens `port` at `baud`. */
  static async open(port: SerialPort, baud: number): Promise<RaLink> {
    const link = new RaLink(port);
    await link.start(baud);
    return link;
  }

  private async start(baud: number): Promise<void> {
    try {
      await this.port.open({ baudRate: baud, dataBits: 8, stopBits: 1, parity: 'none', bufferSize: 4096 });
      const readable = this.port.readable;
      const writable = this.port.writable;
      if (!readable || !writable) throw new DOMException('The device has been lost.', 'NetworkError');
      this.reader = readable.getReader();
      this.writer = writable.getWriter();
    } catch (error) {
      throw portError(error, 'Opening the serial port');
    }
    this.baud = baud;
    this.failure = undefined;
    this.chunks = [];
    this.available = 0;
    this.pumping = this.pump(this.reader);
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value && value.length > 0) {
          this.chunks.push(value);
          this.available += value.length;
          this.wake?.();
        }
      }
    } catch (error) {
      this.failure = error;
    }
    this.failure ??= new DOMException('The device has been lost.', 'NetworkError');
    this.wake?.();
  }

  /** Drops bytes received so far. */
  discard(): void {
    this.chunks = [];
    this.available = 0;
  }

  /** Sends bytes. */
  async send(bytes: Uint8Array<ArrayBuffer>, what: string): Promise<void> {
    if (!this.writer) throw new WebProgError('NOT_CONNECTED', `${what}: the serial port is not open.`);
    try {
      await this.writer.write(bytes);
    } catch (error) {
      throw portError(error, what);
    }
  }

  /** Reads exactly `n` bytes within `timeoutMs`. */
  async read(n: number, timeoutMs: number, what: string): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.available < n) {
      if (this.failure !== undefined) throw portError(this.failure, what);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new WebProgError(
          'TIMEOUT',
          `${what}: the chip did not answer within ${timeoutMs} ms. Is the board in boot mode (see the instructions for your board)?`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0];
      const take = Math.min(head.length, n - filled);
      out.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(take);
    }
    this.available -= n;
    return out;
  }

  /** Reads one reply packet; a broken one is DEVICE_PROTOCOL ("corrupted reply"). */
  async readPacket(timeoutMs: number, what: string): Promise<Reply> {
    const head = await this.read(4, timeoutMs, what);
    const length = (head[1] << 8) | head[2];
    if (head[0] !== SOD_DATA || length === 0 || length > MAX_PACKET_DATA + 1) {
      this.discard();
      throw corrupted(what, `it started ${hex(head[0])} ${hex(head[1])} ${hex(head[2])}`);
    }
    const rest = await this.read(length + 1, timeoutMs, what);
    const data = rest.subarray(0, length - 1);
    if (rest[length] !== ETX || packetSum(length, head[3], data) !== rest[length - 1]) {
      this.discard();
      throw corrupted(what, 'its checksum or end mark is wrong');
    }
    return { code: head[3], data: Uint8Array.from(data) };
  }

  /** Closes the port (errors of an already lost port are ignored). */
  async close(): Promise<void> {
    const reader = this.reader;
    const writer = this.writer;
    this.reader = undefined;
    this.writer = undefined;
    await reader?.cancel().catch(() => undefined);
    reader?.releaseLock();
    await this.pumping.catch(() => undefined);
    await writer?.close().catch(() => undefined);
    writer?.releaseLock();
    await this.port.close().catch(() => undefined);
  }

  /** Closes and opens the port again at another baud rate (Web Serial has no in-place change). */
  async reopen(baud: number): Promise<void> {
    await this.close();
    await this.start(baud);
  }
}

function hex(b: number | undefined): string {
  return `0x${(b ?? 0).toString(16).padStart(2, '0')}`;
}

function corrupted(what: string, detail: string): WebProgError {
  return new WebProgError(
    'DEVICE_PROTOCOL',
    `${what}: the chip's reply arrived corrupted (${detail}). Check the cable and connect again; nothing was retried.`,
  );
}
