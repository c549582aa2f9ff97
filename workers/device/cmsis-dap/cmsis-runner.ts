/**
 * Runs a CMSIS flash algorithm's functions on the target with the calling convention the
 * CMSIS-Pack documentation gives (and pyOCD and probe-rs use): the code and data are loaded
 * into RAM after a BKPT instruction; each call sets R0–R3 to the arguments, R9 to the static
 * base (the data section), SP to the top of a stack of our own, LR to the BKPT (so the function
 * returns into a breakpoint) and PC to the entry, and waits for the halt within the
 * description's timeout. A halt anywhere but the BKPT is a fault; the result is R0.
 *
 * RAM layout from the start of the algorithm's RAM: BKPT word, code+data (from +0x20), stack
 * (1 KiB), then one or two page buffers (two when they fit: ProgramPage from one while the next
 * page uploads into the other).
 */
import type { CmsisAlgorithm, CmsisEntries } from '../../../src/core/cmsis/algorithm';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { CoreReg, Dfsr } from './constants';
import type { CortexM } from './cortex-m';

/** Bytes of stack given to the algorithm. */
export const ALGORITHM_STACK = 0x400;
/** Offset of the code from the start of the algorithm's RAM. */
const CODE_OFFSET = 0x20;
/** BKPT #0; BKPT #0 — where every function returns. */
const BKPT_WORD = 0xbe00be00;

/** The CMSIS names of the entries, for messages. */
const FUNCTION_NAMES: Record<keyof CmsisEntries, string> = {
  init: 'Init',
  uninit: 'UnInit',
  eraseChip: 'EraseChip',
  eraseSector: 'EraseSector',
  programPage: 'ProgramPage',
  verify: 'Verify',
  blankCheck: 'BlankCheck',
};

/** The CMSIS name of an entry (`eraseChip` → "EraseChip"); other names as they are. */
export function functionName(entry: string): string {
  return FUNCTION_NAMES[entry as keyof CmsisEntries] ?? entry;
}

/** Where the algorithm lives in RAM. */
export interface AlgorithmPlacement {
  /** Address of the BKPT the functions return to. */
  trap: number;
  /** Address of the code (entry offsets count from here). */
  code: number;
  /** Static base (R9). */
  staticBase: number;
  /** Initial stack pointer. */
  stackTop: number;
  /** Page buffers (one or two). */
  buffers: number[];
  /** One past the last byte used. */
  end: number;
}

/**
 * Lays the algorithm out in `ram`: ADDRESS_OUT_OF_RANGE when it does not fit (with one buffer
 * at least).
 */
export function placeAlgorithm(
  algo: CmsisAlgorithm,
  ram: { start: number; size: number },
): AlgorithmPlacement {
  const base = algo.loadAddress !== undefined ? algo.loadAddress - CODE_OFFSET : ram.start;
  const code = base + CODE_OFFSET;
  const codeEnd = align(code + algo.instructions.length, 8);
  const stackTop = codeEnd + ALGORITHM_STACK;
  const page = align(algo.flash.pageSize, 4);
  const ramEnd = ram.start + ram.size;
  if (base < ram.start || stackTop + page > ramEnd) {
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `Flash algorithm "${algo.name}" needs ${stackTop + page - base} bytes of RAM from ${formatAddress(base)}, more than the RAM at ${formatAddress(ram.start)} (${ram.size} bytes) holds.`,
      { address: base },
    );
  }
  const buffers = [stackTop];
  if (stackTop + 2 * page <= ramEnd) buffers.push(stackTop + page);
  return {
    trap: base,
    code,
    staticBase: code + algo.dataSectionOffset,
    stackTop,
    buffers,
    end: stackTop + buffers.length * page,
  };
}

/** One loaded algorithm on one core. */
export class CmsisRunner {
  constructor(
    readonly cpu: CortexM,
    readonly algo: CmsisAlgorithm,
    readonly at: AlgorithmPlacement,
  ) {}

  /** True when the algorithm has the entry. */
  has(entry: keyof CmsisEntries): boolean {
    return this.algo.entries[entry] !== undefined;
  }

