/**
 * Runs CortexProg-style device scripts on the target, as CortexProg's host does: upload the
 * image to its load address, arm the syscall trap (DWT comparator 0, PC match on the header's
 * syscall slot), and call entry points by setting R0–R3 and PC and resuming until the core
 * halts. SP, LR and R4–R12 are left alone between calls: scripts keep their state there.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { CoreReg, Dfsr } from './constants';
import type { CoreState, CortexM } from './cortex-m';
import type { SyscallEvent } from './bench-api';

/** Header slot offsets of the entry points. */
export const Slot = {
  initStage1: 0x04,
  initStage2: 0x08,
  initStage3: 0x0c,
  allErase: 0x10,
  pageErase: 0x14,
  pageWrite: 0x18,
  cpuid: 0x1c,
} as const;

/** The cpuid entry must leave this in R1 (CortexProg's key). */
export const CPUID_KEY = 0xaceface5;

/** Per-entry timeouts in ms, as CortexProg's host uses them. */
export const EntryTimeoutMs = {
  allErase: 90_000,
  pageErase: 5_000,
  pageWrite: 2_000,
  init: 500,
  cpuid: 333,
  /** Our version-2 entries (checksum and blank check of up to a whole block). */
  extension: 5_000,
} as const;

/** What the runner needs of a script. */
export interface RunnableScript {
  /** Family name from the footer. */
  name: string;
  /** The uploaded part of the file (header first). */
  image: Uint8Array;
  /** Where the image runs. */
  loadAddr: number;
  /** RAM buffer for write data. */
  stagingAddr: number;
  /** A second buffer `pageWrite` can program from (version-2 "WPB2" header), when present. */
  secondStagingAddr?: number;
  /** Further buffers after the second one ("WPBN": count and stride), when present. */
  furtherStaging?: { count: number; stride: number };
}

/** Result of one entry call: R0 and R1 after it returned. */
export interface EntryResult {
  r0: number;
  r1: number;
}

/** Services the syscalls a script makes through the trap. */
export interface SyscallHost {
  /** Reads a word; undefined when the address cannot be read. */
  safeRead(address: number): Promise<number | undefined>;
  /** Told of each syscall serviced and each armed watchpoint hit, when given. */
  onSyscall?(event: SyscallEvent): void;
}

/** Runs one loaded script's entry points. */
export class ScriptRunner {
  private prepared = false;
  /**
   * The second staging buffer, once {@link load} found that RAM there holds what is written
   * (a script may name one that a smaller part of its family lacks); undefined otherwise.
   */
  secondStagingAddr: number | undefined;
  /**
   * The further staging buffers ({@link RunnableScript.furtherStaging}) that {@link load} found
   * RAM for, in order (at both ends of each, stopping at the first that fails); empty without
   * a second buffer.
   */
  furtherStagingAddrs: number[] = [];
  constructor(
    readonly cpu: CortexM,
    readonly script: RunnableScript,
  ) {}

  /** True when the header slot at `offset` holds an entry (non-zero word in the image). */
  has(offset: number): boolean {
    const i = offset;
    if (i + 4 > this.script.image.length) return false;
    const view = new DataView(this.script.image.buffer, this.script.image.byteOffset);
    return view.getUint32(i, true) !== 0;
  }

  /**
   * Uploads the image: checks the load, last-word and staging addresses accept writes, halts,
   * sets the T bit and PRIMASK, writes the image, and arms the syscall trap.
   */
  async load(): Promise<void> {
    const { loadAddr, stagingAddr, image } = this.script;
    const ap = this.cpu.ap;
    const lastWord = loadAddr + ((image.length - 4) & ~3);
    await this.cpu.halt();
    for (const address of [loadAddr, lastWord, stagingAddr]) {
      await ap.write32(address, 0);
      if ((await ap.read32(address)) !== 0) {
        throw new WebProgError(
          'DEVICE_FAULT',
          `Device script "${this.script.name}": RAM at ${formatAddress(address)} does not hold what was written.`,
          { address },
        );
      }
    }
    this.secondStagingAddr = undefined;
    this.furtherStagingAddrs = [];
    const second = this.script.secondStagingAddr;
    const probe = 0x5a17c0de;
    const holds = (address: number): Promise<boolean> =>
      ap.write32(address, probe).then(
        async () => (await ap.read32(address)) === probe,
        () => false,
      );
    if (second !== undefined && (await holds(second))) {
      this.secondStagingAddr = second;
      const further = this.script.furtherStaging;
      for (let i = 1; further && i <= further.count; i++) {
        const at = second + i * further.stride;
        if (!(await holds(at)) || !(await holds(at + further.stride - 4))) break;
        this.furtherStagingAddrs.push(at);
      }
    }
    await this.prepareCore();
    await ap.writeBytes(loadAddr, image);
    await this.cpu.setWatchpoint(0, loadAddr, 2, 4);
    this.prepared = true;
  }

  /**
   * Calls the entry at header `offset` with R0–R3 = `args`, waits up to `timeoutMs` for it to
   * halt, services syscalls meanwhile, and returns R0/R1. An absent entry throws NOT_SUPPORTED.
   */
  async call(
    offset: number,
    args: number[],
    timeoutMs: number,
    host: SyscallHost,
    entryName: string,
  ): Promise<EntryResult> {
    await this.start(offset, args, entryName);
    return this.finish(timeoutMs, host, entryName);
  }

