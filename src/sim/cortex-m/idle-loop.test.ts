/**
 * The idle-loop fast-forward against executing every iteration, on a hand-written loop that
 * polls a timer and an SRAM flag: the same clock, cycle and instruction counts, registers and
 * SRAM at every halt, when the timer fires, when the debugger halts the core or sets the flag
 * between time slices, when a watchpoint or a PC watch is armed, and when an interrupt is set
 * pending; at core clocks whose cycle time is exact in binary and at ones whose is not, across
 * a power-of-two boundary of the floating-point clock. DWT CYCCNT counts the skipped cycles.
 * A saved skip is reused when only registers the loop does not read differ (writing back what
 * the loop writes, leaving the flags it does not), and not when a register it reads differs.
 */
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../core/checksum/crc32';
import { VirtualClock } from '../clock';
import { DEBUG, SystemBus, type BusDevice } from './bus';
import { CORTEX_M4F, CortexMSystem } from './cortex-m-system';
import { DFSR, type CpuRunner } from './cpu-runner';

const RAM = 0x20000000;
const TIMER = 0x60000000;
const FLAG = RAM + 0x100;
const HANDLER = RAM + 0x200;
const VECTORS = RAM + 0x400;

/** A one-shot timer: writing N to +4 starts it; +0 reads 1 from N µs later on. */
class OneShotTimer implements BusDevice {
  private fireAt = Infinity;
  constructor(private readonly clock: VirtualClock) {}
  read(offset: number): number {
    return offset === 0 && this.clock.nowUs >= this.fireAt ? 1 : 0;
  }
  write(offset: number, value: number): void {
    if (offset === 4) this.fireAt = this.clock.nowUs + value;
  }
  nextChangeUs(offset: number): number {
    return offset === 0 && this.clock.nowUs < this.fireAt ? this.fireAt : Infinity;
  }
}

/** Thumb halfwords as bytes. */
function thumb(...halfwords: number[]): Uint8Array {
  return new Uint8Array(new Uint16Array(halfwords).buffer);
}

// r1 = timer period (µs), r5 = FLAG.  Waits until the timer fired or the flag is set.
const PROGRAM = thumb(
  0x2060, // 0:  movs r0, #0x60
  0x0600, // 2:  lsls r0, r0, #24        r0 = TIMER
  0x6041, // 4:  str  r1, [r0, #4]       start the timer
  0x6802, // 6:  ldr  r2, [r0]           loop: timer fired?
  0x682c, // 8:  ldr  r4, [r5]           flag set?
  0x4322, // 10: orrs r2, r4
  0x2a00, // 12: cmp  r2, #0
  0xd0fa, // 14: beq  6
  0x3301, // 16: adds r3, #1
  0xbe01, // 18: bkpt #1
);
const LOOP_CMP = RAM + 12;

// r6 = poll limit. Polls the timer until it fires or r6 counts down to 0 (not an idle loop).
const COUNTED = RAM + 0x40;
const COUNTED_PROGRAM = thumb(
  0x2060, // 0x40: movs r0, #0x60
  0x0600, // 0x42: lsls r0, r0, #24
  0x6802, // 0x44: ldr  r2, [r0]
  0x3e01, // 0x46: subs r6, #1
  0xd002, // 0x48: beq  0x50
  0x2a00, // 0x4a: cmp  r2, #0
  0xd0fa, // 0x4c: beq  0x44
  0xbf00, // 0x4e: nop
  0xbe03, // 0x50: bkpt #3
);

interface Snapshot {
  at: string;
  nowUs: number;
  cycles: number;
  /** DWT CYCCNT as the debugger reads it. */
  cyccnt: number;
  instructions: number;
  registers: number[];
  xpsr: number;
  state: string;
  dfsr: number;
  ramCrc: number;
}

