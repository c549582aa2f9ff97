/**
 * Fast-forward of idle poll loops. A core spinning on a flash controller's READY bit executes
 * the same few instructions hundreds of thousands of times per erase; modeling each one costs
 * wall time and changes nothing. The runner watches every taken backward branch; this class
 * then records one iteration of the loop (the instructions' cycles, every read including the
 * instruction fetches, and which registers and flags each instruction reads and writes:
 * {@link decodeRegisterUse}). An iteration depends only on the registers and flags it reads
 * before writing them (its inputs), on what it reads from memory, and on the mode and masks.
 * If it wrote no memory, took no stall or event, and left its inputs, the mode and the masks as
 * it found them (changing only registers and flags it writes without reading them first, such
 * as the register a poll loads), every later iteration does the same for as long as what it
 * reads stays the same, and ends with the same values in what it writes. Each device read
 * reports when it next changes ({@link BusDevice.nextChangeUs}); the loop is skipped by whole
 * iterations up to the first one that could observe a change or would cross the end of the
 * time slice the runner was given, adding each instruction's time to the clock in the order
 * the core would (so the floating-point clock is bit-for-bit what stepping gives), and
 * advancing the cycle and instruction counters. That iteration then executes normally. The
 * skip is kept and reused at the same head whenever the inputs, mode, masks and memory reads
 * match again (the same wait entered with other values in registers the loop does not read),
 * writing back the values the recorded iteration left in its outputs. Nothing is recognised by
 * address or by shape: vendor flash algorithms and user code are treated alike.
 */
import type { VirtualClock } from '../clock';
import { CPU, type SystemBus } from './bus';
import { USE_ALL, decodeRegisterUse, isWideOpcode, type RegisterUse } from './register-use';
import type { CortexM0Core } from './rp2040-core';

/** A taken branch back by at most this many bytes starts watching a loop. */
export const MAX_LOOP_BYTES = 256;
/** Loops with longer bodies are not fast-forwarded. */
const MAX_BODY_INSTRUCTIONS = 48;
const MAX_BODY_READS = 32;
/** After n failed attempts at one loop head, it is left alone for 2^n branches (n ≤ this). */
const MAX_STRIKE_SHIFT = 12;
/** Loop heads remembered for that (direct-mapped by address; a collision only costs time). */
const COOLDOWN_SLOTS = 1024;
const NO_HEAD = 0xffffffff; // odd: never an instruction address
const STATE_WORDS = 19;

/** Copies everything about the core that an instruction can change, other than memory. */
function captureState(core: CortexM0Core, out: Uint32Array): void {
  out.set(core.registers);
  out[16] = flagsAndMode(core);
  out[17] = core.IPSR;
  out[18] = core.bankedSP;
}

/** Word 16 of {@link captureState}'s layout: the flags in bits 0–3, then mode and masks. */
function flagsAndMode(core: CortexM0Core): number {
  return (
    (core.N ? 1 : 0) |
    (core.Z ? 2 : 0) |
    (core.C ? 4 : 0) |
    (core.V ? 8 : 0) |
    (core.PM ? 16 : 0) |
    (core.SPSEL << 5) |
    (core.nPRIV ? 64 : 0) |
    (core.currentMode << 7) |
    (core.eventRegistered ? 256 : 0) |
    (core.waiting ? 512 : 0)
  );
}

/** The flag bits (N, Z, C, V: bits 0–3 of word 16) of a use mask ({@link RegisterUse}). */
function flagBits(useMask: number): number {
  return (useMask >>> 16) & 0xf;
}

/**
 * The registers (r0–r14, bits 0–14) and flags (bits 16–19, as {@link RegisterUse}) in which
 * the states `a` and `b` differ; -1 if they differ in mode, masks, IPSR or the banked SP.
 */
function stateDifference(a: Uint32Array, b: Uint32Array): number {
  const other = a[16] ^ b[16];
  if ((other & ~0xf) !== 0 || a[17] !== b[17] || a[18] !== b[18]) return -1;
  let diff = other << 16;
  for (let i = 0; i < 15; i++) if (a[i] !== b[i]) diff |= 1 << i;
  return diff;
}

