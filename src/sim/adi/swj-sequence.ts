/**
 * Watches the bits a probe clocks out on SWDIO/TMS (DAP_SWJ_Sequence) for the two sequences
 * that matter to an SWJ-DP / SW-DP: a line reset (at least 50 clocks with the line high) and
 * the 16-bit JTAG-to-SWD select value 0xE79E (sent LSB first), which only counts right after
 * a line reset. Source: Arm ADIv5 "SWJ-DP" chapter; dapjs/pyOCD send 7×0xFF, 0xE79E, 7×0xFF.
 */

/** Events a bit stream can produce. */
export interface SwjEvents {
  /** ≥ 50 ones were seen and the line then went low (or the stream ended high). */
  lineReset(): void;
  /** The JTAG-to-SWD sequence followed a line reset. */
  jtagToSwd(): void;
}

const JTAG_TO_SWD = 0xe79e;
const LINE_RESET_ONES = 50;

/** Incremental detector: feed it bits in order. */
export class SwjSequenceDetector {
  private ones = 0;
  private afterReset = false;
  private shift = 0;
  private shiftCount = 0;

  constructor(private readonly events: SwjEvents) {}

  /** Processes `bitCount` bits, LSB first from `bits`. */
  feed(bitCount: number, bits: Uint8Array): void {
    for (let i = 0; i < bitCount; i++) {
      const bit = (bits[i >>> 3] >>> (i & 7)) & 1;
      if (bit === 1) {
        this.ones++;
        if (this.ones === LINE_RESET_ONES) {
          this.afterReset = true;
          this.shift = 0;
          this.shiftCount = 0;
          this.events.lineReset();
          continue;
        }
      } else {
        this.ones = 0;
      }
      if (this.afterReset && this.ones < LINE_RESET_ONES) {
        this.shift = (this.shift >>> 1) | (bit << 15);
        this.shiftCount++;
        if (this.shiftCount === 16) {
          if (this.shift === JTAG_TO_SWD) this.events.jtagToSwd();
          this.afterReset = false;
        }
      }
    }
  }

  /** A SWD packet was sent: the line-reset run and any pending select sequence are broken. */
  interrupt(): void {
    this.ones = 0;
    this.afterReset = false;
  }
}
