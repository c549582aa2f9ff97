/**
 * A Cortex-M processor with its debug components on a chip's system bus: the CPU runner, the
 * SCS, DWT, FPB/BPU, the Arm ROM table and (on v7-M parts) the ITM/TPIU/ETM identification
 * blocks, all mapped on the Private Peripheral Bus as on silicon.
 */
import type { VirtualClock } from '../clock';
import type { SystemBus } from './bus';
import {
  CID_CORESIGHT,
  CID_GENERIC,
  CID_ROM_TABLE,
  idOnlyComponent,
  romEntry,
  romTable,
  type ComponentId,
} from './coresight-ids';
import { CpuRunner, DEMCR } from './cpu-runner';
import { Dwt } from './dwt';
import { Fpb } from './fpb';
import { Scs } from './scs';

/** Base of the Arm ROM table inside the PPB. */
export const ARM_ROM_TABLE = 0xe00ff000;

/** The core as data: identification values and debug resources. */
export interface CoreDescription {
  name: string;
  /** ARMv7-M (true) or ARMv6-M (false) debug architecture. */
  v7m: boolean;
  fpu: boolean;
  hasVtor: boolean;
  cpuid: number;
  dwtComparators: number;
  fpbCodeComparators: number;
  fpbLiteralComparators: number;
  /** 64-bit PIDs of the components (pyOCD layout). */
  pids: {
    romTable: number;
    scs: number;
    dwt: number;
    fpb: number;
    itm?: number;
    tpiu?: number;
    etm?: number;
  };
  /** ETM present in the ROM table (entry bit 0). */
  etmPresent?: boolean;
}

/** Arm's Cortex-M0 r0p0 (micro:bit V1's nRF51822). */
export const CORTEX_M0: CoreDescription = {
  name: 'Cortex-M0',
  v7m: false,
  fpu: false,
  hasVtor: false,
  cpuid: 0x410cc200,
  dwtComparators: 2,
  fpbCodeComparators: 4,
  fpbLiteralComparators: 0,
  pids: { romTable: 0x4000bb471, scs: 0x4000bb008, dwt: 0x4000bb00a, fpb: 0x4000bb00b },
};

/**
 * Arm's Cortex-M3 r1p1 (STM32F103): CPUID 0x411FC231, 4 DWT comparators, FPB with 6 code and
 * 2 literal comparators (Cortex-M3 TRM r1p1), components as pyOCD lists them on an STM32F103
 * (SCS part 0x000, DWT 0x002, FPB 0x003, ITM 0x001, TPIU 0x923; no ETM entry); the PID
 * revision nibbles are unverified.
 */
export const CORTEX_M3: CoreDescription = {
  name: 'Cortex-M3',
  v7m: true,
  fpu: false,
  hasVtor: true,
  cpuid: 0x411fc231,
  dwtComparators: 4,
  fpbCodeComparators: 6,
  fpbLiteralComparators: 2,
  pids: {
    romTable: 0x4000bb4c3,
    scs: 0x4000bb000,
    dwt: 0x4003bb002,
    fpb: 0x4002bb003,
    itm: 0x4003bb001,
    tpiu: 0x4001bb923,
  },
};

/** Arm's Cortex-M4F r0p1 (nRF52833, STM32F411). */
export const CORTEX_M4F: CoreDescription = {
  name: 'Cortex-M4',
  v7m: true,
  fpu: true,
  hasVtor: true,
  cpuid: 0x410fc241,
  dwtComparators: 4,
  fpbCodeComparators: 6,
  fpbLiteralComparators: 2,
  pids: {
    romTable: 0x4000bb4c4,
    scs: 0x4000bb00c,
    dwt: 0x4003bb002,
    fpb: 0x4002bb003,
    itm: 0x4003bb001,
    tpiu: 0x4000bb9a1,
    etm: 0x4000bb925,
  },
  etmPresent: true,
};

