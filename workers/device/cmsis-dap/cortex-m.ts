/**
 * Cortex-M debug through a MEM-AP: halt, resume, step, reset-and-halt by vector catch, core
 * registers, DWT comparators, and running code until it halts (with a real deadline; dapjs
 * swallows its timeouts, see the reference notes).
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { AIRCR_SYSRESETREQ, CoreReg, Demcr, Dfsr, Dhcsr, Reg } from './constants';
import type { MemAp } from './mem-ap';

/** Why the core is halted (DFSR bits), or running. */
export interface CoreState {
  halted: boolean;
  lockup: boolean;
  /** DFSR bits: HALTED 1, BKPT 2, DWTTRAP 4, VCATCH 8, EXTERNAL 16. */
  reasons: number;
}

/** Time source for deadlines; real time by default. */
export type Now = () => number;

/** Debug control of one Cortex-M core. */
export class CortexM {
  constructor(
    readonly ap: MemAp,
    /** Milliseconds now (deadlines, and when to look at a running entry). */
    readonly now: Now = () => Date.now(),
  ) {}

  /** Enables debug and halts; waits until the core reports S_HALT. */
  async halt(timeoutMs = 500): Promise<void> {
    await this.ap.write32(Reg.DHCSR, Dhcsr.KEY | Dhcsr.C_DEBUGEN | Dhcsr.C_HALT);
    await this.waitHalted(timeoutMs, 'halt');
  }

  /** Resumes execution (interrupts masked when `maskInterrupts`). Clears DFSR first. */
  async resume(maskInterrupts = false): Promise<void> {
    await this.ap.writeWords([
      { address: Reg.DFSR, value: Dfsr.ALL },
      { address: Reg.DHCSR, value: Dhcsr.KEY | Dhcsr.C_DEBUGEN | (maskInterrupts ? Dhcsr.C_MASKINTS : 0) },
    ]);
  }

  /** Executes one instruction and halts again. */
  async step(): Promise<void> {
    await this.ap.write32(Reg.DHCSR, Dhcsr.KEY | Dhcsr.C_DEBUGEN | Dhcsr.C_MASKINTS | Dhcsr.C_STEP);
    await this.waitHalted(100, 'single step');
  }

  /** Reads DHCSR and DFSR. */
  async state(): Promise<CoreState> {
    const [dhcsr, dfsr] = await this.ap.readWords([Reg.DHCSR, Reg.DFSR]);
    return {
      halted: (dhcsr & Dhcsr.S_HALT) !== 0,
      lockup: (dhcsr & Dhcsr.S_LOCKUP) !== 0,
      reasons: dfsr & Dfsr.ALL,
    };
  }

