/**
 * esptool-js 0.7.0's `Transport` with unplugs seen at once. Its read loop stops when the port
 * errors (an unplugged board), but a pending `read(timeout)` only polls the input buffer and
 * so fails with "No serial data received" when its timeout (3 s and more) runs out; the
 * failure then reads as a TIMEOUT. Here the read loop ending without a `disconnect()` marks the
 * link lost and ends the pending read with the browser's "device has been lost" error, which
 * `toEspError` reports as DEVICE_LOST.
 */
import { Transport } from 'esptool-js';

/** SLIP_ESC followed by a byte that is not a valid escape: ends any pending `read()` at once. */
const READ_BREAKER = new Uint8Array([0xdb, 0x00]);

/** The error a read gets once the port stopped delivering data on its own. */
function lostError(): Error {
  return Object.assign(new Error('The device has been lost (its serial stream ended).'), {
    name: 'NetworkError',
  });
}

/** A {@link Transport} whose reads fail with a "device lost" error as soon as the port is gone. */
export class LossAwareTransport extends Transport {
  /** True once the read loop ended without a `disconnect()`: the board is gone. */
  lost = false;
  private closing = false;
  private loopGeneration = 0;

  /**
   * esptool-js 0.7.0 traces its read loop's end ("Serial port done", "readLoop exited") with
   * `console.log` even when tracing is off, which put stray lines into `webprog --json` output.
   * Trace only when asked to.
   */
  override trace(message: string): void {
    if (this.tracing) super.trace(message);
  }

  override async readLoop(): Promise<void> {
    const generation = ++this.loopGeneration;
    this.lost = false;
    await super.readLoop();
    // A loop replaced by a newer one (baud change reopens the port) or stopped by disconnect()
    // ended on purpose.
    if (generation !== this.loopGeneration || this.closing) return;
    this.lost = true;
    // `buffer` is private in the typings; the pending read polls it. The breaker makes that
    // read stop parsing and fail, and read() below turns the failure into the loss.
    const self = this as unknown as { buffer: Uint8Array };
    self.buffer = READ_BREAKER.slice();
  }

  override async read(timeout: number): Promise<Uint8Array> {
    if (this.lost) throw lostError();
    try {
      return await super.read(timeout);
    } catch (error) {
      if (this.lost) throw lostError();
      throw error;
    }
  }

  override async connect(baud?: number, serialOptions?: Parameters<Transport['connect']>[1]): Promise<void> {
    await super.connect(baud, serialOptions);
    this.closing = false;
    this.lost = false;
  }

  override async disconnect(): Promise<void> {
    this.closing = true;
    await super.disconnect();
  }
}