/** Writes the indices of the registers (r0–r14) in `useMask` to `out`; returns how many. */
function registerList(useMask: number, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < 15; i++) if ((useMask >>> i) & 1) out[n++] = i;
  return n;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the 32-bit half of a double that holds its sign and exponent. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** The exponent e of `t` with 2^e ≤ t < 2^(e+1), for a positive normal `t`; NaN otherwise. */
function binade(t: number): number {
  F64[0] = t;
  const biased = (U32[HI] >>> 20) & 0x7ff;
  return t > 0 && biased !== 0 && biased !== 0x7ff ? biased - 1023 : NaN;
}

/** 2^k for every k a binade's upper end can have (`2 ** k` is slow to compute each time). */
const POW2_MIN = -1021;
const POW2 = Float64Array.from({ length: 1024 - POW2_MIN + 1 }, (_, i) => 2 ** (i + POW2_MIN));

/** Number of trailing zero bits of a 32-bit value that is not 0. */
function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * The exponent of the lowest set bit of `step` (`step` is a multiple of 2 to that power), for a
 * positive normal `step`; NaN otherwise.
 */
function lowestBitExponent(step: number): number {
  const e = binade(step);
  if (Number.isNaN(e)) return NaN;
  F64[0] = step;
  const lo = U32[LO];
  const hi = U32[HI] & 0xfffff;
  const zeros = lo !== 0 ? trailingZeros(lo) : hi !== 0 ? 32 + trailingZeros(hi) : 52;
  return e - 52 + zeros;
}

/**
 * How many whole iterations of `period` (the sum of the steps, each a multiple of 2 to the
 * power `stepsLowBit`) can be added to `t` with every addition exact: each step is a multiple
 * of the unit in the last place of `t` and the sum stays within `t`'s binade, so `t + n·period`
 * is what adding the steps one by one gives. 0 if that does not hold.
 */
function exactIterations(t: number, stepsLowBit: number, period: number, limit: number): number {
  const e = binade(t);
  // ulp(t) = 2^(e − 52); every step a multiple of it (false for NaN: then nothing is exact).
  if (!(stepsLowBit >= e - 52)) return 0;
  const bound = Math.min(limit, POW2[e + 1 - POW2_MIN]);
  let n = Math.floor((bound - t) / period);
  while (n > 0 && t + n * period > bound) n--;
  return n > 0 ? n : 0;
}

/** Counters of what the fast-forward did (for tests and the bench). */
export interface FastForwardStats {
  /** Loops skipped (one per fast-forward). */
  skips: number;
  /** Instructions not executed because their iterations were skipped. */
  skippedInstructions: number;
  /** Loop iterations recorded to find out whether they can be skipped. */
  recorded: number;
}

