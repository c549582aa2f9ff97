/**
 * A minimal host for the simulator's own tests, written from R01AN0815 as rl78flash drives a
 * chip (not from WebProg's backend): open the port, enter programming mode, send frames, and
 * collect the chip's answers with the single-wire echo removed.
 */
import type { SimulatedRl78Board } from './board';
import { ETX, SOH, STX, frameSum } from './protocol';

/** A raw protocol host over a simulated board's port. */
export class TestHost {
  /** Every byte the host's RxD received, in order. */
  readonly received: number[] = [];
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private consumed = 0;

  constructor(private readonly board: SimulatedRl78Board) {}

  /** Opens the port (at 115200 Bd unless told) and starts collecting. */
  async open(baudRate = 115_200): Promise<void> {
    await this.board.port.open({ baudRate });
    this.reader = this.board.port.readable!.getReader();
    this.writer = this.board.port.writable!.getWriter();
    void (async () => {
      for (;;) {
        const r = await this.reader!.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) return;
        this.received.push(...r.value!);
      }
    })();
  }

  /** Closes the port (what a host must do to change its rate where it cannot in place). */
  async close(): Promise<void> {
    await this.reader?.cancel().catch(() => undefined);
    this.reader?.releaseLock();
    this.writer?.releaseLock();
    this.reader = null;
    this.writer = null;
    await this.board.port.close();
  }

  /** RESET low, TOOL0 low, RESET high, TOOL0 high, then the mode byte. */
  async enter(modeByte = 0x3a, resetOn: 'dtr' | 'rts' = 'dtr'): Promise<void> {
    const line = (v: boolean) => (resetOn === 'dtr' ? { dataTerminalReady: v } : { requestToSend: v });
    await this.board.port.setSignals({ dataTerminalReady: false, requestToSend: false });
    await this.board.port.setSignals({ ...line(true), break: true });
    await this.board.port.setSignals(line(false));
    await this.board.port.setSignals({ break: false });
    await this.write([modeByte]);
    await this.settle();
  }

  /** Writes raw bytes. */
  async write(bytes: number[] | Uint8Array): Promise<void> {
    await this.writer!.write(Uint8Array.from(bytes));
    await this.settle();
  }

  /** Sends a command frame. */
  async command(code: number, data: number[] = []): Promise<void> {
    const body = [data.length + 1, code, ...data];
    await this.write([SOH, ...body, frameSum(Uint8Array.from(body)), ETX]);
  }

  /** Sends a data frame. */
  async data(bytes: Uint8Array, last: boolean): Promise<void> {
    const body = [bytes.length & 0xff, ...bytes];
    await this.write([STX, ...body, frameSum(Uint8Array.from(body)), last ? ETX : 0x17]);
  }

  /** Skips `n` echoed bytes. */
  skip(n: number): void {
    this.consumed += n;
  }

  /** Bytes not yet taken. */
  get pending(): number[] {
    return this.received.slice(this.consumed);
  }

  /** Takes the next frame's data (after skipping the echo of `echo` bytes first). */
  frame(): number[] {
    const rest = this.pending;
    if (rest.length < 2 || rest[0] !== STX) throw new Error(`no frame: ${rest.join(',')}`);
    const len = rest[1] === 0 ? 256 : rest[1];
    const data = rest.slice(2, 2 + len);
    if (frameSum(Uint8Array.from(rest.slice(1, 2 + len))) !== rest[2 + len]) throw new Error('bad sum');
    this.consumed += len + 4;
    return data;
  }

  /** Lets delivered chunks reach the collector. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  }
}