/** What both scenarios drive a core with: snapshots at halts, and runs in uneven time slices. */
function harness(runner: CpuRunner, clock: VirtualClock, ram: Uint8Array, cyccnt: () => number) {
  const snapshots: Snapshot[] = [];
  const snap = (at: string) =>
    snapshots.push({
      at,
      nowUs: clock.nowUs,
      cycles: runner.cycles,
      cyccnt: cyccnt(),
      instructions: runner.instructions,
      registers: Array.from(runner.core.registers),
      xpsr: runner.core.xPSR >>> 0,
      state: runner.state,
      dfsr: runner.dfsr,
      ramCrc: crc32(ram),
    });
  const slices = [7.3, 250, 1, 1000, 33.3, 0.01];
  let slice = 0;
  /** Runs about `us` in uneven time slices, or until the core halts. */
  const runUs = (us: number) => {
    for (let t = 0; t < us && runner.state !== 'halted';) {
      const s = slices[slice++ % slices.length];
      runner.runFor(s);
      t += s;
    }
  };
  return { snapshots, snap, runUs };
}

/** A bare Cortex-M4 at `cpuHz` with 64 KiB of SRAM and the one-shot timer, its clock at `startUs`. */
function bareCore(cpuHz: number, fastForward: boolean, startUs = 0) {
  const clock = new VirtualClock();
  clock.nowUs = startUs;
  const ram = new Uint8Array(64 * 1024);
  const bus = new SystemBus(RAM, ram);
  bus.map(TIMER, 0x100, new OneShotTimer(clock));
  const runner = new CortexMSystem({ clock, bus, core: CORTEX_M4F, cpuHz }).runner;
  runner.fastForward = fastForward;
  return { clock, ram, bus, runner };
}

/** Runs the scenario on a bare Cortex-M4 at `cpuHz`; returns the state at every halt. */
function scenario(cpuHz: number, fastForward: boolean): { snapshots: Snapshot[]; skipped: number } {
  // The clock's binade changes during the first wait.
  const { clock, ram, bus, runner } = bareCore(cpuHz, fastForward, 2 ** 20 - 3000);
  ram.set(PROGRAM, 0);
  ram.set(COUNTED_PROGRAM, COUNTED - RAM);
  ram.set(thumb(0xbe02), HANDLER - RAM); // IRQ 0 handler: bkpt #2
  new DataView(ram.buffer).setUint32(VECTORS - RAM + 16 * 4, HANDLER | 1, true);
  runner.debugEnabled = true;
  runner.halt(DFSR.HALTED);

  const { snapshots, snap, runUs } = harness(runner, clock, ram, () => bus.read32(0xe0001004, DEBUG));
  const runToHalt = (at: string) => {
    runUs(1e7);
    snap(at);
  };
  const startAt = (pc: number, registers: Record<number, number>) => {
    runner.core.registers.fill(0);
    for (const [r, v] of Object.entries(registers)) runner.core.registers[Number(r)] = v;
    runner.core.SP = RAM + 0x8000;
    runner.core.PC = pc;
    runner.dfsr = 0;
    runner.resume(false);
  };
  const start = (periodUs: number) => startAt(RAM, { 1: periodUs, 5: FLAG });
  const debugWrite = (address: number, value: number) => bus.write32(address, value, DEBUG);

  debugWrite(0xe000edfc, 1 << 24); // DEMCR.TRCENA
  debugWrite(0xe0001000, 1); // DWT_CTRL.CYCCNTENA: CYCCNT counts from here

  start(5000); // the timer ends the loop
  runToHalt('timer fired');

  debugWrite(TIMER + 4, 1e9); // restart the timer: it will not fire during this round
  startAt(COUNTED, { 6: 100_000 }); // a poll loop with a counter: every iteration differs
  runToHalt('poll limit reached');

  start(50_000); // the debugger halts the core mid-loop, then lets it go on
  runUs(20_000);
  runner.halt(DFSR.HALTED);
  snap('debugger halt');
  runner.resume(false);
  runToHalt('timer fired after the halt');

  start(1e9); // the debugger sets the flag between two slices
  runUs(3000);
  debugWrite(FLAG, 1);
  runToHalt('flag set');
  debugWrite(FLAG, 0);

  start(1e9); // a data watchpoint on an address the loop does not read: no effect
  debugWrite(0xe0001020, TIMER + 0x40);
  debugWrite(0xe0001028, 5); // data read
  runUs(2000);
  snap('unrelated watchpoint armed');
  debugWrite(0xe0001020, TIMER); // now on the timer's status register
  runToHalt('watchpoint on the polled register');
  debugWrite(0xe0001028, 0);

  start(1e9); // a PC watch on the loop's compare, armed while it spins
  runUs(1500);
  debugWrite(0xe0001020, LOOP_CMP);
  debugWrite(0xe0001028, 4);
  runToHalt('PC watch in the loop');
  debugWrite(0xe0001028, 0);

  start(1e9); // an interrupt the debugger sets pending ends the loop in its handler
  debugWrite(0xe000ed08, VECTORS);
  debugWrite(0xe000e100, 1); // enable IRQ 0
  runUs(700);
  debugWrite(0xe000e200, 1); // set it pending
  runToHalt('interrupt taken');

  return { snapshots, skipped: runner.fastForwardStats.skippedInstructions };
}