/** Watches backward branches of one core and fast-forwards its idle loops. */
export class IdleLoops implements FastForwardStats {
  /** True while one iteration of a loop is being recorded. */
  recording = false;
  skips = 0;
  skippedInstructions = 0;
  recorded = 0;
  private head = -1;
  private attempts = 0;
  private dirty = false;
  private readonly startState = new Uint32Array(STATE_WORDS);
  private readonly endState = new Uint32Array(STATE_WORDS);
  private startUs = 0;
  private startCycles = 0;
  /** Time each recorded instruction added to the clock, in order. */
  private readonly steps = new Float64Array(MAX_BODY_INSTRUCTIONS + 1);
  private stepCount = 0;
  private reads = 0;
  /** The earliest time one of the recorded iteration's reads may see another value. */
  private changeUs = Infinity;
  /** Address and size of each read of the recorded iteration. */
  private readonly readAddress = new Uint32Array(MAX_BODY_READS);
  private readonly readSize = new Uint8Array(MAX_BODY_READS);
  /**
   * Registers and flags the recorded iteration read before writing them (its inputs), and
   * those it wrote ({@link RegisterUse} masks).
   */
  private inputs = 0;
  private outputs = 0;
  /** The core was in Handler mode at the loop head (BX and POP {PC} may return). */
  private handlerMode = false;
  private readonly use: RegisterUse = { reads: 0, writes: 0 };
  /**
   * The last loop skipped, kept to skip it again without recording an iteration when the core
   * is back at its head with the same inputs, mode and masks, and every read it made still
   * returns what it did (the next time slice of the same wait, or the same wait entered again
   * with other values in registers the loop does not read): head, the state at the end of the
   * recorded iteration, its inputs and outputs, steps, cycles of an iteration, core clock, and
   * each read with its value.
   */
  private replayHead = NO_HEAD;
  private readonly replayState = new Uint32Array(STATE_WORDS);
  /** The input registers (indices), how many, and the input flags (bits 0–3 of word 16). */
  private readonly replayInputRegisters = new Uint8Array(15);
  private replayInputCount = 0;
  private replayInputFlags = 0;
  /** The output registers (indices), how many, and the output flags. */
  private readonly replayOutputRegisters = new Uint8Array(15);
  private replayOutputCount = 0;
  private replayOutputFlags = 0;
  private readonly replaySteps = new Float64Array(MAX_BODY_INSTRUCTIONS + 1);
  private replayStepCount = 0;
  private replayCycles = 0;
  private replayUsPerCycle = 0;
  private replayReads = 0;
  private readonly replayAddress = new Uint32Array(MAX_BODY_READS);
  private readonly replaySize = new Uint8Array(MAX_BODY_READS);
  private readonly replayValue = new Uint32Array(MAX_BODY_READS);
  /**
   * The last {@link replay} failed because what the loop reads changes within an iteration
   * (or the time slice ends), not because the core is in another state.
   */
  private replayChanging = false;
  /** The head where a replay last failed that way, and no recording was started. */
  private waitedAt = NO_HEAD;
  /** Where {@link advance} left the clock. */
  private advancedTo = 0;
  /** What {@link measure} found. */
  private period = 0;
  private lowBit = 0;
  /** {@link measure} of the replay steps. */
  private replayPeriod = 0;
  private replayLowBit = 0;
  private readonly coolHead = new Uint32Array(COOLDOWN_SLOTS).fill(NO_HEAD);
  private readonly coolStrikes = new Uint8Array(COOLDOWN_SLOTS);
  private readonly coolWait = new Uint32Array(COOLDOWN_SLOTS);

  constructor(
    private readonly core: CortexM0Core,
    private readonly bus: SystemBus,
    private readonly clock: VirtualClock,
    /** Modeled µs per core cycle (changes with the core clock: setUsPerCycle). */
    private usPerCycle: number,
  ) {}

  /** The core clock changed: iterations recorded from now on take the new cycle time. */
  setUsPerCycle(usPerCycle: number): void {
    this.usPerCycle = usPerCycle;
  }

  /**
   * The core took a branch back to `head`: skip the loop again if it is the last one skipped
   * and nothing it reads has changed, else record the next iteration, unless cooling down.
   * Returns how many instructions were skipped.
   */
  backwardBranch(head: number, endUs: number): number {
    const slot = (head >>> 1) & (COOLDOWN_SLOTS - 1);
    if (this.coolHead[slot] === head && this.coolWait[slot] > 0) {
      this.coolWait[slot]--;
      return 0;
    }
    if (head === this.replayHead) {
      this.replayChanging = false;
      const skipped = this.replay(endUs);
      if (skipped > 0) {
        this.waitedAt = NO_HEAD;
        return skipped;
      }
      if (this.replayChanging && this.waitedAt !== head) {
        // What the loop polls is about to change (a wait ending, typically: the loop exits
        // after this iteration): recording it now would only record the exit. Recorded at
        // the next branch back if the loop goes on.
        this.waitedAt = head;
        return 0;
      }
    }
    this.waitedAt = NO_HEAD;
    this.head = head;
    this.attempts = 0;
    this.begin();
    return 0;
  }

