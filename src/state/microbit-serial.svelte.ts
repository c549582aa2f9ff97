/**
 * The micro:bit's serial console: the board's UART through its DAPLink interface (the device
 * worker polls DAPLink's UART commands between its other operations), for the MicroPython REPL.
 * Open / close, baud, Ctrl-C (interrupt), Ctrl-D (soft reset), paste mode for a block of code,
 * a line to send. It follows the board through flashes and resets (the worker keeps polling);
 * while the probe is away it says so and carries on when it is back.
 */
import { proxy } from 'comlink';
import type { DeviceOperationsApi, SerialState } from '../../workers/device/device-api';
import { describeError } from './error-text';
import { appendTerminal, type TerminalText } from './terminal-text';

/** The device worker calls the console uses. */
export type SerialDeviceClient = Pick<
  DeviceOperationsApi,
  'serialOpen' | 'serialWrite' | 'serialClose' | 'connectDevice' | 'debug'
>;

/** Baud rates offered (MicroPython's REPL runs at 115200). */
export const SERIAL_BAUDS = [9600, 19200, 38400, 57600, 115200] as const;

/** Control characters of the MicroPython REPL. */
export const REPL_KEYS = {
  /** Ctrl-C: interrupt the running program. */
  interrupt: '\x03',
  /** Ctrl-D: soft reset (or, in paste mode, run what was pasted). */
  softReset: '\x04',
  /** Ctrl-E: paste mode. */
  paste: '\x05',
} as const;

/** The console state. */
export class MicrobitSerialState {
  /** The micro:bit whose console is open (or waiting), if any. */
  deviceId = $state<string | undefined>();
  /** What the worker reports. */
  state = $state<SerialState>('closed');
  /** Why the console waits for the probe, or why opening failed. */
  message = $state<string | undefined>();
  /** What the board printed. */
  text = $state('');
  /** Baud rate for the next open. */
  baud = $state(115200);
  /** True while opening or closing. */
  busy = $state(false);
  private terminal: TerminalText = { text: '', pending: '' };
  private decoder = new TextDecoder();

  constructor(private readonly device: SerialDeviceClient | undefined) {}

  /** True while the console is open or waiting for the probe. */
  get active(): boolean {
    return this.state !== 'closed';
  }

  /** Opens the console of `deviceId` (closing another one first). */
  async open(deviceId: string): Promise<boolean> {
    if (!this.device) {
      this.message = 'The serial console is not available: no device worker.';
      return false;
    }
    if (this.busy) return false;
    this.busy = true;
    this.message = undefined;
    try {
      if (this.deviceId && this.deviceId !== deviceId) await this.device.serialClose(this.deviceId);
      if (this.deviceId !== deviceId) this.clear();
      this.deviceId = deviceId;
      await this.device.serialOpen(deviceId, {
        baud: this.baud,
        onData: proxy((bytes: Uint8Array) => this.append(bytes)),
        onState: proxy((state: SerialState, message?: string) => {
          this.state = state;
          this.message =
            state === 'waiting' ? `Waiting for the micro:bit: ${message ?? ''}`.trim() : undefined;
        }),
      });
      this.state = 'open';
      return true;
    } catch (error) {
      this.state = 'closed';
      this.message = `The serial console could not open. ${describeError(error).text}`;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /**
   * After a send: opens the console of `deviceId` unless it is open already, then resets the
   * board so the new program starts (flashing leaves the processor halted) and its output shows.
   */
  async follow(deviceId: string): Promise<void> {
    if (!(this.deviceId === deviceId && this.active) && !(await this.open(deviceId))) return;
    await this.reset();
  }

  /** Resets the board and lets it run (the console stays open and shows what it prints). */
  async reset(): Promise<void> {
    const id = this.deviceId;
    if (!id || !this.device) return;
    try {
      try {
        await this.device.debug(id, { op: 'reset' });
      } catch (error) {
        if ((error as { code?: string }).code !== 'NOT_CONNECTED') throw error;
        await this.device.connectDevice(id);
        await this.device.debug(id, { op: 'reset' });
      }
    } catch (error) {
      this.message = `The micro:bit could not be reset. ${describeError(error).text}`;
    }
  }

  /** Closes the console. */
  async close(): Promise<void> {
    const id = this.deviceId;
    if (!id || !this.device) return;
    this.busy = true;
    try {
      await this.device.serialClose(id);
    } finally {
      this.state = 'closed';
      this.busy = false;
    }
  }

  /** Sends `text` as it is (control characters included). */
  async write(text: string): Promise<void> {
    const id = this.deviceId;
    if (!id || !this.device || this.state === 'closed') return;
    try {
      await this.device.serialWrite(id, new TextEncoder().encode(text));
    } catch (error) {
      this.message = `Sending failed. ${describeError(error).text}`;
    }
  }

  /** Sends one line, ended as a terminal's Enter key does (CR). */
  async sendLine(line: string): Promise<void> {
    await this.write(`${line}\r`);
  }

  /** Runs a block of code through the REPL's paste mode (Ctrl-E, the code, Ctrl-D). */
  async paste(code: string): Promise<void> {
    await this.write(`${REPL_KEYS.paste}${code.replace(/\r?\n/g, '\r')}${REPL_KEYS.softReset}`);
  }

  /** Empties the pane. */
  clear(): void {
    this.terminal = { text: '', pending: '' };
    this.decoder = new TextDecoder();
    this.text = '';
  }

  private append(bytes: Uint8Array): void {
    this.terminal = appendTerminal(this.terminal, this.decoder.decode(bytes, { stream: true }));
    this.text = this.terminal.text;
  }
}
