/**
 * System Control Space (0xE000E000–0xE000EFFF): SysTick, NVIC, System Control Block (CPUID,
 * ICSR, VTOR, AIRCR, SCR, CCR, SHPR2/3, SHCSR, fault status, CPACR), the halting-debug
 * registers ({@link DebugRegisters}) and the SCS identification block. Register addresses and
 * reset values follow the ARMv6-M / ARMv7-M architecture manuals.
 */
import { DEBUG, type BusDevice, type Master } from './bus';
import { idRegister, type ComponentId } from './coresight-ids';
import type { CpuRunner } from './cpu-runner';
import { DebugRegisters, type DebugFeatures } from './debug-registers';

/** AIRCR writes are ignored unless bits 31:16 hold this key; reads show 0xFA05 there. */
export const AIRCR_VECTKEY = 0x05fa;

/** Media and FP Feature Registers of a Cortex-M4 with FPU (MVFR0/MVFR1; zero without one). */
export const MVFR0_FPV4_SP = 0x10110021;
/** MVFR1 of a Cortex-M4 with FPU. */
export const MVFR1_FPV4_SP = 0x11000011;

/** What distinguishes one core's SCS from another's. */
export interface ScsOptions extends DebugFeatures {
  cpuid: number;
  /** VTOR exists (M0+, M3, M4; not M0). */
  hasVtor: boolean;
  id: ComponentId;
}

/** The SCS as a bus device. */
export class Scs implements BusDevice {
  readonly debug: DebugRegisters;
  private readonly store = new Map<number, number>();
  private readonly priorities = new Uint8Array(32);

  constructor(
    private readonly runner: CpuRunner,
    private readonly options: ScsOptions,
    demcrChanged: () => void,
    /** Performs a system reset (AIRCR.SYSRESETREQ). */
    private readonly requestSystemReset: () => void,
  ) {
    this.debug = new DebugRegisters(runner, options, demcrChanged);
  }

  /** Resets the non-debug registers (system reset leaves the debug registers alone). */
  reset(): void {
    this.store.clear();
    this.priorities.fill(0);
  }

  read(offset: number, size: number): number {
    const word = this.readWord(offset & ~3);
    return size === 4 ? word : (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, value: number, size: number, master: Master): void {
    if (size !== 4) {
      if (offset >= 0x400 && offset < 0x420) this.writePriorityByte(offset - 0x400, value & 0xff);
      return; // other SCS registers are word-access only
    }
    this.writeWord(offset, value >>> 0, master);
  }

  private readWord(offset: number): number {
    const core = this.runner.core;
    if (DebugRegisters.handles(offset)) return this.debug.read(offset);
    if (offset >= 0x400 && offset < 0x420) {
      const i = offset - 0x400;
      const p = this.priorities;
      return (p[i] | (p[i + 1] << 8) | (p[i + 2] << 16) | (p[i + 3] << 24)) >>> 0;
    }
    switch (offset) {
      case 0x004:
        return this.options.v7m ? 0 : this.stored(offset); // ICTR: up to 32 interrupts
      case 0x01c:
        return 0x40000000; // SYST_CALIB: no reference clock, TENMS unknown
      case 0x100:
      case 0x180:
        return core.enabledInterrupts >>> 0;
      case 0x200:
      case 0x280:
        return core.pendingInterrupts >>> 0;
      case 0xd00:
        return this.options.cpuid >>> 0;
      case 0xd04: {
        const pending = core.vectPending;
        return (
          ((core.pendingNMI ? 1 << 31 : 0) |
            (core.pendingPendSV ? 1 << 28 : 0) |
            (core.pendingSystick ? 1 << 26 : 0) |
            ((core.pendingInterrupts & core.enabledInterrupts) !== 0 ? 1 << 22 : 0) |
            ((pending & 0x3f) << 12) |
            (core.IPSR & 0x3f)) >>>
          0
        );
      }
      case 0xd08:
        return this.options.hasVtor ? core.VTOR >>> 0 : 0;
      case 0xd0c:
        return ((0xfa05 << 16) | (this.stored(offset) & 0x700)) >>> 0;
      case 0xd14:
        return this.options.v7m ? (this.store.get(offset) ?? 0x200) : 0x208;
      case 0xd1c:
        return core.SHPR2 >>> 0;
      case 0xd20:
        return core.SHPR3 >>> 0;
      case 0xf40: // MVFR0: single-precision FPv4-SP (Cortex-M4 TRM, table 7-1)
        return this.options.fpu ? MVFR0_FPV4_SP : 0;
      case 0xf44: // MVFR1
        return this.options.fpu ? MVFR1_FPV4_SP : 0;
    }
    const id = idRegister(this.options.id, offset);
    return id ?? this.stored(offset);
  }

  private writeWord(offset: number, value: number, master: Master): void {
    const core = this.runner.core;
    if (DebugRegisters.handles(offset)) {
      this.debug.write(offset, value, master);
      return;
    }
    if (offset >= 0x400 && offset < 0x420) {
      for (let b = 0; b < 4; b++) this.writePriorityByte(offset - 0x400 + b, (value >>> (8 * b)) & 0xff);
      return;
    }
    switch (offset) {
      case 0x100:
        core.enabledInterrupts |= value;
        break;
      case 0x180:
        core.enabledInterrupts &= ~value;
        break;
      case 0x200:
        core.pendingInterrupts |= value;
        break;
      case 0x280:
        core.pendingInterrupts &= ~value;
        break;
      case 0xd04:
        if (value & (1 << 31)) core.pendingNMI = true;
        if (value & (1 << 28)) core.pendingPendSV = true;
        if (value & (1 << 27)) core.pendingPendSV = false;
        if (value & (1 << 26)) core.pendingSystick = true;
        if (value & (1 << 25)) core.pendingSystick = false;
        break;
      case 0xd08:
        if (this.options.hasVtor) core.VTOR = value & 0xffffff80;
        break;
      case 0xd0c:
        if (value >>> 16 !== AIRCR_VECTKEY) return;
        if (this.options.v7m) this.store.set(offset, value & 0x700);
        if (value & 4) this.requestSystemReset();
        else if (this.options.v7m && value & 1 && master === DEBUG) this.runner.systemReset();
        return;
      case 0xd1c:
        core.SHPR2 = value & 0xc0000000;
        break;
      case 0xd20:
        core.SHPR3 = value & 0xc0c00000;
        break;
      case 0xd28:
      case 0xd2c:
        this.store.set(offset, this.stored(offset) & ~value); // CFSR/HFSR: write 1 to clear
        return;
      case 0x01c:
      case 0xd00:
        return; // read-only
      default:
        this.store.set(offset, value);
        return;
    }
    core.interruptsUpdated = true;
  }

  private stored(offset: number): number {
    return this.store.get(offset) ?? 0;
  }

  private writePriorityByte(irq: number, value: number): void {
    const core = this.runner.core;
    this.priorities[irq] = value & 0xc0;
    const levels = [0, 0, 0, 0];
    for (let i = 0; i < 32; i++) levels[this.priorities[i] >>> 6] |= 1 << i;
    core.interruptPriorities = levels.map((l) => l >>> 0);
    core.interruptsUpdated = true;
  }
}