  /**
   * Forgets the last loop skipped (the debugger changed comparators, the core halted or was
   * reset): the next time it is recorded again.
   */
  forget(): void {
    this.replayHead = NO_HEAD;
  }

  /**
   * A CPU read (data or instruction fetch) during the recorded iteration, called just before
   * it happens: asks the device, at the time of the read, until when that value holds.
   */
  noteRead(address: number, size: number): void {
    if (this.reads >= MAX_BODY_READS) {
      this.dirty = true;
      return;
    }
    this.readAddress[this.reads] = address;
    this.readSize[this.reads] = size;
    this.reads++;
    const until = this.bus.nextChangeUs(address, size);
    if (until < this.changeUs) this.changeUs = until;
  }

  /** A CPU write during the recorded iteration: not an idle loop. */
  noteWrite(): void {
    this.dirty = true;
  }

  /** Stops recording (an event, a halt, the end of a time slice). */
  cancel(): void {
    this.recording = false;
  }

  /**
   * Called after each instruction while recording, with its address, the next PC, the
   * instruction's cycles and the end of the runner's time slice. Returns how many
   * instructions were skipped.
   */
  afterInstruction(pc: number, nextPc: number, cycles: number, endUs: number): number {
    this.steps[this.stepCount++] = cycles * this.usPerCycle;
    if (this.dirty || this.stepCount > MAX_BODY_INSTRUCTIONS) {
      this.fail();
      return 0;
    }
    this.noteUse(pc);
    if (nextPc !== this.head) return 0;
    captureState(this.core, this.endState);
    // Only registers and flags the iteration wrote without reading them first may differ.
    const diff = stateDifference(this.startState, this.endState);
    if (diff < 0 || (diff & ~(this.outputs & ~this.inputs)) !== 0) {
      // The first iteration often starts with values left from before the loop: try once more.
      if (++this.attempts >= 2) this.fail();
      else this.begin();
      return 0;
    }
    return this.skip(endUs);
  }

  /** Adds what the instruction at `pc` (just executed) reads and writes to the iteration's. */
  private noteUse(pc: number): void {
    let reads = USE_ALL;
    let writes = USE_ALL;
    const address = pc & ~1;
    const opcode = this.codeHalfword(address);
    const opcode2 = opcode >= 0 && isWideOpcode(opcode) ? this.codeHalfword(address + 2) : 0;
    if (opcode >= 0 && opcode2 >= 0) {
      decodeRegisterUse(opcode, opcode2, this.handlerMode, this.use);
      reads = this.use.reads;
      writes = this.use.writes;
    }
    this.inputs |= reads & ~this.outputs;
    this.outputs |= writes;
  }

  /**
   * The halfword of code at `address` (fetched by the instruction just executed), read where
   * that has no side effect; -1 otherwise.
   */
  private codeHalfword(address: number): number {
    const ram = this.bus.ramHalfword(address);
    if (ram >= 0) return ram;
    return this.bus.nextChangeUs(address, 2) > this.clock.nowUs ? this.bus.read16(address, CPU) : -1;
  }

  private begin(): void {
    this.recorded++;
    this.recording = true;
    this.dirty = false;
    this.stepCount = 0;
    this.reads = 0;
    this.changeUs = Infinity;
    this.startUs = this.clock.nowUs;
    this.startCycles = this.core.cycles;
    this.inputs = 0;
    this.outputs = 0;
    this.handlerMode = this.core.currentMode !== 0;
    captureState(this.core, this.startState);
  }

  private fail(): void {
    this.recording = false;
    const head = this.head;
    const slot = (head >>> 1) & (COOLDOWN_SLOTS - 1);
    if (this.coolHead[slot] !== head) {
      this.coolHead[slot] = head;
      this.coolStrikes[slot] = 0;
    }
    const strikes = Math.min(this.coolStrikes[slot] + 1, MAX_STRIKE_SHIFT);
    this.coolStrikes[slot] = strikes;
    this.coolWait[slot] = 2 ** strikes;
  }