describe.each([
  { cpuHz: 64_000_000, exactCycle: true },
  { cpuHz: 100_000_000, exactCycle: false },
  { cpuHz: 48_000_000, exactCycle: false },
])('idle-loop fast-forward at $cpuHz Hz', ({ cpuHz }) => {
  it('leaves clock, cycles, instructions, registers and SRAM as executing every iteration does', () => {
    const stepped = scenario(cpuHz, false);
    const fast = scenario(cpuHz, true);
    expect(fast.snapshots).toEqual(stepped.snapshots);
    expect(stepped.skipped).toBe(0);
    // Nearly every instruction outside the counted loop (500,001 of them) was skipped.
    expect(fast.skipped).toBeGreaterThan(0.9 * (stepped.snapshots.at(-1)!.instructions - 500_001));
  });

  it('ends each wait where the hardware would', () => {
    const { snapshots } = scenario(cpuHz, true);
    const byName = new Map(snapshots.map((s) => [s.at, s]));
    const fired = byName.get('timer fired')!;
    expect(fired.state).toBe('halted');
    expect(fired.dfsr & DFSR.BKPT).toBe(DFSR.BKPT);
    expect(fired.registers[3]).toBe(1);
    // The core ran 5 ms (plus at most one loop iteration and the exit path), then the BKPT
    // halted it; the clock went on to the end of the slice.
    const ranUs = (fired.cycles / cpuHz) * 1e6;
    expect(ranUs).toBeGreaterThanOrEqual(5000);
    expect(ranUs).toBeLessThan(5000.5);
    expect(fired.nowUs).toBeGreaterThanOrEqual(2 ** 20 - 3000 + ranUs);
    expect(snapshots.every((s) => s.cyccnt === s.cycles)).toBe(true); // CYCCNT counted since 0
    expect(byName.get('debugger halt')!.dfsr & DFSR.HALTED).toBe(DFSR.HALTED);
    expect(byName.get('flag set')!.registers[4]).toBe(1);
    expect(byName.get('unrelated watchpoint armed')!.state).toBe('running');
    expect(byName.get('watchpoint on the polled register')!.dfsr & DFSR.DWTTRAP).toBe(DFSR.DWTTRAP);
    const pcWatch = byName.get('PC watch in the loop')!;
    expect(pcWatch.dfsr & DFSR.DWTTRAP).toBe(DFSR.DWTTRAP);
    expect(pcWatch.registers[15]).toBe(LOOP_CMP);
    const counted = byName.get('poll limit reached')!;
    expect(counted.registers[15]).toBe(COUNTED + 0x10);
    expect(counted.registers[6]).toBe(0);
    // movs, lsls; ldr, subs, beq, cmp, beq per poll; the last poll's ldr, subs, beq; bkpt.
    expect(counted.instructions - fired.instructions).toBe(2 + 5 * 99_999 + 3 + 1);
    const irq = byName.get('interrupt taken')!;
    expect(irq.registers[15]).toBe(HANDLER);
    expect(irq.xpsr & 0x3f).toBe(16); // IPSR: IRQ 0
  });
});

