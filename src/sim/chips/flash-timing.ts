/**
 * When a flash controller's current operation ends, and what the CPU does meanwhile: an
 * access to the flash array while it is busy stalls the bus until the operation ends (the CPU
 * simply waits; the debugger's MEM-AP answers WAIT until then).
 */
import type { VirtualClock } from '../clock';

/** Busy-time bookkeeping shared by the flash controllers. */
export class FlashBusy {
  /** Device time at which the current operation ends. */
  busyUntil = 0;

  constructor(
    private readonly clock: VirtualClock,
    /** Multiplier applied to every duration (0 = instant). */
    private readonly scale: number,
  ) {}

  /** True while an operation is in progress. */
  get busy(): boolean {
    return this.clock.nowUs < this.busyUntil;
  }

  /** Starts an operation of `datasheetUs` (after the current one, if any). */
  start(datasheetUs: number): void {
    const begin = Math.max(this.clock.nowUs, this.busyUntil);
    this.busyUntil = begin + datasheetUs * this.scale;
  }

  /** For a CPU access: waits (advances time) until the current operation has ended. */
  stallCpu(): void {
    this.clock.advanceTo(this.busyUntil);
  }

  /** The stall time a debugger access would see (0 if none). */
  stallUntil(): number {
    return this.busy ? this.busyUntil : 0;
  }

  /** When the controller's status next changes by itself: the end of the operation, if any. */
  get nextChangeUs(): number {
    return this.busy ? this.busyUntil : Infinity;
  }

  /** For a CPU read of the array: unchanged until written while idle; none while busy (stall). */
  get arrayNextChangeUs(): number {
    return this.busy ? 0 : Infinity;
  }

  /** Ends any operation at once (system reset). */
  finish(): void {
    this.busyUntil = 0;
  }
}
