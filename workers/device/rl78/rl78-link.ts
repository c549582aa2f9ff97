/**
 * The byte pipe to an RL78's boot firmware over a Web Serial port: reads into a buffer in the
 * background, writes frames, and handles the single-wire echo in this one place (every byte
 * the host sends on TOOL0 comes back on its RxD and is checked and dropped here, so nothing
 * above this file sees it). Frames from the chip are parsed and their sums checked here too.
 */
import { WebProgError } from '../../../src/core/errors';
import { ETB, ETX, STX, rl78FrameSum, statusText } from './rl78-frames';

/** How the USB-UART reaches the chip. */
export type Rl78Wiring = 'single-wire' | 'two-wire';

/** Options of {@link Rl78Link}. */
export interface Rl78LinkOptions {
  /** Single-wire TOOL0 (echo) or two-wire. */
  wiring: Rl78Wiring;
  /** Milliseconds to wait for an answer (default 1000). */
  timeoutMs?: number;
}

/** Waits `ms` milliseconds (wall clock). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Bytes of junk tolerated before a frame (a noise byte on the line). */
const MAX_JUNK = 16;

/** An open port to an RL78. */
export class Rl78Link {
  private rx: number[] = [];
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private wake: (() => void) | null = null;
  private lost: unknown = null;
  private reading: Promise<void> = Promise.resolve();
  /** Bytes of junk skipped before frames so far. */
  junkBytes = 0;

  constructor(
    readonly port: SerialPort,
    readonly options: Rl78LinkOptions,
  ) {}

  /** Milliseconds to wait for an answer. */
  get timeoutMs(): number {
    return this.options.timeoutMs ?? 1000;
  }

  /** Opens the port at `baud` and starts reading. */
  async open(baud: number): Promise<void> {
    try {
      await this.port.open({ baudRate: baud });
    } catch (error) {
      throw new WebProgError(
        'DEVICE_BUSY',
        'The serial port could not be opened: another program (or tab) may be using it, or the USB-UART was unplugged.',
        { cause: error },
      );
    }
    this.lost = null;
    this.rx = [];
    this.reader = this.port.readable!.getReader();
    this.writer = this.port.writable!.getWriter();
    const reader = this.reader;
    this.reading = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const b of value) this.rx.push(b);
          this.wake?.();
        }
      } catch (error) {
        this.lost = error;
        this.wake?.();
      }
    })();
  }

  /** Closes the port (quietly if it is gone). */
  async close(): Promise<void> {
    try {
      await this.reader?.cancel();
    } catch {
      // Already gone.
    }
    await this.reading;
    this.reader?.releaseLock();
    try {
      this.writer?.releaseLock();
    } catch {
      // Already released.
    }
    this.reader = null;
    this.writer = null;
    try {
      await this.port.close();
    } catch {
      // Closed or unplugged.
    }
  }

  /** Sets modem lines and break. */
  async signals(signals: SerialOutputSignals): Promise<void> {
    try {
      await this.port.setSignals(signals);
    } catch (error) {
      throw this.lostError(error);
    }
  }

  /** Drops whatever was received so far. */
  flush(): void {
    this.rx = [];
  }

  /** Sends bytes; in single-wire mode reads back and checks their echo. */
  async send(bytes: Uint8Array): Promise<void> {
    if (!this.writer) throw new WebProgError('NOT_CONNECTED', 'The RL78 port is not open.');
    try {
      await this.writer.write(bytes);
    } catch (error) {
      throw this.lostError(error);
    }
    if (this.options.wiring !== 'single-wire') return;
    const echo = await this.take(bytes.length, 'echo');
    // No echo at all, or the chip's answer (a frame start) where the echo should be.
    if (echo === null || (echo[0] === STX && bytes[0] !== STX)) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        'No echo of the bytes sent: in single-wire mode the USB-UART’s RxD must be connected to TOOL0 together with TxD (through the resistor/diode). Check the wiring, or choose two-wire mode if TOOLTxD/TOOLRxD are used.',
      );
    }
    if (echo.some((b, i) => b !== bytes[i])) {
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        'The single-wire echo differs from the bytes sent: TOOL0 is disturbed (another device on the line, or a missing pull-up).',
      );
    }
  }

  /** Reads one frame from the chip and returns its data; null if nothing came in time. */
  async frame(what: string): Promise<Uint8Array | null> {
    // Skip a few junk bytes (line noise) before the frame start.
    for (;;) {
      const head = await this.take(1, what);
      if (head === null) return null;
      if (head[0] === STX) break;
      if (++this.junkBytes > MAX_JUNK) throw this.garbled(what);
    }
    const lenByte = await this.take(1, what);
    if (lenByte === null) throw this.garbled(what);
    const len = lenByte[0] === 0 ? 256 : lenByte[0];
    const rest = await this.take(len + 2, what);
    if (rest === null) throw this.garbled(what);
    const data = rest.subarray(0, len);
    const sum = rl78FrameSum([lenByte[0], ...data]);
    if (sum !== rest[len] || (rest[len + 1] !== ETX && rest[len + 1] !== ETB)) throw this.garbled(what);
    return data;
  }

  /** Reads a frame and throws a clear error when none comes. */
  async expectFrame(what: string, length?: number): Promise<Uint8Array> {
    const data = await this.frame(what);
    if (data === null) {
      throw new WebProgError(
        'TIMEOUT',
        `${what}: the RL78 did not answer within ${this.timeoutMs} ms. Check that the chip is powered, RESET is wired to the chosen line (DTR or RTS), and the wiring mode matches.`,
      );
    }
    if (length !== undefined && data.length !== length) {
      if (data.length === 1) {
        throw new WebProgError('DEVICE_PROTOCOL', `${what}: the RL78 answered ${statusText(data[0])}.`);
      }
      throw this.garbled(what);
    }
    return data;
  }

  private garbled(what: string): WebProgError {
    return new WebProgError(
      'DEVICE_PROTOCOL',
      `${what}: the RL78’s answer was garbled (bad frame or sum). The baud rate may not match (the USB-UART or the wiring may not carry the chosen rate), or the line is noisy.`,
    );
  }

  private lostError(error: unknown): WebProgError {
    return new WebProgError('DEVICE_LOST', 'The USB-UART was unplugged (the serial port is gone).', {
      cause: error,
    });
  }

  /** Takes `n` bytes, waiting up to the timeout; null when they did not all come. */
  private async take(n: number, _what: string): Promise<Uint8Array | null> {
    const deadline = Date.now() + this.timeoutMs;
    while (this.rx.length < n) {
      if (this.lost !== null) throw this.lostError(this.lost);
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
    return Uint8Array.from(this.rx.splice(0, n));
  }
}