// Loops whose saved skip is reused with other values in registers they do not read. r7 = TIMER.
// WAITS: r0 waits of r1 µs each; between them r0 and r2 change (the inner loop reads neither).
const WAITS = RAM + 0x600;
const WAITS_PROGRAM = thumb(
  0x6079, // 0:  str  r1, [r7, #4]       start the timer
  0x683b, // 2:  ldr  r3, [r7]           loop: fired?
  0x2407, // 4:  movs r4, #7             written, never read
  0x085b, // 6:  lsrs r3, r3, #1
  0xd3fb, // 8:  bcc  2
  0x3203, // 10: adds r2, #3
  0x3801, // 12: subs r0, #1
  0xd1f7, // 14: bne  0
  0xbe04, // 16: bkpt #4
);
// ENTERED: the same kind of loop entered twice by a branch back from below (r6 = 2), the
// second time with the skip saved the first time, another value in r4 (which the loop writes)
// and other flags (V it leaves alone; N, Z, C it sets).
const ENTERED = RAM + 0x680;
const ENTERED_PROGRAM = thumb(
  0x683b, // 0:  ldr  r3, [r7]           loop: fired?
  0x2407, // 2:  movs r4, #7
  0x085b, // 4:  lsrs r3, r3, #1
  0xd3fb, // 6:  bcc  0
  0x3e01, // 8:  subs r6, #1
  0xd005, // 10: beq  24
  0x6079, // 12: str  r1, [r7, #4]       entry: start the timer
  0x2409, // 14: movs r4, #9
  0x2501, // 16: movs r5, #1
  0x07ed, // 18: lsls r5, r5, #31
  0x196d, // 20: adds r5, r5, r5         N = 0, Z = 1, C = 1, V = 1
  0xe7f3, // 22: b    0
  0xbe05, // 24: bkpt #5
);
const ENTERED_START = ENTERED + 12;
// COPIES: a loop whose effect depends on r5 (it copies r5 to r4 in every iteration but the
// last), entered twice (r6 = 2) with r5 = 0x11, then 0x22: the skip saved the first time
// must not be reused the second.
const COPIES = RAM + 0x700;
const COPIES_PROGRAM = thumb(
  0x683b, // 0:  ldr  r3, [r7]           loop: fired?
  0x085b, // 2:  lsrs r3, r3, #1
  0xd201, // 4:  bcs  10
  0x462c, // 6:  mov  r4, r5
  0xe7fa, // 8:  b    0
  0x3e01, // 10: subs r6, #1
  0xd002, // 12: beq  20
  0x6079, // 14: str  r1, [r7, #4]       entry: start the timer
  0x3511, // 16: adds r5, #0x11
  0xe7f5, // 18: b    0
  0xbe06, // 20: bkpt #6
);
const COPIES_START = COPIES + 14;

interface ReuseRun {
  snapshots: Snapshot[];
  /** Iterations recorded in each step of the scenario ({@link FastForwardStats.recorded}). */
  recorded: Record<string, number>;
  skipped: number;
}

