/**
 * The virtual clock of a simulated ESP board. Every byte on the UART costs 10 bit times
 * (8N1: start + 8 data + stop) at the baud rate in force, in both directions, and the chip adds
 * its own busy time (flash erase/program, reset and boot). The clock keeps the modeled time in
 * seconds so benchmarks can report what real hardware would take.
 *
 * Two latency modes:
 * - `'zero'`: no wall-clock waiting; the host acts at the modeled time of the latest data it has
 *   received (or of its own previous action), never at that of data still on its way to it. So
 *   a host that sends a second packet before the reply to the first is modeled as sending it
 *   then, as on hardware, and not after a reply it has not seen.
 * - `'real'`: data is delivered when the model says it arrives (wall time × `timeScale`), and the
 *   host acts at wall time, so esptool-js's own sleeps and timeouts meet a realistic board.
 */

/** Latency mode of a simulated board. */
export type LatencyMode = 'real' | 'zero';

/** UART frame length in bit times for 8 data bits, no parity, 1 stop bit. */
export const BITS_PER_BYTE = 10;

/** Seconds it takes to send `byteCount` bytes at `baud` (8N1). */
export function lineSeconds(byteCount: number, baud: number): number {
  return (byteCount * BITS_PER_BYTE) / baud;
}

/** Options of {@link WireClock}. */
export interface WireClockOptions {
  /** `'zero'` (default) or `'real'`. */
  latency?: LatencyMode;
  /** In `'real'` mode, modeled seconds per wall second (2 = twice as fast as hardware). */
  timeScale?: number;
  /** Wall clock in seconds; defaults to `performance.now() / 1000`. */
  wallSeconds?: () => number;
}

/** Modeled time of one board (seconds since the board was created). */
export class WireClock {
  /** Latency mode. */
  readonly latency: LatencyMode;
  /** Modeled seconds per wall second in `'real'` mode. */
  readonly timeScale: number;
  private readonly wallSeconds: () => number;
  private readonly wallStart: number;
  private modeled = 0;
  private lastHostTime = 0;
  /** 'zero' mode: modeled time of the latest data handed to the host. */
  private seen = 0;

  constructor(options: WireClockOptions = {}) {
    this.latency = options.latency ?? 'zero';
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new RangeError('timeScale must be positive');
    this.wallSeconds = options.wallSeconds ?? (() => performance.now() / 1000);
    this.wallStart = this.wallSeconds();
  }

  /** The latest modeled event time, in seconds. */
  now(): number {
    return this.modeled;
  }

  /**
   * The modeled time at which the host acts now. In `'zero'` mode the host is as fast as the
   * data it has received: the time of the latest data delivered to it ({@link received}) or of
   * its own previous action, whichever is later (events it has not seen yet, such as a reply
   * still in the bridge, do not hold it back); in `'real'` mode it is the scaled wall time.
   */
  hostNow(): number {
    const t = this.latency === 'zero' ? this.seen : this.wallElapsed();
    this.lastHostTime = Math.max(this.lastHostTime, t);
    this.observe(this.lastHostTime);
    return this.lastHostTime;
  }

  /**
   * Data (or a port event) reached the host at modeled time `t`. Simulators deliver data with
   * `SimSerialPort.deliver(bytes, t, clock)`, which calls this: they never call it for data.
   */
  received(t: number): void {
    this.observe(t);
    if (t > this.seen) this.seen = t;
  }

  /** Records that something happened at modeled time `t` (the clock never goes back). */
  observe(t: number): void {
    if (t > this.modeled) this.modeled = t;
  }

  /** Wall-clock milliseconds from now until modeled time `t` (0 in `'zero'` mode or if past). */
  wallDelayMs(t: number): number {
    if (this.latency === 'zero') return 0;
    return Math.max(0, ((t - this.wallElapsed()) / this.timeScale) * 1000);
  }

  private wallElapsed(): number {
    return (this.wallSeconds() - this.wallStart) * this.timeScale;
  }
}
