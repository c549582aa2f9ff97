/**
 * The two reset-into-download-mode sequences esptool (`esptool/reset.py`) uses on a USB-UART
 * bridge, for esptool-js's `resetConstructors`. Both drive Espressif's two-transistor circuit
 * (RTS → EN, DTR → IO0, /work/shared/reference/esp-serial-protocol.md §9):
 *
 * - ClassicReset, the only one on Windows: one line per call, so the lines pass through a moment
 *   with both asserted; the board's RC delay on EN keeps the chip in reset through it.
 * - UnixTightReset: both lines set together at every step.
 *
 * esptool.py tries them in turn (tight, then classic) with a 50 ms delay between releasing EN and
 * releasing IO0, then again with 550 ms for boards whose EN capacitor is large (10 µF). esptool-js
 * 0.7.0 asks its `classicReset` constructor once for the 50 ms and once for the 550 ms attempt,
 * alternating; {@link AlternatingReset} makes each of those alternate between the two sequences.
 */
import { ClassicReset, type Transport } from 'esptool-js';

/** Milliseconds EN is held low (esptool reset.py). */
const EN_LOW_MS = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A reset strategy as esptool-js 0.7.0 calls it. */
export interface ResetSequence {
  reset(): Promise<void>;
}

/** esptool's ClassicReset: DTR and RTS set one call at a time (esptool-js's setRTS re-sends DTR). */
export class ClassicResetSeparateLines implements ResetSequence {
  constructor(
    private readonly transport: Transport,
    private readonly delayMs: number,
  ) {}

  async reset(): Promise<void> {
    const t = this.transport;
    await t.setDTR(false); // IO0 high
    await t.setRTS(true); // EN low: chip in reset
    await sleep(EN_LOW_MS);
    await t.setDTR(true); // IO0 low (both lines asserted for a moment: EN released)
    await t.setRTS(false); // EN released, IO0 still low
    await sleep(this.delayMs);
    await t.setDTR(false); // IO0 high again
  }
}

/** esptool's UnixTightReset: both lines at once at every step. */
export class UnixTightReset implements ResetSequence {
  constructor(
    private readonly port: SerialPort,
    private readonly delayMs: number,
  ) {}

  async reset(): Promise<void> {
    const lines = (dtr: boolean, rts: boolean) =>
      this.port.setSignals({ dataTerminalReady: dtr, requestToSend: rts });
    await lines(false, false);
    await lines(true, true);
    await lines(false, true); // IO0 high, EN low: chip in reset
    await sleep(EN_LOW_MS);
    await lines(true, false); // IO0 low, EN released
    await sleep(this.delayMs);
    await lines(false, false); // IO0 high
    await this.port.setSignals({ dataTerminalReady: false });
  }
}

/**
 * Tries UnixTightReset first, ClassicReset (one line per call) on the next call, and so on; an
 * esptool-js `ClassicReset` so it fits `resetConstructors.classicReset`.
 */
export class AlternatingReset extends ClassicReset {
  private calls = 0;
  private readonly sequences: readonly ResetSequence[];

  constructor(transport: Transport, resetDelay: number) {
    super(transport, resetDelay);
    this.sequences = [
      new UnixTightReset(transport.device, resetDelay),
      new ClassicResetSeparateLines(transport, resetDelay),
    ];
  }

  override reset(): Promise<void> {
    return this.sequences[this.calls++ % this.sequences.length].reset();
  }
}

/** esptool-js `resetConstructors` for a board behind a USB-UART bridge. */
export const BRIDGE_RESETS = {
  classicReset: (transport: Transport, resetDelay: number) => new AlternatingReset(transport, resetDelay),
};
