/**
 * The serial monitor: the port opened at the console baud rate, every byte the running
 * program prints passed on as it arrives, lines sent back. It owns the port while it runs;
 * the ESP backend stops it before flashing and starts it again afterwards.
 */
import { WebProgError } from '../../../src/core/errors';

/** Receives what the board printed. */
export type MonitorListener = (bytes: Uint8Array) => void;

/** Reads a Web Serial port until stopped. */
export class SerialMonitor {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(
    readonly port: SerialPort,
    private readonly listener: MonitorListener,
    private readonly onEnd: (error?: unknown) => void = () => undefined,
  ) {}

  /** True while the port is open for monitoring. */
  get running(): boolean {
    return this.loop !== undefined;
  }

  /**
   * Opens the port at `baud` and starts passing on its bytes. `releaseLines` (default true)
   * releases DTR and RTS, which a tty raises on open; leave them as they are on a port that a
   * board re-enumerated on, where releasing RTS would restart it again.
   */
  async start(baud: number, releaseLines = true): Promise<void> {
    if (this.loop) return;
    await this.port.open({ baudRate: baud });
    // Leave EN and IO0 alone: both lines released.
    if (releaseLines) await this.port.setSignals({ dataTerminalReady: false, requestToSend: false });
    this.stopping = false;
    this.loop = this.readLoop();
  }

  /** Sends `text` to the board as UTF-8. */
  async send(text: string): Promise<void> {
    if (!this.loop || !this.port.writable) {
      throw new WebProgError('NOT_CONNECTED', 'The serial monitor is not running.');
    }
    const writer = this.port.writable.getWriter();
    try {
      await writer.write(new TextEncoder().encode(text));
    } finally {
      writer.releaseLock();
    }
  }

  /** Stops reading and closes the port. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    await this.reader?.cancel().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
    await this.port.close().catch(() => undefined);
  }

  private async readLoop(): Promise<void> {
    let failure: unknown;
    try {
      while (!this.stopping && this.port.readable) {
        const reader = this.port.readable.getReader();
        this.reader = reader;
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            if (value && value.length > 0) this.listener(value);
          }
        } finally {
          reader.releaseLock();
          this.reader = undefined;
        }
      }
    } catch (error) {
      failure = error;
    }
    if (!this.stopping) {
      this.loop = undefined;
      this.onEnd(failure);
    }
  }
}
