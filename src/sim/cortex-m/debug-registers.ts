/**
 * The halting-debug registers of the System Control Space: DFSR (0xE000ED30), DHCSR
 * (0xE000EDF0), DCRSR (0xE000EDF4), DCRDR (0xE000EDF8) and DEMCR (0xE000EDFC), plus the core
 * register file reached through DCRSR/DCRDR (REGSEL numbers per the ARMv6-M/ARMv7-M manuals).
 */
import { DEBUG, type Master } from './bus';
import { DEMCR, type CpuRunner } from './cpu-runner';

/** DHCSR writes are ignored unless bits 31:16 hold this key. */
export const DHCSR_KEY = 0xa05f;
const REGWNR = 1 << 16;

/** Which architecture's debug features exist. */
export interface DebugFeatures {
  /** ARMv7-M (M3/M4): more DEMCR bits, BASEPRI/FAULTMASK. */
  v7m: boolean;
  /** Has an FPU (REGSEL 0x21 FPSCR, 0x40–0x5F S0–S31). */
  fpu: boolean;
}

/** DFSR, DHCSR, DCRSR, DCRDR and DEMCR. Offsets are from 0xE000E000. */
export class DebugRegisters {
  private dcrdr = 0;
  private regReady = true;
  private readonly fpRegisters = new Uint32Array(0x60);
  private basepriFaultmask = 0;

  constructor(
    private readonly runner: CpuRunner,
    private readonly features: DebugFeatures,
    /** Called after DEMCR changed (the DWT depends on DWTENA). */
    private readonly demcrChanged: () => void,
  ) {}

  /** True if `offset` is one of these registers. */
  static handles(offset: number): boolean {
    return offset === 0xd30 || (offset >= 0xdf0 && offset <= 0xdfc);
  }

  /** Reads a register (word access). */
  read(offset: number): number {
    const r = this.runner;
    switch (offset) {
      case 0xd30:
        return r.dfsr;
      case 0xdf0: {
        const value =
          (r.debugEnabled ? 1 : 0) |
          (r.haltBit ? 2 : 0) |
          (r.stepBit ? 4 : 0) |
          (r.maskIntsBit ? 8 : 0) |
          (this.regReady && r.state === 'halted' ? 1 << 16 : 0) |
          (r.state === 'halted' ? 1 << 17 : 0) |
          (r.state === 'sleeping' ? 1 << 18 : 0) |
          (r.state === 'lockup' ? 1 << 19 : 0) |
          (r.retireSticky ? 1 << 24 : 0) |
          (r.resetSticky ? 1 << 25 : 0);
        r.retireSticky = false;
        r.resetSticky = false;
        return value >>> 0;
      }
      case 0xdf4:
        return 0; // DCRSR is write-only
      case 0xdf8:
        return this.dcrdr >>> 0;
      case 0xdfc:
        return r.demcr >>> 0;
      default:
        return 0;
    }
  }

  /** Writes a register (word access). Only the debugger may write DHCSR. */
  write(offset: number, value: number, master: Master): void {
    const r = this.runner;
    switch (offset) {
      case 0xd30:
        r.dfsr &= ~value & 0x1f;
        break;
      case 0xdf0:
        if (master === DEBUG && value >>> 16 === DHCSR_KEY) this.writeDhcsr(value);
        break;
      case 0xdf4:
        this.writeDcrsr(value);
        break;
      case 0xdf8:
        this.dcrdr = value >>> 0;
        break;
      case 0xdfc: {
        const mask = this.features.v7m ? 0x010f07f1 : DEMCR.VC_CORERESET | DEMCR.VC_HARDERR | DEMCR.DWTENA;
        r.demcr = (value & mask) >>> 0;
        this.demcrChanged();
        break;
      }
    }
  }

  private writeDhcsr(value: number): void {
    const r = this.runner;
    r.debugControlChanged();
    if ((value & 1) === 0) {
      r.debugEnabled = false;
      r.stepBit = false;
      if (r.state === 'halted') r.resume(false);
      return;
    }
    r.debugEnabled = true;
    if (r.state === 'halted') r.maskIntsBit = (value & 8) !== 0;
    r.stepBit = (value & 4) !== 0;
    if ((value & 2) !== 0) {
      if (r.state !== 'halted') r.halt(1);
    } else if (r.state === 'halted') {
      r.resume(r.stepBit);
    } else {
      r.haltBit = false;
    }
  }

  private writeDcrsr(value: number): void {
    if (this.runner.state !== 'halted') {
      this.regReady = false; // no transfer outside Debug state
      return;
    }
    const regsel = value & 0x7f;
    if ((value & REGWNR) !== 0) this.writeCoreRegister(regsel, this.dcrdr);
    else this.dcrdr = this.readCoreRegister(regsel);
    this.regReady = true;
  }

  /** The core register `regsel` as DCRSR/DCRDR see it. */
  readCoreRegister(regsel: number): number {
    const core = this.runner.core;
    if (regsel <= 12 || regsel === 14) return core.registers[regsel] >>> 0;
    switch (regsel) {
      case 13:
        return core.SP >>> 0;
      case 15:
        return core.PC >>> 0;
      case 16:
        return ((core.APSR | core.IPSR | (this.runner.tBit ? 1 << 24 : 0)) >>> 0) as number;
      case 17:
        return core.SPmain >>> 0;
      case 18:
        return core.SPprocess >>> 0;
      case 20:
        return (((core.readSpecialRegister(20) & 3) << 24) | this.basepriFaultmask | (core.PM ? 1 : 0)) >>> 0;
    }
    if (this.features.fpu && (regsel === 0x21 || (regsel >= 0x40 && regsel < 0x60))) {
      return this.fpRegisters[regsel];
    }
    return 0;
  }

  /** Writes the core register `regsel` as a DCRSR write would. */
  writeCoreRegister(regsel: number, value: number): void {
    const runner = this.runner;
    const core = runner.core;
    if (regsel <= 12 || regsel === 14) {
      core.registers[regsel] = value;
      return;
    }
    switch (regsel) {
      case 13:
        core.SP = value;
        return;
      case 15:
        core.PC = value & ~1;
        return;
      case 16:
        core.APSR = value;
        core.IPSR = value & 0x3f;
        core.currentMode = (core.IPSR === 0 ? 0 : 1) as typeof core.currentMode;
        runner.tBit = (value & (1 << 24)) !== 0;
        runner.updateChecks();
        return;
      case 17:
        core.SPmain = value;
        return;
      case 18:
        core.SPprocess = value;
        return;
      case 20:
        core.PM = (value & 1) !== 0;
        core.interruptsUpdated = true;
        core.writeSpecialRegister(20, (value >>> 24) & 3);
        if (this.features.v7m) this.basepriFaultmask = value & 0x00ffff00;
        return;
    }
    if (this.features.fpu && (regsel === 0x21 || (regsel >= 0x40 && regsel < 0x60))) {
      this.fpRegisters[regsel] = value;
    }
  }
}
