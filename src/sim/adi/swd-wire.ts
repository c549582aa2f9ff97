/**
 * What a CMSIS-DAP probe's SWD engine sees of a target: one SWD packet at a time (request,
 * ACK, data), raw bit sequences on SWDIO/SWCLK, the nRESET pin, and time passing on the
 * target while the wire is busy.
 */

/** SWD ACK values as CMSIS-DAP reports them (response bits 2:0). */
export const ACK = { OK: 1, WAIT: 2, FAULT: 4, NO_ACK: 7 } as const;

/** Request bits in CMSIS-DAP's encoding (DAP_Transfer request byte). */
export const REQ = { APnDP: 1, RnW: 2, A2: 4, A3: 8 } as const;

/** The target side of the SWD wire. */
export interface SwdWire {
  /**
   * Performs one SWD packet. `request` holds APnDP/RnW/A[3:2] as in a DAP_Transfer request
   * byte; `data` is the write data. Returns the ACK; read data is then in {@link readData}.
   */
  transfer(request: number, data: number): number;
  /** Data of the last successful read packet. */
  readonly readData: number;
  /** Clocks `bitCount` bits out on SWDIO (LSB first from `bits`), as DAP_SWJ_Sequence does. */
  sequence(bitCount: number, bits: Uint8Array): void;
  /** Lets `us` microseconds pass on the target (the CPU runs meanwhile if it may). */
  elapse(us: number): void;
  /** Drives nRESET (false = asserted low). */
  setResetPin(high: boolean): void;
  /** The level on nRESET (false if the target holds itself in reset). */
  readonly resetPinHigh: boolean;
}
