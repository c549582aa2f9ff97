/**
 * Runs rp2040js's ARMv6-M core as a debugged Cortex-M processor: only while the debugger lets
 * it, in slices of virtual time, with the halting-debug behaviour of real silicon. BKPT halts
 * with DFSR.BKPT and the PC at the BKPT; FPB/BPU and DWT comparators halt the core; undefined
 * instructions, bus faults and invalid state take the HardFault exception, and a fault inside
 * HardFault (or during exception entry) locks the core up (DHCSR.S_LOCKUP, PC 0xFFFFFFFE).
 * Idle poll loops are fast-forwarded ({@link IdleLoops}) unless `fastForward` is off; the
 * result is the same to the bit as executing every iteration.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, CPU, type SystemBus } from './bus';
import { IdleLoops, MAX_LOOP_BYTES, type FastForwardStats } from './idle-loop';
import { createCortexM0Core, type CoreBus, type CortexM0Core } from './rp2040-core';
import { ThumbBlocks } from './thumb-blocks';
import { FastThumb, RUN_AFTER, RUN_FAULTED } from './thumb-fast';

/** DFSR bits (write 1 to clear). */
export const DFSR = { HALTED: 1, BKPT: 2, DWTTRAP: 4, VCATCH: 8, EXTERNAL: 16 } as const;
/** DEMCR bits used by the model. */
export const DEMCR = { VC_CORERESET: 1 << 0, VC_HARDERR: 1 << 10, DWTENA: 1 << 24 } as const;

/** What the processor is doing. */
export type CoreState = 'running' | 'halted' | 'lockup' | 'sleeping';

/** Why the core last took a fault (for tests and diagnostics). */
export interface CoreFault {
  kind: 'undefined-instruction' | 'bus-fault' | 'invalid-state' | 'breakpoint-without-debug';
  /** Address of the instruction that faulted. */
  pc: number;
}

/** Halting-debug comparators the runner checks (implemented by the FPB and the DWT). */
export interface DebugComparators {
  /** True if an instruction comparator matches `pc` (FPB/BPU breakpoint). */
  breakpointAt(pc: number): boolean;
  /** True if a DWT PC-match comparator matches `pc` (sets its MATCHED bit). */
  pcWatchAt(pc: number): boolean;
  /** True if a DWT data comparator matches this access (sets its MATCHED bit). */
  dataWatch(address: number, size: number, write: boolean): boolean;
  /**
   * Every address range `[start, end)` a breakpoint or PC watch could match, as start/end pairs
   * (a superset is fine: it only costs a check). Outside them no comparator stops the core.
   */
  readonly pcMatchRanges?: readonly number[];
  /** Whether any breakpoint / PC watch / data watch is armed. */
  readonly breakpointsArmed: boolean;
  readonly pcWatchArmed: boolean;
  readonly dataWatchArmed: boolean;
}

const NO_COMPARATORS: DebugComparators = {
  breakpointAt: () => false,
  pcWatchAt: () => false,
  dataWatch: () => false,
  breakpointsArmed: false,
  pcWatchArmed: false,
  dataWatchArmed: false,
};

const LOCKUP_PC = 0xfffffffe;
const EXC_NMI = 2;
const EXC_HARDFAULT = 3;

/** The processor, its run loop and its halting-debug state. */
export class CpuRunner implements CoreBus {
  /** rp2040js's core (registers, flags, exception logic). */
  readonly core: CortexM0Core;
  state: CoreState = 'running';
  /** DHCSR.C_DEBUGEN / C_HALT / C_STEP / C_MASKINTS as last written (C_HALT also set on halt). */
  debugEnabled = false;
  haltBit = false;
  stepBit = false;
  maskIntsBit = false;
  /** DEMCR and DFSR. */
  demcr = 0;
  dfsr = 0;
  /** Sticky DHCSR status bits. */
  resetSticky = true;
  retireSticky = false;
  /** EPSR.T: executing with T = 0 faults (INVSTATE). */
  tBit = true;
  /** True while nRESET holds the system in reset: nothing executes. */
  heldInReset = false;
  /** Instructions executed since creation (fast-forwarded iterations included). */
  instructions = 0;
  /**
   * Skip the iterations of idle poll loops instead of executing them (default on). Clock, cycle
   * and instruction counts, registers and memory come out the same either way.
   */
  fastForward = true;
  /**
   * Execute the common 16-bit instructions through {@link FastThumb}'s table (default on)
   * instead of rp2040js's decode chain; the effects are the same either way.
   */
  fastDecode = true;
  /**
   * With {@link fastDecode}, run straight-line SRAM code as translated blocks ({@link ThumbBlocks};
   * default on where `new Function` may be used); the effects are the same either way.
   */
  fastBlocks = true;
  /** The faults taken, oldest first (the last 16). */
  readonly faults: CoreFault[] = [];
  /** Address the reset vector table is read from (VTOR resets to 0). */
  resetVectorBase = 0;
  /** Called for reset side effects outside the core (peripherals, SCS). */
  onSystemReset: (() => void) | undefined;