/** The reuse scenarios on a bare Cortex-M4 at `cpuHz`: the state at every halt. */
function reuseScenario(cpuHz: number, fastForward: boolean): ReuseRun {
  const { clock, ram, runner } = bareCore(cpuHz, fastForward);
  ram.set(WAITS_PROGRAM, WAITS - RAM);
  ram.set(ENTERED_PROGRAM, ENTERED - RAM);
  ram.set(COPIES_PROGRAM, COPIES - RAM);
  runner.debugEnabled = true;
  runner.halt(DFSR.HALTED);

  const driven = harness(runner, clock, ram, () => 0);
  const { snapshots, runUs } = driven;
  const recorded: Record<string, number> = {};
  let recordedBefore = 0;
  const snap = (at: string) => {
    driven.snap(at);
    recorded[at] = runner.fastForwardStats.recorded - recordedBefore;
    recordedBefore = runner.fastForwardStats.recorded;
  };
  const runToHalt = (at: string) => {
    runUs(1e7);
    snap(at);
  };
  const startAt = (pc: number, registers: Record<number, number>) => {
    const r = runner.core.registers;
    for (const [n, v] of Object.entries(registers)) r[Number(n)] = v;
    r[7] = TIMER;
    runner.core.PC = pc;
    runner.dfsr = 0;
    runner.resume(false);
  };
  /** Runs `us` (in one time slice with `oneSlice`), halts, snapshots and resumes. */
  const haltMidway = (at: string, us: number, oneSlice = false) => {
    if (oneSlice) runner.runFor(us);
    else runUs(us);
    runner.halt(DFSR.HALTED);
    snap(at);
    runner.resume(false);
  };

  startAt(WAITS, { 0: 20, 1: 300, 2: 0x1000, 4: 0x1234 });
  haltMidway('waits: halted in the 4th', 1000);
  runToHalt('waits done');

  startAt(ENTERED_START, { 1: 2000, 3: 0xdead, 4: 0, 6: 2 });
  // One slice: the halt comes right after the skip made when the loop is entered again.
  haltMidway('entered: halted in the second wait', 2700, true);
  runToHalt('entered twice');

  startAt(COPIES_START, { 1: 2000, 4: 0, 5: 0, 6: 2 });
  haltMidway('copies: halted in the second wait', 2900);
  runToHalt('copies done');

  return { snapshots, recorded, skipped: runner.fastForwardStats.skippedInstructions };
}

describe.each([{ cpuHz: 64_000_000 }, { cpuHz: 48_000_000 }])(
  'idle-loop fast-forward reused at $cpuHz Hz',
  ({ cpuHz }) => {
    const stepped = reuseScenario(cpuHz, false);
    const fast = reuseScenario(cpuHz, true);
    const at = (name: string) => fast.snapshots.find((s) => s.at === name)!;

    it('leaves every register, flag, clock and count as executing every iteration does', () => {
      expect(fast.snapshots).toEqual(stepped.snapshots);
      expect(stepped.skipped).toBe(0);
      expect(fast.skipped).toBeGreaterThan(0.9 * stepped.snapshots.at(-1)!.instructions);
    });

    it('reuses a skip when only registers the loop does not read differ', () => {
      // 20 waits with other r0 and r2 each: the wait loop is recorded once, not 20 times
      // (the write loop around it is recorded a few times before it cools down).
      const waits = fast.recorded['waits: halted in the 4th'] + fast.recorded['waits done'];
      expect(waits).toBeLessThan(10);
      expect(at('waits done').registers[4]).toBe(7);
      expect(at('waits done').registers[2]).toBe(0x1000 + 20 * 3);
    });

    it('writes back what the loop writes, and leaves what it does not', () => {
      // Entered again with r4 = 9 and C, V set: skipped without recording an iteration.
      expect(fast.recorded['entered: halted in the second wait']).toBe(1);
      const mid = at('entered: halted in the second wait');
      expect(mid.state).toBe('halted');
      expect(mid.registers[6]).toBe(1);
      expect(mid.registers[15]).toBeGreaterThanOrEqual(ENTERED);
      expect(mid.registers[15]).toBeLessThan(ENTERED + 8);
      expect(mid.registers[4]).toBe(7);
      expect(mid.registers[3]).toBe(0);
      // N = 0, Z = 1 (r3 = 0), C = 0 (the timer's bit 0 not set): the loop's; V = 1: kept.
      expect(mid.xpsr >>> 28).toBe(0b0101);
    });

    it('records again when a register the loop reads differs', () => {
      expect(fast.recorded['copies: halted in the second wait']).toBe(2);
      const mid = at('copies: halted in the second wait');
      expect(mid.registers[6]).toBe(1);
      expect(mid.registers[15]).toBeGreaterThanOrEqual(COPIES);
      expect(mid.registers[15]).toBeLessThan(COPIES + 10);
      expect(mid.registers[4]).toBe(0x22);
      expect(at('copies done').registers[4]).toBe(0x22);
    });
  },
);
