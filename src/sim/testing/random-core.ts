/**
 * A simulated core for tests that execute single instructions from random states: 2 KiB of
 * SRAM (the instruction at {@link CODE}), a device that records every access, and a small
 * deterministic PRNG for the states.
 */
import { VirtualClock } from '../clock';
import { SystemBus, type BusDevice } from '../cortex-m/bus';
import { CpuRunner } from '../cortex-m/cpu-runner';

/** Where the SRAM starts. */
export const RAM = 0x20000000;
/** Its size. */
export const RAM_SIZE = 0x800;
/** Where the recording device is mapped (4 KiB). */
export const DEVICE = 0x40000000;
/** Where the instruction under test is placed. */
export const CODE = RAM + 0x780;

/** A device that records accesses and answers reads with a value derived from the address. */
export class Recorder implements BusDevice {
  /** Every access, as `r4@offset` or `w4@offset=value`. */
  readonly log: string[] = [];
  read(offset: number, size: number): number {
    this.log.push(`r${size}@${offset}`);
    return Math.imul(offset + 1, 0x9e3779b1) >>> 0;
  }
  write(offset: number, value: number, size: number): void {
    this.log.push(`w${size}@${offset}=${value}`);
  }
}

/** A small deterministic PRNG (xorshift32). */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * A random register value: in SRAM (word-aligned or not), in the device, small (below
 * `small`), anything, and with `unmapped` also at an address nothing answers.
 */
export function registerValue(next: () => number, kinds: { small: number; unmapped: boolean }): number {
  switch (next() % (kinds.unmapped ? 6 : 5)) {
    case 0:
      return (RAM + (next() % 0x700)) & ~3;
    case 1:
      return RAM + (next() % 0x700);
    case 2:
      return DEVICE + (next() % 0x100);
    case 3:
      return next() % kinds.small;
    case 4:
      return kinds.unmapped ? 0x80000000 + (next() % 0x1000) : next();
    default:
      return next();
  }
}

/** The core on its bus at 64 MHz, fast-forward off; `fastDecode` picks FastThumb or rp2040js's decode. */
export function randomCoreSystem(fastDecode: boolean) {
  const clock = new VirtualClock();
  const ram = new Uint8Array(RAM_SIZE);
  const bus = new SystemBus(RAM, ram);
  const device = new Recorder();
  bus.map(DEVICE, 0x1000, device);
  const runner = new CpuRunner(bus, clock, 64_000_000);
  runner.fastDecode = fastDecode;
  runner.fastForward = false;
  return { clock, ram, runner, device };
}