  /**
   * Halts the core, checks the RAM it needs holds what is written (ADDRESS_OUT_OF_RANGE
   * naming the address otherwise: the description's RAM is not on this chip) and uploads the
   * BKPT and the algorithm.
   */
  async load(): Promise<void> {
    const { ap } = this.cpu;
    await this.cpu.halt();
    for (const address of [this.at.trap, this.at.end - 4]) {
      const probe = 0x5a17c0de;
      const holds = await ap.write32(address, probe).then(
        async () => (await ap.read32(address)) === probe,
        (error: unknown) => {
          if (error instanceof WebProgError && error.code === 'DEVICE_FAULT') return false;
          throw error;
        },
      );
      if (!holds) {
        throw new WebProgError(
          'ADDRESS_OUT_OF_RANGE',
          `Flash algorithm "${this.algo.name}": there is no RAM at ${formatAddress(address)} on this chip (the description places the algorithm from ${formatAddress(this.at.trap)}).`,
          { address },
        );
      }
    }
    await ap.write32(this.at.trap, BKPT_WORD);
    await ap.writeBytes(this.at.code, this.algo.instructions);
    const xpsr = await this.cpu.readRegister(CoreReg.XPSR);
    if (!(xpsr & 0x0100_0000)) await this.cpu.writeRegister(CoreReg.XPSR, (xpsr | 0x0100_0000) >>> 0);
  }

  /** Calls `entry` with `args` and returns R0 (see {@link start} and {@link finish}). */
  async call(entry: keyof CmsisEntries, args: number[], timeoutMs: number): Promise<number> {
    await this.start(entry, args);
    return this.finish(entry, timeoutMs);
  }

  /** Starts `entry` and returns while it runs (the link is free for uploads meanwhile). */
  async start(entry: keyof CmsisEntries, args: number[]): Promise<void> {
    const offset = this.algo.entries[entry];
    if (offset === undefined)
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Flash algorithm "${this.algo.name}" has no ${functionName(entry)} function.`,
      );
    await this.startAt(this.at.code + offset, args);
  }

  /**
   * Starts code at `pc` with the algorithm's convention (R9, SP, LR to the BKPT): the entries,
   * and routines of our own loaded beside the algorithm (the CRC-32 routine).
   */
  async startAt(pc: number, args: number[]): Promise<void> {
    const regs: [number, number][] = [0, 1, 2, 3].map((r) => [r, (args[r] ?? 0) >>> 0]);
    regs.push(
      [9, this.at.staticBase],
      [CoreReg.SP, this.at.stackTop],
      [CoreReg.LR, this.at.trap | 1],
      [CoreReg.PC, pc & ~1],
    );
    await this.cpu.writeRegisters(regs, this.cpu.resumeWrites(true));
  }

  /**
   * Waits up to `timeoutMs` for the function started by {@link start} to return into the BKPT
   * and returns R0. A function that does not return in time is halted and TIMEOUT is thrown;
   * one that halts elsewhere (a fault, a stray breakpoint) gives DEVICE_FAULT with its PC.
   */
  async finish(entry: string, timeoutMs: number): Promise<number> {
    const name = functionName(entry);
    let state;
    try {
      state = await this.cpu.waitHalted(timeoutMs, `${name} of flash algorithm "${this.algo.name}"`);
    } catch (error) {
      await this.cpu.halt().catch(() => undefined);
      if (error instanceof WebProgError && error.code === 'TIMEOUT') {
        throw new WebProgError(
          'TIMEOUT',
          `The flash algorithm "${this.algo.name}" did not return from ${name} within its ${timeoutMs} ms timeout; the core was halted.`,
          { cause: error },
        );
      }
      throw error;
    }
    const [r0, pc] = await this.cpu.readRegisters([0, CoreReg.PC]);
    if (!(state.reasons & Dfsr.BKPT) || (pc & ~1) >>> 0 !== this.at.trap >>> 0) {
      throw new WebProgError(
        'DEVICE_FAULT',
        `The flash algorithm "${this.algo.name}" stopped at ${formatAddress(pc)} during ${name} instead of returning (a fault or a breakpoint in the algorithm).`,
        { address: pc },
      );
    }
    return r0 >>> 0;
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
