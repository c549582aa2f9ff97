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

/**
 * The core on its bus, fast-forward off; `fastDecode` picks FastThumb or rp2040js's decode,
 * `blocks` FastThumb's translated blocks (translated the first time they are reached) or its
 * own loop (default off), `hz` the core clock (default 64 MHz).
 */
export function randomCoreSystem(fastDecode: boolean, options: { blocks?: boolean; hz?: number } = {}) {
  const clock = new VirtualClock();
  const ram = new Uint8Array(RAM_SIZE);
  const bus = new SystemBus(RAM, ram);
  const device = new Recorder();
  bus.map(DEVICE, 0x1000, device);
  const runner = new CpuRunner(bus, clock, options.hz ?? 64_000_000);
  runner.fastDecode = fastDecode;
  runner.fastBlocks = options.blocks ?? false;
  runner.translateBlocksAfter = 1; // every block translated the first time it is reached
  runner.fastForward = false;
  return { clock, ram, runner, device };
}

/** A checksum of SRAM that any changed word changes. */
function sramChecksum(words: Uint32Array): string {
  let a = 0;
  let b = 0;
  for (let i = 0; i < words.length; i++) {
    a = (a + Math.imul(words[i], 2 * i + 1)) | 0;
    b = (b ^ Math.imul(words[i] ^ i, 0x85ebca6b)) | 0;
  }
  return `${a >>> 0}:${b >>> 0}`;
}

/** A system from {@link randomCoreSystem}. */
export type RandomCoreSystem = ReturnType<typeof randomCoreSystem>;

/**
 * Puts `opcodes` at {@link CODE} of `s` over random SRAM, gives the core the random state `seed`
 * draws (registers into SRAM, unaligned, into the device, unmapped; random flags), lets `us` of
 * virtual time pass, and returns everything observable as one line: registers, APSR, IPSR,
 * cycles, clock, SRAM, device accesses, faults and the core's state. Two systems that see the
 * same sequence of runs also carry the same leftovers (a fault's exception state).
 */
export function runFromRandomState(
  s: RandomCoreSystem,
  opcodes: readonly number[],
  seed: number,
  us: number,
): string {
  const next = prng(seed);
  const words = new Uint32Array(s.ram.buffer);
  for (let i = 0; i < words.length; i++) words[i] = next();
  opcodes.forEach((opcode, i) => {
    s.ram[CODE - RAM + 2 * i] = opcode & 0xff;
    s.ram[CODE - RAM + 2 * i + 1] = opcode >> 8;
  });
  s.device.log.length = 0;
  s.runner.faults.length = 0;
  s.runner.state = 'running';
  s.runner.tBit = true;
  const core = s.runner.core;
  for (let i = 0; i < 15; i++) core.registers[i] = registerValue(next, { small: 64, unmapped: true });
  core.registers[13] = (RAM + 0x400 + (next() % 0x200)) & ~3;
  core.registers[15] = CODE;
  core.APSR = next() & 0xf0000000;
  core.IPSR = 0;
  core.cycles = 0;
  s.clock.nowUs = 0;
  s.runner.runFor(us);
  return [
    Array.from(core.registers).join(','),
    core.APSR >>> 0,
    core.IPSR,
    core.cycles,
    s.clock.nowUs,
    sramChecksum(words),
    s.device.log.join(','),
    JSON.stringify(s.runner.faults),
    s.runner.state,
  ].join(' ');
}