  /** Polls until halted; throws TIMEOUT naming `what` after `timeoutMs`. */
  async waitHalted(timeoutMs: number, what: string): Promise<CoreState> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const s = await this.state();
      if (s.halted) return s;
      if (s.lockup) throw new WebProgError('DEVICE_FAULT', `The core locked up during ${what}.`);
      if (this.now() > deadline)
        throw new WebProgError('TIMEOUT', `The core did not halt within ${timeoutMs} ms (${what}).`);
    }
  }

  /**
   * Resets the chip and halts it at the reset vector (DEMCR.VC_CORERESET + AIRCR.SYSRESETREQ),
   * restoring DEMCR afterwards.
   */
  async resetAndHalt(timeoutMs = 1000): Promise<void> {
    await this.halt();
    const demcr = await this.ap.read32(Reg.DEMCR);
    await this.ap.write32(Reg.DEMCR, (demcr | Demcr.VC_CORERESET | Demcr.DWTENA) >>> 0);
    await this.ap.write32(Reg.AIRCR, AIRCR_SYSRESETREQ);
    await this.waitHalted(timeoutMs, 'reset');
    // Reading DHCSR clears the sticky S_RESET_ST; do it once more so later reads are clean.
    await this.ap.read32(Reg.DHCSR);
    await this.ap.write32(Reg.DEMCR, (demcr | Demcr.DWTENA) >>> 0);
  }

  /** Resets the chip and lets it run. */
  async reset(): Promise<void> {
    const demcr = await this.ap.read32(Reg.DEMCR);
    await this.ap.write32(Reg.DEMCR, (demcr & ~Demcr.VC_CORERESET) >>> 0);
    await this.ap.write32(Reg.AIRCR, AIRCR_SYSRESETREQ);
  }

  /** Reads a core register (REGSEL number). The core must be halted. */
  async readRegister(reg: number): Promise<number> {
    await this.ap.write32(Reg.DCRSR, reg);
    await this.waitRegReady();
    return this.ap.read32(Reg.DCRDR);
  }

  /** Writes a core register (REGSEL number). The core must be halted. */
  async writeRegister(reg: number, value: number): Promise<void> {
    await this.ap.writeWords([
      { address: Reg.DCRDR, value: value >>> 0 },
      { address: Reg.DCRSR, value: reg | 0x10000 },
    ]);
    await this.waitRegReady();
  }

  /**
   * Reads several registers (R0..R15 by default) in one batch: per register a DCRSR write, a
   * DHCSR read (to check S_REGRDY) and a DCRDR read. Falls back to polling one by one when a
   * transfer was not ready in time.
   */
  async readRegisters(regs: readonly number[] = range(16)): Promise<number[]> {
    const accesses = regs.flatMap((r) => [
      { address: Reg.DCRSR, value: r },
      { address: Reg.DHCSR },
      { address: Reg.DCRDR },
    ]);
    const values = await this.ap.batch(accesses);
    const out: number[] = [];
    for (let i = 0; i < regs.length; i++) {
      const ready = (values[i * 2] & Dhcsr.S_REGRDY) !== 0;
      out.push(ready ? values[i * 2 + 1] >>> 0 : await this.readRegister(regs[i]));
    }
    return out;
  }

  /**
   * Writes several registers in one batch (DCRDR, DCRSR, then a DHCSR read to check S_REGRDY
   * per register), and optionally more word writes after them (e.g. DFSR clear and DHCSR run),
   * all in the same pipelined packets. Registers that were not ready are written again slowly.
   */
  async writeRegisters(
    values: ReadonlyMap<number, number> | [number, number][],
    then: readonly { address: number; value: number }[] = [],
  ): Promise<void> {
    const pairs = [...values];
    const accesses = pairs.flatMap(([reg, value]) => [
      { address: Reg.DCRDR, value: value >>> 0 },
      { address: Reg.DCRSR, value: reg | 0x10000 },
      { address: Reg.DHCSR },
    ]);
    const reads = await this.ap.batch([...accesses, ...then]);
    for (let i = 0; i < pairs.length; i++) {
      if (reads[i] & Dhcsr.S_REGRDY) continue;
      // Once the batch has resumed the core, a register can no longer be written safely.
      if (then.length > 0) {
        await this.halt().catch(() => undefined);
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `The core did not take register ${pairs[i][0]} in time; it was halted again.`,
        );
      }
      await this.writeRegister(pairs[i][0], pairs[i][1]);
    }
  }

  /**
   * Reads registers `read`, then writes `values` and the word writes `then` (typically
   * {@link resumeWrites}), all in one pipelined batch: the result of one call and the start of
   * the next cost a single round trip. The core must be halted. A register transfer that was
   * not ready in time halts the core again and throws DEVICE_PROTOCOL.
   */
  async readThenWriteRegisters(
    read: readonly number[],
    values: [number, number][],
    then: readonly { address: number; value: number }[] = [],
  ): Promise<number[]> {
    const accesses = [
      ...read.flatMap((r) => [
        { address: Reg.DCRSR, value: r },
        { address: Reg.DHCSR },
        { address: Reg.DCRDR },
      ]),
      ...values.flatMap(([reg, value]) => [
        { address: Reg.DCRDR, value: value >>> 0 },
        { address: Reg.DCRSR, value: reg | 0x10000 },
        { address: Reg.DHCSR },
      ]),
      ...then,
    ];
    const results = await this.ap.batch(accesses);
    const ready = [
      ...read.map((_, i) => results[i * 2]),
      ...values.map((_, i) => results[read.length * 2 + i]),
    ].every((dhcsr) => (dhcsr & Dhcsr.S_REGRDY) !== 0);
    if (!ready) {
      await this.halt().catch(() => undefined);
      throw new WebProgError(
        'DEVICE_PROTOCOL',
        'The core did not complete a register transfer in time; it was halted again.',
      );
    }
    return read.map((_, i) => results[i * 2 + 1] >>> 0);
  }

  /** Word writes that resume the core (DFSR cleared first), for batching with register writes. */
  resumeWrites(maskInterrupts = false): { address: number; value: number }[] {
    return [
      { address: Reg.DFSR, value: Dfsr.ALL },
      { address: Reg.DHCSR, value: Dhcsr.KEY | Dhcsr.C_DEBUGEN | (maskInterrupts ? Dhcsr.C_MASKINTS : 0) },
    ];
  }

  /**
   * Sets DWT comparator `n` (COMP, MASK, FUNCTION written as one block, as CortexProg does).
   * FUNCTION: 4 PC match, 5 read, 6 write, 7 read/write; 0 disables.
   */
  async setWatchpoint(n: number, address: number, mask: number, fn: number): Promise<void> {
    const demcr = await this.ap.read32(Reg.DEMCR);
    if (!(demcr & Demcr.DWTENA)) await this.ap.write32(Reg.DEMCR, (demcr | Demcr.DWTENA) >>> 0);
    await this.ap.writeBlock(Reg.DWT_COMP0 + 0x10 * n, new Uint32Array([address >>> 0, mask, fn]));
  }

  /** Disables DWT comparator `n`. */
  async clearWatchpoint(n: number): Promise<void> {
    await this.ap.write32(Reg.DWT_COMP0 + 0x10 * n + 8, 0);
  }

  /** Sets PC and xPSR.T (for running code uploaded to RAM). */
  async setPc(pc: number): Promise<void> {
    await this.writeRegister(CoreReg.PC, pc & ~1);
    const xpsr = await this.readRegister(CoreReg.XPSR);
    if (!(xpsr & 0x0100_0000)) await this.writeRegister(CoreReg.XPSR, (xpsr | 0x0100_0000) >>> 0);
  }

  private async waitRegReady(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const dhcsr = await this.ap.read32(Reg.DHCSR);
      if (dhcsr & Dhcsr.S_REGRDY) return;
    }
    throw new WebProgError(
      'TIMEOUT',
      `Core register transfer never completed (DHCSR at ${formatAddress(Reg.DHCSR)}).`,
    );
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