  /**
   * Starts the entry at `offset` and returns while it runs, so the host can use the link
   * meanwhile (upload the next block while this one programs). Pair with {@link finish}.
   */
  async start(offset: number, args: number[], entryName: string): Promise<void> {
    await this.prepareCore();
    // Registers, DFSR clear and the resume go out in one pipelined batch.
    await this.cpu.writeRegisters(this.entryRegisters(offset, args, entryName), this.cpu.resumeWrites(true));
  }

  /** R0–R3 = `args` (0 when absent) and PC = the entry at `offset`; NOT_SUPPORTED if absent. */
  private entryRegisters(offset: number, args: number[], entryName: string): [number, number][] {
    if (!this.has(offset)) {
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Device script "${this.script.name}" has no ${entryName} entry.`,
      );
    }
    const regs: [number, number][] = [0, 1, 2, 3].map((r) => [r, (args[r] ?? 0) >>> 0]);
    regs.push([CoreReg.PC, (this.script.loadAddr + offset) | 1]);
    return regs;
  }

  /**
   * Waits for the entry started by {@link start} to return, servicing syscalls. With `next`,
   * the batch that reads the result also starts that entry (one round trip instead of two);
   * when the result is a failure (R0 = 0) the next entry is halted again at once, before it can
   * have done anything a retry would mind (an erase or program the caller reports anyway).
   */
  async finish(
    timeoutMs: number,
    host: SyscallHost,
    entryName: string,
    next?: { offset: number; args: number[]; entryName: string },
    /** A halted state the caller has just read (saves reading it again). */
    halted?: CoreState,
  ): Promise<EntryResult> {
    const { loadAddr } = this.script;
    let known = halted?.halted ? halted : undefined;
    for (;;) {
      let state;
      try {
        state = known ?? (await this.cpu.waitHalted(timeoutMs, `${entryName} of "${this.script.name}"`));
        known = undefined;
      } catch (error) {
        await this.cpu.halt().catch(() => undefined);
        throw error;
      }
      if (state.reasons & Dfsr.DWTTRAP) {
        const pc = await this.cpu.readRegister(CoreReg.PC);
        if ((pc & ~3) === loadAddr) {
          await this.serviceSyscall(host);
          await this.cpu.resume(true);
          continue;
        }
        // A watchpoint armed through syscall 0 hit: CortexProg reports success with R0 = 1.
        host.onSyscall?.({ kind: 'watchpoint-hit', pc: pc >>> 0 });
        const r1 = await this.cpu.readRegister(1);
        if (next) await this.start(next.offset, next.args, next.entryName);
        return { r0: 1, r1 };
      }
      if (!next) {
        const [r0, r1] = await this.cpu.readRegisters([0, 1]);
        return { r0: r0 >>> 0, r1: r1 >>> 0 };
      }
      const regs = this.entryRegisters(next.offset, next.args, next.entryName);
      const [r0, r1] = await this.cpu.readThenWriteRegisters([0, 1], regs, this.cpu.resumeWrites(true));
      if (!r0) await this.cpu.halt();
      return { r0: r0 >>> 0, r1: r1 >>> 0 };
    }
  }

  /**
   * Sets xPSR.T and PRIMASK if they are not set (CortexProg's step 3). Once done after a load
   * they stay set: entries return through BKPT and do not touch them.
   */
  private async prepareCore(): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    const xpsr = await this.cpu.readRegister(CoreReg.XPSR);
    if (!(xpsr & 0x0100_0000)) await this.cpu.writeRegister(CoreReg.XPSR, (xpsr | 0x0100_0000) >>> 0);
    const special = await this.cpu.readRegister(CoreReg.SPECIAL);
    if (!(special & 1)) await this.cpu.writeRegister(CoreReg.SPECIAL, (special | 1) >>> 0);
  }

  private async serviceSyscall(host: SyscallHost): Promise<void> {
    const [r0, r1, r2, r3] = await this.cpu.readRegisters([0, 1, 2, 3]);
    const lr = await this.cpu.readRegister(CoreReg.LR);
    switch (r0) {
      case 0:
        await this.cpu.setWatchpoint(1, r1, r2, r3);
        host.onSyscall?.({ kind: 'watchpoint-set', address: r1 >>> 0, mask: r2 >>> 0, fn: r3 >>> 0 });
        break;
      case 1:
        await this.cpu.clearWatchpoint(1);
        host.onSyscall?.({ kind: 'watchpoint-cleared' });
        break;
      case 2: {
        const value = await host.safeRead(r1);
        host.onSyscall?.({
          kind: 'safe-read',
          address: r1 >>> 0,
          ...(value === undefined ? {} : { value: value >>> 0 }),
        });
        await this.cpu.writeRegisters([
          [0, value === undefined ? 0 : 1],
          [1, value ?? 0],
        ]);
        break;
      }
      default:
        // CortexProg prints "unknown syscall" and continues.
        host.onSyscall?.({ kind: 'unknown', number: r0 >>> 0 });
        break;
    }
    await this.cpu.writeRegister(CoreReg.PC, lr & ~1);
  }
}
