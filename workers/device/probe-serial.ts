/**
 * A serial console through a probe (DAPLink's USB-UART bridge): polls the bridge in the
 * device's operation queue, between whatever else runs there (a flash waits for one poll at
 * most, and the console carries on after it, through the target's reset). When the probe goes
 * away (unplugged, or busy elsewhere) it says so and tries again until it is back, then sets
 * the baud rate again.
 */
import { WebProgError } from '../../src/core/errors';
import type { TargetUart } from './backend';
import type { SerialState } from './device-api';
import type { OperationQueue } from './op-queue';

/** Options of {@link ProbeSerial}. */
export interface ProbeSerialOptions {
  /** Baud rate of the target's UART. */
  baud: number;
  /** Receives what the target printed. */
  onData: (bytes: Uint8Array) => void;
  /** Receives state changes, with a message when waiting for the probe. */
  onState?: (state: SerialState, message?: string) => void;
  /** Poll interval while the target is quiet (ms). */
  idlePollMs?: number;
  /** Retry interval while the probe is away (ms). */
  retryMs?: number;
}

/** Finds the device's bridge and queue (again after a replug). */
export type UartLocator = () => Promise<{ uart: TargetUart; queue: OperationQueue }>;

/** Reads per poll at most (62 bytes each), so a chatty target does not hold the queue. */
const READS_PER_POLL = 8;
/** Poll interval right after data came (ms). */
const BUSY_POLL_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One open console. */
export class ProbeSerial {
  private running = false;
  private configured = false;
  private loop: Promise<void> | undefined;
  private state: SerialState = 'closed';

  constructor(
    private readonly locate: UartLocator,
    private readonly options: ProbeSerialOptions,
  ) {}

  /** Sets the baud rate and starts polling; rejects when the first attempt fails. */
  async start(): Promise<void> {
    if (this.running) return;
    const { uart, queue } = await this.locate();
    await queue.run(() => uart.configure(this.options.baud));
    this.configured = true;
    this.running = true;
    this.setState('open');
    this.loop = this.pollLoop();
  }

  /** Sends bytes to the target. */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.running) throw new WebProgError('NOT_CONNECTED', 'The serial console is not open.');
    const { uart, queue } = await this.locate();
    await queue.run(() => uart.write(bytes));
  }

  /** Stops polling. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = undefined;
    this.setState('closed');
  }

  private setState(state: SerialState, message?: string): void {
    if (state === this.state && state !== 'waiting') return;
    this.state = state;
    this.options.onState?.(state, message);
  }

  private async pollLoop(): Promise<void> {
    while (this.running) {
      let got: number;
      try {
        const { uart, queue } = await this.locate();
        const data = await queue.run(async () => {
          if (!this.running) return new Uint8Array(0);
          if (!this.configured) {
            await uart.configure(this.options.baud);
            this.configured = true;
          }
          const parts: Uint8Array[] = [];
          for (let i = 0; i < READS_PER_POLL; i++) {
            const part = await uart.read();
            if (part.length === 0) break;
            parts.push(part);
          }
          return concat(parts);
        });
        got = data.length;
        this.setState('open');
        if (got > 0 && this.running) this.options.onData(data);
      } catch (error) {
        this.configured = false;
        const message = error instanceof Error ? error.message : String(error);
        this.setState('waiting', message);
        await sleep(this.options.retryMs ?? 1000);
        continue;
      }
      await sleep(got > 0 ? BUSY_POLL_MS : (this.options.idlePollMs ?? 30));
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
