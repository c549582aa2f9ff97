/**
 * An ADIv5 Access Port as the DP sees it: registers addressed by APBANKSEL·16 + A[3:2].
 * Accesses that fail on the target side throw `BUS_FAULT` (the DP turns that into a sticky
 * error); accesses the target cannot take yet report a stall time (the DP answers WAIT).
 */

/** An access port behind the SW-DP. */
export interface AccessPort {
  /** The IDR value (register 0xFC). */
  readonly idr: number;
  /** Device time until which an access to `register` would stall (0 = none). */
  stallUntil(register: number, write: boolean): number;
  /** Reads `register`; throws `BUS_FAULT` on a failed bus access. */
  read(register: number): number;
  /** Writes `register`; throws `BUS_FAULT` on a failed bus access. */
  write(register: number, value: number): void;
}