  /** The recorded iteration is idle: skip whole iterations while nothing it reads changes. */
  private skip(endUs: number): number {
    const clock = this.clock;
    const steps = this.steps;
    const count = this.stepCount;
    let t = this.startUs;
    for (let i = 0; i < count; i++) t += steps[i];
    if (t !== clock.nowUs || this.core.interruptsUpdated) {
      this.fail(); // a stall moved the clock, or an interrupt is about to be taken
      return 0;
    }
    const changeUs = this.changeUs;
    if (!(changeUs > t)) {
      this.fail();
      return 0;
    }
    const n = this.advance(t, Math.min(changeUs, endUs), this.steps, this.stepCount);
    t = this.advancedTo;
    this.recording = false;
    const slot = (this.head >>> 1) & (COOLDOWN_SLOTS - 1);
    if (this.coolHead[slot] === this.head) this.coolStrikes[slot] = 0;
    const cyclesPerIteration = this.core.cycles - this.startCycles;
    this.keepForReplay(cyclesPerIteration);
    if (n === 0) return 0;
    const skipped = n * count;
    clock.nowUs = t;
    this.core.cycles += n * cyclesPerIteration;
    this.skips++;
    this.skippedInstructions += skipped;
    return skipped;
  }

  /**
   * How many whole iterations of `steps` fit from `t` up to `limit` (the end of the last one
   * not after it), adding each step's time in the order the core would; the clock they reach
   * is left in {@link advancedTo}.
   */
  private advance(t: number, limit: number, steps: Float64Array, count: number): number {
    this.measure(steps, count);
    return this.advanceBy(t, limit, steps, count, this.period, this.lowBit);
  }

  /**
   * Sets {@link period} to the sum of the `count` steps and {@link lowBit} to the exponent of
   * their lowest set bit (NaN if a step is not a positive normal number).
   */
  private measure(steps: Float64Array, count: number): void {
    let period = 0; // the exact sum whenever exactIterations can use it
    let lowBit = Infinity;
    for (let i = 0; i < count; i++) {
      period += steps[i];
      const b = lowestBitExponent(steps[i]);
      if (Number.isNaN(b)) {
        lowBit = NaN;
        break;
      }
      if (b < lowBit) lowBit = b;
    }
    if (Number.isNaN(lowBit)) {
      period = 0;
      for (let i = 0; i < count; i++) period += steps[i];
    }
    this.period = period;
    this.lowBit = lowBit;
  }

  /** {@link advance} with the steps' sum and lowest bit already measured. */
  private advanceBy(
    t: number,
    limit: number,
    steps: Float64Array,
    count: number,
    period: number,
    lowBit: number,
  ): number {
    let n = 0;
    for (;;) {
      const exact = exactIterations(t, lowBit, period, limit);
      if (exact > 0) {
        t += exact * period;
        n += exact;
      }
      let u = t;
      for (let i = 0; i < count; i++) u += steps[i];
      if (u > limit) break;
      t = u;
      n++;
    }
    this.advancedTo = t;
    return n;
  }

  /**
   * Keeps the iteration just recorded (idle, its reads valid until after now) for
   * {@link replay}, with what each read returns now (the same as during the iteration).
   */
  private keepForReplay(cyclesPerIteration: number): void {
    const reads = this.reads;
    for (let i = 0; i < reads; i++) {
      const address = this.readAddress[i];
      const size = this.readSize[i];
      this.replayValue[i] = this.readNow(address, size);
      this.replayAddress[i] = address;
      this.replaySize[i] = size;
    }
    this.replayReads = reads;
    const count = this.stepCount;
    for (let i = 0; i < count; i++) this.replaySteps[i] = this.steps[i];
    this.replayStepCount = count;
    // skip() measured these same steps for its advance() just before.
    this.replayPeriod = this.period;
    this.replayLowBit = this.lowBit;
    // The end state: its inputs are those of the start, and its outputs what every iteration
    // leaves in them.
    this.replayState.set(this.endState);
    this.replayInputCount = registerList(this.inputs, this.replayInputRegisters);
    this.replayInputFlags = flagBits(this.inputs);
    this.replayOutputCount = registerList(this.outputs, this.replayOutputRegisters);
    this.replayOutputFlags = flagBits(this.outputs);
    this.replayCycles = cyclesPerIteration;
    this.replayUsPerCycle = this.usPerCycle;
    this.replayHead = this.head;
  }