/** Options for {@link CortexMSystem}. */
export interface CortexMSystemOptions {
  clock: VirtualClock;
  bus: SystemBus;
  core: CoreDescription;
  cpuHz: number;
  /** PID the vendor gave the top ROM table at 0xE00FF000 (defaults to Arm's). */
  romTablePid?: number;
  /** Resets the chip's peripherals on a system reset. */
  resetPeripherals?: () => void;
}

/** The processor and its debug components, mapped on `bus`. */
export class CortexMSystem {
  readonly runner: CpuRunner;
  readonly scs: Scs;
  readonly dwt: Dwt;
  readonly fpb: Fpb;
  readonly core: CoreDescription;

  constructor(options: CortexMSystemOptions) {
    const { bus, clock, core } = options;
    this.core = core;
    const runner = new CpuRunner(bus, clock, options.cpuHz);
    this.runner = runner;
    const id = (pid: number, cid = CID_GENERIC): ComponentId => ({ pid, cid });
    this.dwt = new Dwt(
      core.dwtComparators,
      id(core.pids.dwt),
      () => (runner.demcr & DEMCR.DWTENA) !== 0,
      () => this.comparatorsChanged(),
      () => (runner.state === 'halted' ? 0xffffffff : runner.core.PC),
      31,
      core.v7m ? () => runner.cycles : undefined,
    );
    this.fpb = new Fpb(core.fpbCodeComparators, core.fpbLiteralComparators, id(core.pids.fpb), () =>
      this.comparatorsChanged(),
    );
    this.scs = new Scs(
      runner,
      { cpuid: core.cpuid, hasVtor: core.hasVtor, v7m: core.v7m, fpu: core.fpu, id: id(core.pids.scs) },
      () => this.dwt.refresh(),
      () => runner.systemReset(),
    );
    runner.onSystemReset = () => {
      this.scs.reset();
      options.resetPeripherals?.();
    };

    bus.map(0xe000e000, 0x1000, this.scs);
    bus.map(0xe0001000, 0x1000, this.dwt);
    bus.map(0xe0002000, 0x1000, this.fpb);
    const entries = [
      romEntry(ARM_ROM_TABLE, 0xe000e000),
      romEntry(ARM_ROM_TABLE, 0xe0001000),
      romEntry(ARM_ROM_TABLE, 0xe0002000),
    ];
    if (core.pids.itm !== undefined) {
      bus.map(0xe0000000, 0x1000, idOnlyComponent(id(core.pids.itm)));
      entries.push(romEntry(ARM_ROM_TABLE, 0xe0000000));
    }
    if (core.pids.tpiu !== undefined) {
      bus.map(0xe0040000, 0x1000, idOnlyComponent(id(core.pids.tpiu, CID_CORESIGHT)));
      entries.push(romEntry(ARM_ROM_TABLE, 0xe0040000));
    }
    if (core.pids.etm !== undefined) {
      if (core.etmPresent) bus.map(0xe0041000, 0x1000, idOnlyComponent(id(core.pids.etm, CID_CORESIGHT)));
      entries.push(romEntry(ARM_ROM_TABLE, 0xe0041000, core.etmPresent === true));
    }
    entries.push(0);
    bus.map(
      ARM_ROM_TABLE,
      0x1000,
      romTable(id(options.romTablePid ?? core.pids.romTable, CID_ROM_TABLE), entries),
    );
  }

  /** Lets `us` of virtual time pass (the CPU runs if it may). */
  elapse(us: number): void {
    this.runner.runFor(us);
  }

  private comparatorsChanged(): void {
    // Called during construction before both units exist.
    if (this.dwt === undefined || this.fpb === undefined) return;
    this.runner.attachComparators({
      breakpointAt: (pc) => this.fpb.breakpointAt(pc),
      pcWatchAt: (pc) => this.dwt.pcWatchAt(pc),
      dataWatch: (a, s, w) => this.dwt.dataWatch(a, s, w),
      pcMatchRanges: [...this.fpb.matchRanges(), ...this.dwt.pcMatchRanges()],
      breakpointsArmed: this.fpb.breakpointsArmed,
      pcWatchArmed: this.dwt.pcWatchArmed,
      dataWatchArmed: this.dwt.dataWatchArmed,
    });
  }
}
