/**
 * Keeps up to `packetCount` CMSIS-DAP command packets in flight and hands each caller its own
 * response, in order. Every response is checked against its command id; a mismatch means a
 * stale response sits in the probe's pipe (the known DAPLink failure), so the pipe marks itself
 * out of step and {@link DapPipe.drain} must run before it is used again.
 */
import { WebProgError, formatByte } from '../../../src/core/errors';
import { Cmd, InfoId } from './constants';
import type { PacketTransport } from './packet-transport';

/** The response to a command the probe's firmware does not know. */
const DAP_INVALID = 0xff;
/** Default wait for one response before the probe is declared unresponsive. */
const READ_TIMEOUT_MS = 5000;

/** An in-order pipeline of CMSIS-DAP commands. */
export class DapPipe {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private writeChain: Promise<unknown> = Promise.resolve();
  private readChain: Promise<unknown> = Promise.resolve();
  private outOfStep = false;
  private staleSeen = false;
  private lost: WebProgError | undefined;
  /** Packets sent so far (for tests and benchmarks). */
  packetsSent = 0;

  constructor(
    private readonly transport: PacketTransport,
    /** Packets the probe buffers (DAP_Info 0xFE). */
    public packetCount = 1,
    private readonly readTimeoutMs = READ_TIMEOUT_MS,
  ) {}

  /** True once the probe was lost (unplugged); a new pipe is needed after it comes back. */
  get isLost(): boolean {
    return this.lost !== undefined;
  }

  /** True after a response did not match its command; {@link drain} fixes it. */
  get needsDrain(): boolean {
    return this.outOfStep;
  }

  /** Records that responses no longer match their commands (found by a layer above). */
  markOutOfStep(): void {
    this.outOfStep = true;
    this.staleSeen = true;
  }

  /** True if stale responses were found since the last call; clears the flag. */
  takeStaleSeen(): boolean {
    const seen = this.staleSeen;
    this.staleSeen = false;
    return seen;
  }

  /** Sends `packet` and resolves with its response (whose first byte is the command id). */
  async command(packet: Uint8Array): Promise<Uint8Array> {
    if (this.lost) throw this.lost;
    if (this.outOfStep) {
      throw new WebProgError('DEVICE_PROTOCOL', 'The probe answered out of order; it must be drained first.');
    }
    await this.acquire();
    try {
      const written = this.writeChain.then(() => {
        this.packetsSent++;
        return this.transport.write(packet);
      });
      this.writeChain = written.catch(() => undefined);
      const response = Promise.all([written, this.readChain]).then(() => this.readWithTimeout());
      this.readChain = response.catch(() => undefined);
      const data = await response;
      // ID_DAP_Invalid (0xFF) answers a command the probe does not have (a vendor command).
      if (data[0] !== packet[0] && data[0] !== DAP_INVALID) {
        this.markOutOfStep();
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `The probe answered command ${formatByte(packet[0])} with a response to ${formatByte(data[0])}: a stale response was in the pipe.`,
        );
      }
      return data;
    } catch (error) {
      if (error instanceof WebProgError && error.code === 'DEVICE_LOST') this.lost = error;
      throw error;
    } finally {
      this.release();
    }
  }

  /**
   * Reads and discards stale responses: sends DAP_Info requests one at a time until a response
   * comes back that answers the request just sent, twice in a row.
   */
  async drain(maxReads = 16): Promise<number> {
    if (this.lost) throw this.lost;
    await this.idle();
    let discarded = 0;
    let matched = 0;
    const ids = [InfoId.PacketCount, InfoId.PacketSize];
    for (let attempt = 0; attempt < maxReads && matched < 2; attempt++) {
      const id = ids[matched];
      await this.transport.write(new Uint8Array([Cmd.Info, id]));
      this.packetsSent++;
      let response = await this.readWithTimeout();
      // Read past stale responses to the one answering this request.
      while (!isInfoResponse(response, id)) {
        discarded++;
        if (discarded > maxReads) {
          throw new WebProgError(
            'DEVICE_PROTOCOL',
            'The probe keeps answering with unexpected data; unplug it and plug it in again.',
          );
        }
        response = await this.readWithTimeout();
      }
      matched++;
    }
    this.outOfStep = false;
    if (discarded > 0) this.staleSeen = true;
    return discarded;
  }

  /** Resolves once no command is in flight. */
  async idle(): Promise<void> {
    await this.writeChain;
    await this.readChain;
  }

  private async readWithTimeout(): Promise<Uint8Array> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new WebProgError('TIMEOUT', `The probe did not answer within ${this.readTimeoutMs} ms.`)),
        this.readTimeoutMs,
      );
    });
    try {
      return await Promise.race([this.transport.read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < Math.max(1, this.packetCount)) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => (this.inFlight++, resolve())));
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }
}

function isInfoResponse(response: Uint8Array, id: number): boolean {
  if (response[0] !== Cmd.Info) return false;
  if (id === InfoId.PacketCount) return response[1] === 1;
  if (id === InfoId.PacketSize) return response[1] === 2;
  return true;
}