  /**
   * What a CPU read of `size` bytes at `address` returns, read through the bus only where
   * {@link SystemBus.nextChangeUs} promised the read has no side effect.
   */
  private readNow(address: number, size: number): number {
    const bus = this.bus;
    if (size === 4) return bus.read32(address, CPU);
    if (size === 2) return bus.read16(address, CPU);
    return bus.read8(address, CPU);
  }

  /**
   * The core is at the head of the last loop skipped: if the iteration's inputs (registers and
   * flags it reads before writing them), the mode and the masks hold what they did then, and
   * every read of the iteration still returns the same value with no side effect until a
   * later time, each iteration from here does exactly what the recorded one did. Skips them
   * as {@link skip} does, and leaves in the iteration's outputs what it wrote to them; returns
   * the instructions skipped (0: record as usual).
   */
  private replay(endUs: number): number {
    const core = this.core;
    if (this.replayUsPerCycle !== this.usPerCycle || core.interruptsUpdated) return 0;
    const saved = this.replayState;
    const r = core.registers;
    const inputs = this.replayInputRegisters;
    for (let k = 0; k < this.replayInputCount; k++) {
      const i = inputs[k];
      if (r[i] !== saved[i]) return 0;
    }
    // Mode and masks always; of the flags, the inputs.
    if (((flagsAndMode(core) ^ saved[16]) & (~0xf | this.replayInputFlags)) !== 0) return 0;
    if (saved[17] !== core.IPSR >>> 0 || saved[18] !== core.bankedSP >>> 0) return 0;
    const clock = this.clock;
    const now = clock.nowUs;
    // Not one whole iteration before the slice ends: nothing to skip, whatever the reads say
    // (the check below would come to the same; this spares the reads, as the last iteration
    // of every time slice comes here).
    let first = now;
    for (let i = 0; i < this.replayStepCount; i++) first += this.replaySteps[i];
    if (first > endUs) {
      this.replayChanging = true;
      return 0;
    }
    let changeUs = Infinity;
    for (let i = 0; i < this.replayReads; i++) {
      const address = this.replayAddress[i];
      const size = this.replaySize[i];
      const until = this.bus.nextChangeUs(address, size);
      if (!(until > now) || this.readNow(address, size) !== this.replayValue[i]) {
        this.replayChanging = true;
        return 0;
      }
      if (until < changeUs) changeUs = until;
    }
    const n = this.advanceBy(
      now,
      Math.min(changeUs, endUs),
      this.replaySteps,
      this.replayStepCount,
      this.replayPeriod,
      this.replayLowBit,
    );
    if (n === 0) {
      this.replayChanging = true; // the next iteration may see the change, or the slice ends
      return 0;
    }
    const head = this.replayHead;
    const slot = (head >>> 1) & (COOLDOWN_SLOTS - 1);
    if (this.coolHead[slot] === head) this.coolStrikes[slot] = 0; // an idle loop after all
    const skipped = n * this.replayStepCount;
    clock.nowUs = this.advancedTo;
    core.cycles += n * this.replayCycles;
    // What the last skipped iteration (as every one) wrote.
    const outputs = this.replayOutputRegisters;
    for (let k = 0; k < this.replayOutputCount; k++) {
      const i = outputs[k];
      r[i] = saved[i];
    }
    const flags = this.replayOutputFlags;
    if (flags !== 0) {
      const f = saved[16];
      if (flags & 1) core.N = (f & 1) !== 0;
      if (flags & 2) core.Z = (f & 2) !== 0;
      if (flags & 4) core.C = (f & 4) !== 0;
      if (flags & 8) core.V = (f & 8) !== 0;
    }
    this.skips++;
    this.skippedInstructions += skipped;
    return skipped;
  }
}