  readonly logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_component: string, message: string) => {
      if (message.startsWith('Warning: Instruction at')) this.raise(EVENT_UNDEFINED);
    },
    error: () => undefined,
  };

  private comparators: DebugComparators = NO_COMPARATORS;
  /**
   * PCs in `[freeFrom, freeTo)` need no check before they execute: T is set and no comparator
   * can match there (found by {@link stopsBefore}; emptied when comparators or T change).
   */
  freeFrom = 0;
  freeTo = 0;
  /** Modeled µs per core cycle. */
  usPerCycle: number;
  private hz: number;
  /** Events raised by the instruction executing (handled after it). */
  events = 0;
  /** Checks are due before instructions outside `[freeFrom, freeTo)`. */
  preCheck = false;
  /** Address of the instruction being executed (its fetches are not data accesses). */
  fetchAddress = 0;
  private stepping = false;
  private breakPc = 0;
  private readonly loops: IdleLoops;
  private readonly fast: FastThumb;
  private readonly blocks: ThumbBlocks | undefined;

  /** Blocks of SRAM code translated so far ({@link fastBlocks}). */
  get blocksTranslated(): number {
    return this.blocks?.translated ?? 0;
  }

  /** A block is translated the time its address is reached this often (see `TRANSLATE_AFTER`). */
  set translateBlocksAfter(times: number) {
    if (this.blocks !== undefined) this.blocks.translateAfter = times;
  }

  constructor(
    private readonly bus: SystemBus,
    private readonly clock: VirtualClock,
    /** Core clock in Hz after reset. */
    cpuHz: number,
  ) {
    this.hz = cpuHz;
    this.usPerCycle = 1e6 / cpuHz;
    this.core = createCortexM0Core(this);
    this.loops = new IdleLoops(this.core, bus, clock, this.usPerCycle);
    this.fast = new FastThumb(this.core, this, bus, this.loops, clock, this);
    const ram = bus.ram;
    this.blocks = ThumbBlocks.create(
      this.core,
      this,
      clock,
      this,
      this.loops,
      new Uint16Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 1),
      bus.ramBase,
    );
  }

  /** Core clock in Hz. */
  get cpuHz(): number {
    return this.hz;
  }

  /** Changes the core clock (a chip's clock controller switching SYSCLK); from the next instruction. */
  setCpuHz(hz: number): void {
    this.loops.forget();
    this.hz = hz;
    this.usPerCycle = 1e6 / hz;
    this.loops.setUsPerCycle(this.usPerCycle);
  }

  /** What the idle-loop fast-forward has skipped so far. */
  get fastForwardStats(): FastForwardStats {
    const loops = this.loops;
    return { skips: loops.skips, skippedInstructions: loops.skippedInstructions, recorded: loops.recorded };
  }

  /** Cycles executed since creation (fast-forwarded iterations included). */
  get cycles(): number {
    return this.core.cycles;
  }

  /** Connects the FPB/BPU and DWT. */
  attachComparators(comparators: DebugComparators): void {
    this.comparators = comparators;
    this.updateChecks();
  }

  /** Recomputes which per-instruction checks are needed (call after comparator changes). */
  updateChecks(): void {
    this.loops.forget(); // a loop skipped before may now meet a comparator or fault
    const c = this.comparators;
    this.preCheck = !this.tBit || c.breakpointsArmed || c.pcWatchArmed;
    this.freeFrom = this.freeTo = 0;
  }

  /** The most recent fault, if any. */
  get lastFault(): CoreFault | undefined {
    return this.faults.at(-1);
  }

  // ---- CoreBus: what the core sees -------------------------------------------------------

  readUint32(address: number): number {
    if ((address & 3) !== 0) throw BUS_FAULT; // ARMv6-M: unaligned access is a HardFault
    if (this.comparators.dataWatchArmed) this.watchData(address, 4, false);
    if (this.loops.recording) this.loops.noteRead(address, 4);
    return this.bus.read32(address, CPU);
  }

  readUint16(address: number): number {
    if ((address & 1) !== 0) throw BUS_FAULT;
    const fetch = address === this.fetchAddress || address === this.fetchAddress + 2;
    if (!fetch && this.comparators.dataWatchArmed) this.watchData(address, 2, false);
    if (this.loops.recording) this.loops.noteRead(address, 2);
    return this.bus.read16(address, CPU);
  }

  readUint8(address: number): number {
    if (this.comparators.dataWatchArmed) this.watchData(address, 1, false);
    if (this.loops.recording) this.loops.noteRead(address, 1);
    return this.bus.read8(address, CPU);
  }

  writeUint32(address: number, value: number): void {
    if ((address & 3) !== 0) throw BUS_FAULT;
    if (this.loops.recording) this.loops.noteWrite();
    this.bus.write32(address, value, CPU);
    if (this.comparators.dataWatchArmed) this.watchData(address, 4, true);
  }

  writeUint16(address: number, value: number): void {
    if ((address & 1) !== 0) throw BUS_FAULT;
    if (this.loops.recording) this.loops.noteWrite();
    this.bus.write16(address, value, CPU);
    if (this.comparators.dataWatchArmed) this.watchData(address, 2, true);
  }

  writeUint8(address: number, value: number): void {
    if (this.loops.recording) this.loops.noteWrite();
    this.bus.write8(address, value, CPU);
    if (this.comparators.dataWatchArmed) this.watchData(address, 1, true);
  }

  onBreak(): void {
    // The BKPT/UDF itself: not always the instruction the step began with, since an exception
    // taken at its start makes the handler's first instruction the one executed.
    this.breakPc = ((this.core.PC - this.core.breakRewind) & ~1) >>> 0;
    this.raise(EVENT_BREAK);
  }

  // ---- running -----------------------------------------------------------------------------

  /** Lets `us` of virtual time pass: the core executes if it is running, else time just passes. */
  runFor(us: number): void {
    const clock = this.clock;
    const end = clock.nowUs + (us > 0 ? us : 0);
    if (this.state !== 'running' || this.heldInReset) {
      clock.nowUs = end;
      return;
    }
    const core = this.core;
    const loops = this.fastForward && !this.stepping ? this.loops : undefined;
    const fast = this.fastDecode ? this.fast : undefined;
    if (fast !== undefined) fast.blocks = this.fastBlocks ? this.blocks : undefined;
    let executed = 0;
    while (clock.nowUs < end || this.stepping) {
      if (fast !== undefined && !this.stepping) {
        // Runs of plain instructions; the runner takes over for anything else.
        const status = fast.run(end, loops);
        executed += fast.executed;
        if (status === RUN_AFTER) {
          const after = this.afterInstruction(fast.lastPc, fast.lastCycles, end, loops);
          if (after < 0) break;
          executed += after;
          continue;
        }
        if (status === RUN_FAULTED) {
          this.raise(EVENT_BUS_FAULT);
          executed++;
          clock.nowUs += this.usPerCycle;
          const after = this.afterInstruction(fast.lastPc, 1, end, loops);
          if (after < 0) break;
          executed += after;
          continue;
        }
        if (!(clock.nowUs < end)) break;
      }
      const pc = core.registers[15];
      if (this.preCheck && (pc < this.freeFrom || pc >= this.freeTo) && this.stopsBefore(pc)) {
        if (this.state !== 'running') break;
        continue;
      }
      this.fetchAddress = pc & ~1;
      let cycles = 1;
      try {
        // While a loop iteration is recorded every fetch is noted (FastThumb does as rp2040js).
        cycles = fast !== undefined ? fast.execute() : core.executeInstruction();
      } catch (error) {
        if (error !== BUS_FAULT) throw error;
        this.raise(EVENT_BUS_FAULT);
      }
      executed++;
      /* read each instruction: firmware may change the core clock (setCpuHz) */
      clock.nowUs += cycles * this.usPerCycle;
      const after = this.afterInstruction(pc, cycles, end, loops);
      if (after < 0) break;
      executed += after;
    }
    this.loops.cancel(); // a recording never spans time slices: the debugger acts between them
    this.instructions += executed;
    if (executed > 0) this.retireSticky = true;
    if (clock.nowUs < end) clock.nowUs = end;
  }

  /**
   * What follows the instruction at `pc` that took `cycles` (already counted and on the clock):
   * its events, a halt, the end of a single step, sleep, the idle-loop check. Returns the
   * instructions the fast-forward skipped, or -1 when the run stops here.
   */
  private afterInstruction(pc: number, cycles: number, end: number, loops: IdleLoops | undefined): number {
    if (this.events !== 0) this.handleEvents(pc);
    if (this.state !== 'running') return -1;
    if (this.stepping) {
      this.stepping = false;
      this.halt(DFSR.HALTED);
      return -1;
    }
    const core = this.core;
    if (core.waiting) {
      this.state = 'sleeping';
      return -1;
    }
    if (loops !== undefined) {
      const next = core.registers[15];
      if (loops.recording) return loops.afterInstruction(pc, next, cycles, end);
      if (next < pc && pc - next <= MAX_LOOP_BYTES) return loops.backwardBranch(next, end);
    }
    return 0;
  }

  /**
   * The debugger changed what halts or interrupts the core (DHCSR): loops skipped before are
   * recorded again before they are skipped again.
   */
  debugControlChanged(): void {
    this.loops.forget();
  }

  /** Enters Debug state (from running, sleeping or lockup), setting `dfsrBits`. */
  halt(dfsrBits: number): void {
    this.loops.forget();
    if (this.heldInReset) {
      this.haltBit = true; // takes effect when nRESET is released
      return;
    }
    this.state = 'halted';
    this.haltBit = true;
    this.dfsr |= dfsrBits;
    this.core.waiting = false;
  }

  /** Leaves Debug state; with `step`, executes one instruction and halts again. */
  resume(step: boolean): void {
    if (this.state !== 'halted') return;
    this.loops.forget();
    this.haltBit = false;
    this.state = 'running';
    this.stepping = step;
    if (step) this.runFor(0);
  }

  /** System reset (SYSRESETREQ, nRESET): core and peripherals; debug logic is kept. */
  systemReset(): void {
    this.loops.forget();
    this.onSystemReset?.();
    this.haltBit = false;
    this.resetCore();
    this.resetSticky = true;
    this.retireSticky = false;
    this.stepping = false;
    if (this.heldInReset) return;
    this.completeReset();
  }

  /** Asserts or releases nRESET. Releasing it finishes the reset. */
  setResetHeld(held: boolean): void {
    if (held === this.heldInReset) return;
    this.heldInReset = held;
    if (held) this.systemReset();
    else this.completeReset();
  }

  private completeReset(): void {
    const haltRequested = this.haltBit;
    this.resetSticky = true;
    this.state = this.state === 'lockup' ? 'lockup' : 'running';
    this.haltBit = false;
    if (!this.debugEnabled) return;
    if ((this.demcr & DEMCR.VC_CORERESET) !== 0) this.halt(DFSR.VCATCH);
    else if (haltRequested) this.halt(DFSR.HALTED);
  }

  private resetCore(): void {
    const core = this.core;
    this.state = 'running';
    core.registers.fill(0);
    core.LR = 0xffffffff;
    core.bankedSP = 0;
    core.SPSEL = 0 as CortexM0Core['SPSEL'];
    core.currentMode = 0 as CortexM0Core['currentMode'];
    core.nPRIV = false;
    core.IPSR = 0;
    core.PM = false;
    core.APSR = 0;
    core.pendingInterrupts = 0;
    core.enabledInterrupts = 0;
    core.interruptPriorities = [0xffffffff, 0, 0, 0];
    core.pendingNMI = core.pendingPendSV = core.pendingSVCall = core.pendingSystick = false;
    core.interruptsUpdated = false;
    core.VTOR = 0;
    core.SHPR2 = core.SHPR3 = 0;
    core.waiting = false;
    core.eventRegistered = false;
    try {
      core.SP = this.bus.read32(this.resetVectorBase, CPU);
      const entry = this.bus.read32(this.resetVectorBase + 4, CPU);
      core.PC = entry & ~1;
      this.tBit = (entry & 1) === 1;
    } catch (error) {
      if (error !== BUS_FAULT) throw error;
      this.lockup();
    }
    this.updateChecks();
  }

  // ---- events and faults -----------------------------------------------------------------

  private raise(event: number): void {
    this.events |= event;
  }

  private watchData(address: number, size: number, write: boolean): void {
    if (this.debugEnabled && this.comparators.dataWatch(address, size, write)) this.raise(EVENT_WATCH);
  }

  /** Checks done before executing the instruction at `pc`; true if the core stopped or faulted. */
  private stopsBefore(pc: number): boolean {
    if (!this.tBit) {
      this.takeFault(pc, 'invalid-state');
      return true;
    }
    const c = this.comparators;
    if (c.breakpointsArmed && pc < 0x20000000 && c.breakpointAt(pc)) {
      if (this.debugEnabled) this.halt(DFSR.BKPT);
      else this.takeFault(pc, 'breakpoint-without-debug');
      return true;
    }
    if (c.pcWatchArmed && this.debugEnabled && c.pcWatchAt(pc)) {
      this.halt(DFSR.DWTTRAP);
      return true;
    }
    this.findFreeRange(pc);
    return false;
  }

  /**
   * Sets {@link freeFrom}/{@link freeTo} to the range around `pc` (T set, no comparator matched
   * there) that no comparator's range overlaps, if the comparators tell their ranges.
   */
  private findFreeRange(pc: number): void {
    const ranges = this.comparators.pcMatchRanges;
    if (ranges === undefined) return;
    let from = 0;
    let to = 0x100000000;
    for (let i = 0; i < ranges.length; i += 2) {
      const start = ranges[i];
      const end = ranges[i + 1];
      if (end <= pc) {
        if (end > from) from = end;
      } else if (start > pc) {
        if (start < to) to = start;
      } else return; // pc is inside a range that did not stop it (e.g. FPB above 0x20000000)
    }
    this.freeFrom = from;
    this.freeTo = to;
  }

  private handleEvents(pc: number): void {
    const events = this.events;
    this.events = 0;
    this.loops.cancel();
    this.loops.forget();
    const core = this.core;
    if ((events & EVENT_BUS_FAULT) !== 0) {
      this.takeFault(pc, 'bus-fault');
      return;
    }
    if ((events & EVENT_UNDEFINED) !== 0) {
      this.takeFault(pc, 'undefined-instruction');
      return;
    }
    if ((events & EVENT_BREAK) !== 0) {
      const at = this.breakPc;
      const opcode = this.bus.read16(at & ~1, CPU);
      if (opcode >>> 8 !== 0xbe) {
        this.takeFault(at, 'undefined-instruction'); // UDF
        return;
      }
      core.PC = at;
      if (this.debugEnabled) this.halt(DFSR.BKPT);
      else this.takeFault(at, 'breakpoint-without-debug');
      return;
    }
    if ((events & EVENT_WATCH) !== 0) this.halt(DFSR.DWTTRAP); // imprecise: after the access
  }

  /** Takes HardFault for the instruction at `pc`, or locks up if that is not possible. */
  private takeFault(pc: number, kind: CoreFault['kind']): void {
    this.faults.push({ kind, pc: pc >>> 0 });
    if (this.faults.length > 16) this.faults.shift();
    const core = this.core;
    if (core.IPSR === EXC_HARDFAULT || core.IPSR === EXC_NMI) {
      this.lockup();
      return;
    }
    core.PC = pc;
    try {
      core.exceptionEntry(EXC_HARDFAULT);
    } catch (error) {
      if (error !== BUS_FAULT) throw error;
      this.lockup();
      return;
    }
    const vector = core.PC;
    core.PC = vector & ~1;
    this.tBit = (vector & 1) === 1;
    this.updateChecks();
    if (this.debugEnabled && (this.demcr & DEMCR.VC_HARDERR) !== 0) this.halt(DFSR.VCATCH);
  }

  private lockup(): void {
    this.state = 'lockup';
    this.core.PC = LOCKUP_PC;
  }
}

const EVENT_BREAK = 1;
const EVENT_UNDEFINED = 2;
const EVENT_BUS_FAULT = 4;
const EVENT_WATCH = 8;
