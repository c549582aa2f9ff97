/**
 * Modeled time of one simulated probe and its target. Nothing in the simulator sleeps: every
 * USB transfer, SWD bit, CPU cycle and flash operation moves this clock forward instead, so
 * tests run as fast as the host allows and benchmarks can report what real hardware would take.
 */

/** How long things take on the modeled hardware. */
export interface LatencyProfile {
  /** One USB command/response round trip with nothing else in flight, in µs. */
  usbRoundTripUs: number;
  /** Highest SWD clock the probe really reaches, in Hz (DAPLink bit-bangs ≈ 2 MHz). */
  probeMaxSwdHz: number;
  /** Multiplier for the chip's erase/program times: 1 = as modeled, 0 = instant. */
  flashTimeScale: number;
  /**
   * Which flash timings the chips use: 'typical' (measured silicon, the default) or 'worst'
   * (datasheet maxima); see `chips/timing-profiles.ts`.
   */
  flashTiming?: 'typical' | 'worst';
}

/**
 * A full-speed DAPLink (reference notes: 1.7–2.4 ms per WebUSB command, SWD ≈ 1.7–2.3 MHz
 * effective), with typical flash timings.
 */
export const DAPLINK_LATENCY: Readonly<LatencyProfile> = Object.freeze({
  usbRoundTripUs: 1500,
  probeMaxSwdHz: 2_000_000,
  flashTimeScale: 1,
  flashTiming: 'typical',
});

/** {@link DAPLINK_LATENCY} on a chip that takes the datasheet's maximum for every operation. */
export const DAPLINK_WORST_CASE: Readonly<LatencyProfile> = Object.freeze({
  ...DAPLINK_LATENCY,
  flashTiming: 'worst',
});

/**
 * No USB latency and instant flash operations, for fast tests. SWD bits and CPU cycles still
 * take time, so a polled CPU keeps making progress.
 */
export const ZERO_LATENCY: Readonly<LatencyProfile> = Object.freeze({
  usbRoundTripUs: 0,
  probeMaxSwdHz: 50_000_000,
  flashTimeScale: 0,
});

/** A profile by name, or a custom one. */
export type LatencyOption = 'daplink' | 'zero' | LatencyProfile;

/** The profile an option names. */
export function resolveLatency(option: LatencyOption | undefined): LatencyProfile {
  if (option === undefined || option === 'daplink') return { ...DAPLINK_LATENCY };
  if (option === 'zero') return { ...ZERO_LATENCY };
  return { ...option };
}

/**
 * The per-device virtual clock. `nowUs` is the device's present (it advances with SWD
 * transfers, CPU cycles and stalls); `hostUs` is when the host last received a response.
 */
export class VirtualClock {
  /** Device time in µs since the device was created. */
  nowUs = 0;
  /** Host time in µs: when the last response reached the host. */
  hostUs = 0;

  /** Device time in ms. */
  get nowMs(): number {
    return this.nowUs / 1000;
  }

  /** Modeled elapsed time as the host sees it, in ms (the later of host and device time). */
  get elapsedMs(): number {
    return Math.max(this.nowUs, this.hostUs) / 1000;
  }

  /** Moves device time forward by `us` (negative or NaN values are ignored). */
  advance(us: number): void {
    if (us > 0) this.nowUs += us;
  }

  /** Moves device time forward to `us` if that is later than now. */
  advanceTo(us: number): void {
    if (us > this.nowUs) this.nowUs = us;
  }
}
