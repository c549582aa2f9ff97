/**
 * Faster dispatch for the common 16-bit Thumb instructions of rp2040js's ARMv6-M core. The
 * package decodes each instruction by walking a chain of about a hundred tests; here a table
 * built once gives every 16-bit opcode its handler, and the handler does exactly what
 * rp2040js's does (same register, flag, memory and cycle effects, in the same order, so a bus
 * fault leaves the core in the same state). Opcodes without a handler here, 32-bit
 * instructions, code outside SRAM and a pending interrupt check go to rp2040js unchanged.
 * `thumb-fast.test.ts` checks every opcode with a handler against rp2040js.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT, type SystemBus } from './bus';
import { MAX_LOOP_BYTES, type IdleLoops } from './idle-loop';
import type { CoreBus, CortexM0Core } from './rp2040-core';

/** 0: rp2040js executes the opcode; otherwise the handler below. */
const enum K {
  Slow = 0,
  AddRdSpImm8,
  AddSpImm7,
  AddsImm3,
  AddsImm8,
  AddsReg,
  AddHi,
  Adr,
  Ands,
  AsrsImm,
  BCond,
  B,
  Bics,
  Blx,
  Bx,
  Cmn,
  CmpImm,
  CmpReg,
  CmpHi,
  Eors,
  Ldmia,
  LdrImm,
  LdrSp,
  LdrLit,
  LdrReg,
  LdrbImm,
  LdrbReg,
  LdrhImm,
  LdrhReg,
  LslsImm,
  LsrsImm,
  MovHi,
  Movs,
  Muls,
  Mvns,
  Nop,
  Orrs,
  Pop,
  Push,
  Stmia,
  StrImm,
  StrSp,
  StrReg,
  StrbImm,
  StrbReg,
  StrhImm,
  StrhReg,
  SubSp,
  SubsImm3,
  SubsImm8,
  SubsReg,
  Tst,
  Uxtb,
  Uxth,
}

/**
 * The handler of `opcode`: rp2040js's decode chain in its own order (the first test that
 * matches wins there, so it does here), with the instructions not handled here mapped to
 * {@link K.Slow}.
 */
function classify(op: number): K {
  if (op >> 12 === 0b1111 || op >> 11 === 0b11101) return K.Slow; // 32-bit instructions
  if (op >> 6 === 0b0100000101) return K.Slow; // ADCS
  if (op >> 11 === 0b10101) return K.AddRdSpImm8;
  if (op >> 7 === 0b101100000) return K.AddSpImm7;
  if (op >> 9 === 0b0001110) return K.AddsImm3;
  if (op >> 11 === 0b00110) return K.AddsImm8;
  if (op >> 9 === 0b0001100) return K.AddsReg;
  if (op >> 8 === 0b01000100) return K.AddHi;
  if (op >> 11 === 0b10100) return K.Adr;
  if (op >> 6 === 0b0100000000) return K.Ands;
  if (op >> 11 === 0b00010) return K.AsrsImm;
  if (op >> 6 === 0b0100000100) return K.Slow; // ASRS (register)
  if (op >> 12 === 0b1101 && ((op >> 9) & 0x7) !== 0b111) return K.BCond;
  if (op >> 11 === 0b11100) return K.B;
  if (op >> 6 === 0b0100001110) return K.Bics;
  if (op >> 8 === 0b10111110) return K.Slow; // BKPT
  if (op >> 7 === 0b010001111 && (op & 0x7) === 0) return K.Blx;
  if (op >> 7 === 0b010001110 && (op & 0x7) === 0) return K.Bx;
  if (op >> 6 === 0b0100001011) return K.Cmn;
  if (op >> 11 === 0b00101) return K.CmpImm;
  if (op >> 6 === 0b0100001010) return K.CmpReg;
  if (op >> 8 === 0b01000101) return K.CmpHi;
  if (op === 0xb672 || op === 0xb662) return K.Slow; // CPSID, CPSIE
  if (op >> 6 === 0b0100000001) return K.Eors;
  if (op >> 11 === 0b11001) return K.Ldmia;
  if (op >> 11 === 0b01101) return K.LdrImm;
  if (op >> 11 === 0b10011) return K.LdrSp;
  if (op >> 11 === 0b01001) return K.LdrLit;
  if (op >> 9 === 0b0101100) return K.LdrReg;
  if (op >> 11 === 0b01111) return K.LdrbImm;
  if (op >> 9 === 0b0101110) return K.LdrbReg;
  if (op >> 11 === 0b10001) return K.LdrhImm;
  if (op >> 9 === 0b0101101) return K.LdrhReg;
  if (op >> 9 === 0b0101011 || op >> 9 === 0b0101111) return K.Slow; // LDRSB, LDRSH
  if (op >> 11 === 0b00000) return K.LslsImm;
  if (op >> 6 === 0b0100000010) return K.Slow; // LSLS (register)
  if (op >> 11 === 0b00001) return K.LsrsImm;
  if (op >> 6 === 0b0100000011) return K.Slow; // LSRS (register)
  if (op >> 8 === 0b01000110) return K.MovHi;
  if (op >> 11 === 0b00100) return K.Movs;
  if (op >> 6 === 0b0100001101) return K.Muls;
  if (op >> 6 === 0b0100001111) return K.Mvns;
  if (op >> 6 === 0b0100001100) return K.Orrs;
  if (op >> 9 === 0b1011110) return K.Pop;
  if (op >> 9 === 0b1011010) return K.Push;
  if (op >> 6 === 0b1011101000 || op >> 6 === 0b1011101001 || op >> 6 === 0b1011101011) return K.Slow; // REV*
  if (op >> 6 === 0b0100000111 || op >> 6 === 0b0100001001) return K.Slow; // ROR, NEGS
  if (op === 0xbf00) return K.Nop;
  if (op >> 6 === 0b0100000110) return K.Slow; // SBCS
  if (op === 0xbf40) return K.Slow; // SEV
  if (op >> 11 === 0b11000) return K.Stmia;
  if (op >> 11 === 0b01100) return K.StrImm;
  if (op >> 11 === 0b10010) return K.StrSp;
  if (op >> 9 === 0b0101000) return K.StrReg;
  if (op >> 11 === 0b01110) return K.StrbImm;
  if (op >> 9 === 0b0101010) return K.StrbReg;
  if (op >> 11 === 0b10000) return K.StrhImm;
  if (op >> 9 === 0b0101001) return K.StrhReg;
  if (op >> 7 === 0b101100001) return K.SubSp;
  if (op >> 9 === 0b0001111) return K.SubsImm3;
  if (op >> 11 === 0b00111) return K.SubsImm8;
  if (op >> 9 === 0b0001101) return K.SubsReg;
  if (op >> 8 === 0b11011111) return K.Slow; // SVC
  if (op >> 6 === 0b1011001001 || op >> 6 === 0b1011001000) return K.Slow; // SXTB, SXTH
  if (op >> 6 === 0b0100001000) return K.Tst;
  if (op >> 8 === 0b11011110) return K.Slow; // UDF
  if (op >> 6 === 0b1011001011) return K.Uxtb;
  if (op >> 6 === 0b1011001010) return K.Uxth;
  return K.Slow; // WFE, WFI, YIELD, and what rp2040js does not implement
}

/** Number of set bits of each 9-bit register list (PUSH's r0–r7 and LR). */
const BIT_COUNT9 = new Uint8Array(0x200);
for (let i = 1; i < 0x200; i++) BIT_COUNT9[i] = BIT_COUNT9[i >> 1] + (i & 1);

const KINDS = new Uint8Array(0x10000);
for (let op = 0; op < 0x10000; op++) KINDS[op] = classify(op);

/** The handler kind of a 16-bit opcode (for {@link ThumbBlocks}: {@link THUMB_SLOW} = rp2040js's). */
export function thumbKindOf(opcode: number): number {
  return KINDS[opcode & 0xffff];
}

/** {@link thumbKindOf}'s kind of the opcodes rp2040js executes. */
export const THUMB_SLOW: number = K.Slow;

/** Number of set bits of each 9-bit register list (PUSH's r0–r7 and LR). */
export const PUSH_BIT_COUNT: Readonly<Uint8Array> = BIT_COUNT9;

/** True if rp2040js executes `opcode` here rather than a handler of this file (for tests). */
export function executedByRp2040js(opcode: number): boolean {
  return KINDS[opcode & 0xffff] === K.Slow;
}

/** rp2040js's `cyclesIO`: extra cycles of a load or store at `addr` (its RP2040 bus map). */
export function thumbCyclesIO(addr: number, write: boolean): number {
  addr = addr >>> 0;
  if (addr >= 0xd0000000 && addr < 0xe0000000) return 0;
  if (addr >= 0x40000000 && addr < 0x50000000) return write ? 4 : 3;
  return 1;
}

/** {@link FastThumb.run}: the next instruction is the runner's. */
export const RUN_STOPPED = 0;
/** {@link FastThumb.run}: the runner finishes the last instruction executed. */
export const RUN_AFTER = 1;
/** {@link FastThumb.run}: the instruction at `lastPc` took a bus fault. */
export const RUN_FAULTED = 2;
/** {@link BlockRunner.run}: the block ran; the next instruction is at the PC. */
export const BLOCK_CONTINUE = 3;
/** {@link BlockRunner.run}: no block ran here: FastThumb's own loop executes the instruction. */
export const BLOCK_FALLBACK = 4;

/** What a block's run reports besides its status. */
export interface BlockOutcome {
  /** Instructions executed, or skipped by the idle-loop fast-forward. */
  executed: number;
  /** The last instruction executed (RUN_AFTER) or the one that faulted (RUN_FAULTED). */
  lastPc: number;
  lastCycles: number;
}

/**
 * Runs translated straight-line blocks for {@link FastThumb.run} (`ThumbBlocks`): the same
 * effects and checks as FastThumb's loop, instruction by instruction.
 */
export interface BlockRunner {
  /**
   * Runs the block at `pc`; returns {@link RUN_STOPPED}, {@link RUN_AFTER}, {@link RUN_FAULTED}
   * (as {@link FastThumb.run} does), {@link BLOCK_CONTINUE} or {@link BLOCK_FALLBACK}.
   */
  run(pc: number, endUs: number, loops: IdleLoops | undefined): number;
  /** What the last run executed and its last instruction. */
  readonly outcome: BlockOutcome;
}

/** What {@link FastThumb.run} reads of the CPU runner between instructions. */
export interface FastRunnerState {
  /** Checks are due before an instruction outside `[freeFrom, freeTo)`. */
  readonly preCheck: boolean;
  readonly freeFrom: number;
  readonly freeTo: number;
  /** Events raised (non-zero: the runner handles them). */
  readonly events: number;
  readonly state: string;
  readonly usPerCycle: number;
  /** Address of the instruction being fetched (set before each one). */
  fetchAddress: number;
}

/** What is told of instruction fetches while a loop iteration is recorded (`IdleLoops`). */
export interface FetchRecorder {
  readonly recording: boolean;
  noteRead(address: number, size: number): void;
}

/** Executes instructions of `core` by the handlers here: one ({@link execute}) or a run ({@link run}). */
export class FastThumb {
  /** What {@link run} executed or skipped, and the last instruction it executed. */
  executed = 0;
  lastPc = 0;
  lastCycles = 1;
  /** Translated blocks {@link run} uses when set (the runner's `fastBlocks`). */
  blocks: BlockRunner | undefined;

  constructor(
    private readonly core: CortexM0Core,
    /** What the core's own loads and stores go through (the CPU runner). */
    private readonly mem: CoreBus,
    private readonly bus: SystemBus,
    /** Told of each instruction fetch while an idle-loop iteration is recorded, as rp2040js's fetch would be. */
    private readonly fetches: FetchRecorder,
    private readonly clock: VirtualClock,
    /** The runner's state {@link run} checks between instructions. */
    private readonly runner: FastRunnerState,
  ) {}

  /** Executes the instruction at the PC; returns its cycles (as `executeInstruction`). */
  execute(): number {
    const core = this.core;
    if (core.interruptsUpdated) return core.executeInstruction();
    const opcode = this.bus.ramHalfword(core.registers[15] & ~1);
    if (opcode < 0 || KINDS[opcode] === K.Slow) return core.executeInstruction();
    return this.loop(true, Infinity, undefined); // a double, as run() passes (no deopt)
  }

  /**
   * Executes instructions one after the other for the runner while each has a handler here
   * and needs nothing the runner does: the clock is before `endUs`, no pending interrupt
   * check, no idle-loop recording, the PC inside the runner's range free of comparators (or no
   * comparator armed). After each it does what the runner's loop does (clock, counts, the
   * idle-loop check of a backward branch with `loops`). Returns {@link RUN_STOPPED} when the
   * next instruction is the runner's to execute, {@link RUN_AFTER} when the last one executed
   * ({@link lastPc}, {@link lastCycles}) raised an event, changed the core's state or started
   * a recording, and {@link RUN_FAULTED} when the instruction at {@link lastPc} took a bus
   * fault (not counted in {@link executed}). {@link executed} counts the instructions executed
   * or skipped.
   */
  run(endUs: number, loops: IdleLoops | undefined): number {
    this.executed = 0;
    return this.loop(false, endUs, loops);
  }

  private loop(single: boolean, endUs: number, loops: IdleLoops | undefined): number {
    const core = this.core;
    const r = core.registers;
    const mem = this.mem;
    const runner = this.runner;
    const clock = this.clock;
    const fetches = this.fetches;
    const bus = this.bus;
    const blocks = single ? undefined : this.blocks;
    let executed = 0;
    let pc = 0;
    try {
      for (;;) {
        pc = r[15];
        if (blocks !== undefined) {
          const status = blocks.run(pc, endUs, loops);
          const outcome = blocks.outcome;
          executed += outcome.executed;
          if (status === BLOCK_CONTINUE) continue;
          if (status !== BLOCK_FALLBACK) {
            this.executed += executed;
            this.lastPc = outcome.lastPc;
            this.lastCycles = outcome.lastCycles;
            return status;
          }
        }
        const opcodePC = pc & ~1;
        const opcode = bus.ramHalfword(opcodePC);
        const kind = opcode < 0 ? K.Slow : KINDS[opcode];
        if (single) {
          if (fetches.recording) fetches.noteRead(opcodePC, 2);
        } else {
          if (
            !(clock.nowUs < endUs) ||
            kind === K.Slow ||
            core.interruptsUpdated ||
            fetches.recording ||
            (runner.preCheck && (pc < runner.freeFrom || pc >= runner.freeTo))
          ) {
            this.executed += executed;
            return RUN_STOPPED;
          }
          runner.fetchAddress = opcodePC;
        }
        r[15] += 2;
        let cycles = 1;
        switch (kind) {
          case K.AddRdSpImm8:
            r[(opcode >> 8) & 7] = r[13] + ((opcode & 0xff) << 2);
            break;
          case K.AddSpImm7:
            r[13] = (r[13] + ((opcode & 0x7f) << 2)) & ~3;
            break;
          case K.AddsImm3:
            r[opcode & 7] = thumbAdd(core, r[(opcode >> 3) & 7], (opcode >> 6) & 7);
            break;
          case K.AddsImm8: {
            const rdn = (opcode >> 8) & 7;
            r[rdn] = thumbAdd(core, r[rdn], opcode & 0xff);
            break;
          }
          case K.AddsReg:
            r[opcode & 7] = thumbAdd(core, r[(opcode >> 3) & 7], r[(opcode >> 6) & 7]);
            break;
          case K.AddHi: {
            const rm = (opcode >> 3) & 0xf;
            const rdn = ((opcode & 0x80) >> 4) | (opcode & 0x7);
            const left = rdn === 15 ? r[15] + 2 : r[rdn];
            const right = rm === 15 ? r[15] + 2 : r[rm];
            const result = left + right;
            if (rdn !== 13 && rdn !== 15) r[rdn] = result;
            else if (rdn === 15) {
              r[15] = result & ~1;
              cycles++;
            } else r[13] = result & ~3;
            break;
          }
          case K.Adr:
            r[(opcode >> 8) & 7] = (opcodePC & 0xfffffffc) + 4 + ((opcode & 0xff) << 2);
            break;
          case K.Ands: {
            const rdn = opcode & 7;
            const result = r[rdn] & r[(opcode >> 3) & 7];
            r[rdn] = result;
            core.N = !!(result & 0x80000000);
            core.Z = (result & 0xffffffff) === 0;
            break;
          }
          case K.AsrsImm: {
            const imm5 = (opcode >> 6) & 0x1f;
            const input = r[(opcode >> 3) & 7];
            const shiftN = imm5 ? imm5 : 32;
            const result = shiftN < 32 ? input >> shiftN : (input & 0x80000000) >> 31;
            r[opcode & 7] = result;
            core.N = !!(result & 0x80000000);
            core.Z = (result & 0xffffffff) === 0;
            core.C = input & (1 << (shiftN - 1)) ? true : false;
            break;
          }
          case K.BCond: {
            let imm8 = (opcode & 0xff) << 1;
            if (imm8 & (1 << 8)) imm8 = (imm8 & 0x1ff) - 0x200;
            if (core.checkCondition((opcode >> 8) & 0xf)) {
              r[15] += imm8 + 2;
              cycles++;
            }
            break;
          }
          case K.B: {
            let imm11 = (opcode & 0x7ff) << 1;
            if (imm11 & (1 << 11)) imm11 = (imm11 & 0x7ff) - 0x800;
            r[15] += imm11 + 2;
            cycles++;
            break;
          }
          case K.Bics: {
            const rdn = opcode & 7;
            const result = (r[rdn] &= ~r[(opcode >> 3) & 7]);
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            break;
          }
          case K.Blx: {
            r[14] = r[15] | 0x1; // rp2040js sets LR first: BLX LR branches to the new LR
            r[15] = r[(opcode >> 3) & 0xf] & ~1;
            cycles++;
            core.blTaken(core, true);
            break;
          }
          case K.Bx:
            core.BXWritePC(r[(opcode >> 3) & 0xf]);
            cycles++;
            break;
          case K.Cmn:
            thumbAdd(core, r[opcode & 7], r[(opcode >> 3) & 7]);
            break;
          case K.CmpImm:
            thumbSub(core, r[(opcode >> 8) & 7], opcode & 0xff);
            break;
          case K.CmpReg:
            thumbSub(core, r[opcode & 7], r[(opcode >> 3) & 7]);
            break;
          case K.CmpHi:
            thumbSub(core, r[((opcode >> 4) & 0x8) | (opcode & 0x7)], r[(opcode >> 3) & 0xf]);
            break;
          case K.Eors: {
            const rdn = opcode & 7;
            const result = r[(opcode >> 3) & 7] ^ r[rdn];
            r[rdn] = result;
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            break;
          }
          case K.Ldmia: {
            const rn = (opcode >> 8) & 0x7;
            let address = r[rn];
            for (let i = 0; i < 8; i++) {
              if (opcode & (1 << i)) {
                r[i] = mem.readUint32(address);
                address += 4;
                cycles++;
              }
            }
            if (!(opcode & (1 << rn))) r[rn] = address;
            break;
          }
          case K.LdrImm: {
            const addr = r[(opcode >> 3) & 7] + (((opcode >> 6) & 0x1f) << 2);
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint32(addr);
            break;
          }
          case K.LdrSp: {
            const addr = r[13] + ((opcode & 0xff) << 2);
            cycles += thumbCyclesIO(addr, false);
            r[(opcode >> 8) & 7] = mem.readUint32(addr);
            break;
          }
          case K.LdrLit: {
            const addr = ((r[15] + 2) & 0xfffffffc) + ((opcode & 0xff) << 2);
            cycles += thumbCyclesIO(addr, false);
            r[(opcode >> 8) & 7] = mem.readUint32(addr);
            break;
          }
          case K.LdrReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint32(addr);
            break;
          }
          case K.LdrbImm: {
            const addr = r[(opcode >> 3) & 7] + ((opcode >> 6) & 0x1f);
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint8(addr);
            break;
          }
          case K.LdrbReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint8(addr);
            break;
          }
          case K.LdrhImm: {
            const addr = r[(opcode >> 3) & 7] + (((opcode >> 6) & 0x1f) << 1);
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint16(addr);
            break;
          }
          case K.LdrhReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, false);
            r[opcode & 7] = mem.readUint16(addr);
            break;
          }
          case K.LslsImm: {
            const imm5 = (opcode >> 6) & 0x1f;
            const input = r[(opcode >> 3) & 7];
            const result = input << imm5;
            r[opcode & 7] = result;
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            core.C = imm5 ? !!(input & (1 << (32 - imm5))) : core.C;
            break;
          }
          case K.LsrsImm: {
            const imm5 = (opcode >> 6) & 0x1f;
            const input = r[(opcode >> 3) & 7];
            const result = imm5 ? input >>> imm5 : 0;
            r[opcode & 7] = result;
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            core.C = !!((input >>> (imm5 ? imm5 - 1 : 31)) & 0x1);
            break;
          }
          case K.MovHi: {
            const rm = (opcode >> 3) & 0xf;
            const rd = ((opcode >> 4) & 0x8) | (opcode & 0x7);
            let value = rm === 15 ? r[15] + 2 : r[rm];
            if (rd === 15) {
              cycles++;
              value &= ~1;
            } else if (rd === 13) value &= ~3;
            r[rd] = value;
            break;
          }
          case K.Movs: {
            const value = opcode & 0xff;
            r[(opcode >> 8) & 7] = value;
            core.N = false;
            core.Z = value === 0;
            break;
          }
          case K.Muls: {
            const rdm = opcode & 7;
            const result = Math.imul(r[(opcode >> 3) & 7], r[rdm]);
            r[rdm] = result;
            core.N = !!(result & 0x80000000);
            core.Z = (result & 0xffffffff) === 0;
            break;
          }
          case K.Mvns: {
            const result = ~r[(opcode >> 3) & 7];
            r[opcode & 7] = result;
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            break;
          }
          case K.Nop:
            break;
          case K.Pop: {
            let address = r[13];
            for (let i = 0; i <= 7; i++) {
              if (opcode & (1 << i)) {
                r[i] = mem.readUint32(address);
                address += 4;
                cycles++;
              }
            }
            if (opcode & 0x100) {
              r[13] = (address + 4) & ~3; // SP is written before the PC is read, as rp2040js does
              core.BXWritePC(mem.readUint32(address));
              cycles += 2;
            } else r[13] = address & ~3;
            break;
          }
          case K.Push: {
            const bytes = 4 * BIT_COUNT9[opcode & 0x1ff];
            let address = r[13] - bytes;
            for (let i = 0; i <= 7; i++) {
              if (opcode & (1 << i)) {
                mem.writeUint32(address, r[i]);
                cycles++;
                address += 4;
              }
            }
            if (opcode & 0x100) mem.writeUint32(address, r[14]);
            r[13] = (r[13] - bytes) & ~3;
            break;
          }
          case K.Stmia: {
            const rn = (opcode >> 8) & 0x7;
            let address = r[rn];
            for (let i = 0; i < 8; i++) {
              if (opcode & (1 << i)) {
                mem.writeUint32(address, r[i]);
                address += 4;
                cycles++;
              }
            }
            if (!(opcode & (1 << rn))) r[rn] = address;
            break;
          }
          case K.Orrs: {
            const rdn = opcode & 7;
            const result = r[rdn] | r[(opcode >> 3) & 7];
            r[rdn] = result;
            core.N = !!(result & 0x80000000);
            core.Z = (result & 0xffffffff) === 0;
            break;
          }
          case K.StrImm: {
            const addr = r[(opcode >> 3) & 7] + (((opcode >> 6) & 0x1f) << 2);
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint32(addr, r[opcode & 7]);
            break;
          }
          case K.StrSp: {
            const addr = r[13] + ((opcode & 0xff) << 2);
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint32(addr, r[(opcode >> 8) & 7]);
            break;
          }
          case K.StrReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint32(addr, r[opcode & 7]);
            break;
          }
          case K.StrbImm: {
            const addr = r[(opcode >> 3) & 7] + ((opcode >> 6) & 0x1f);
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint8(addr, r[opcode & 7]);
            break;
          }
          case K.StrbReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint8(addr, r[opcode & 7]);
            break;
          }
          case K.StrhImm: {
            const addr = r[(opcode >> 3) & 7] + (((opcode >> 6) & 0x1f) << 1);
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint16(addr, r[opcode & 7]);
            break;
          }
          case K.StrhReg: {
            const addr = r[(opcode >> 6) & 7] + r[(opcode >> 3) & 7];
            cycles += thumbCyclesIO(addr, true);
            mem.writeUint16(addr, r[opcode & 7]);
            break;
          }
          case K.SubSp:
            r[13] = (r[13] - ((opcode & 0x7f) << 2)) & ~3;
            break;
          case K.SubsImm3:
            r[opcode & 7] = thumbSub(core, r[(opcode >> 3) & 7], (opcode >> 6) & 7);
            break;
          case K.SubsImm8: {
            const rdn = (opcode >> 8) & 7;
            r[rdn] = thumbSub(core, r[rdn], opcode & 0xff);
            break;
          }
          case K.SubsReg:
            r[opcode & 7] = thumbSub(core, r[(opcode >> 3) & 7], r[(opcode >> 6) & 7]);
            break;
          case K.Tst: {
            const result = r[opcode & 7] & r[(opcode >> 3) & 7];
            core.N = !!(result & 0x80000000);
            core.Z = result === 0;
            break;
          }
          case K.Uxtb:
            r[opcode & 7] = r[(opcode >> 3) & 7] & 0xff;
            break;
          case K.Uxth:
            r[opcode & 7] = r[(opcode >> 3) & 7] & 0xffff;
            break;
        }
        core.cycles += cycles;
        if (single) return cycles;
        executed++;
        clock.nowUs += cycles * runner.usPerCycle;
        if (runner.events !== 0 || runner.state !== 'running' || core.waiting) {
          this.executed += executed;
          this.lastPc = pc;
          this.lastCycles = cycles;
          return RUN_AFTER;
        }
        if (loops !== undefined) {
          const next = r[15];
          if (next < pc && pc - next <= MAX_LOOP_BYTES) {
            executed += loops.backwardBranch(next, endUs);
            if (loops.recording) {
              this.executed += executed;
              return RUN_STOPPED;
            }
          }
        }
      }
    } catch (error) {
      if (single || error !== BUS_FAULT) throw error;
      this.executed += executed;
      this.lastPc = pc;
      this.lastCycles = 1;
      return RUN_FAULTED;
    }
  }
}

/** rp2040js's `addUpdateFlags`. */
export function thumbAdd(core: CortexM0Core, addend1: number, addend2: number): number {
  const unsignedSum = (addend1 + addend2) >>> 0;
  const signedSum = (addend1 | 0) + (addend2 | 0);
  const result = addend1 + addend2;
  core.N = !!(result & 0x80000000);
  core.Z = (result & 0xffffffff) === 0;
  core.C = result === unsignedSum ? false : true;
  core.V = (result | 0) === signedSum ? false : true;
  return result & 0xffffffff;
}

/** rp2040js's `substractUpdateFlags`. */
export function thumbSub(core: CortexM0Core, minuend: number, subtrahend: number): number {
  const result = minuend - subtrahend;
  core.N = !!(result & 0x80000000);
  core.Z = (result & 0xffffffff) === 0;
  core.C = minuend >= subtrahend;
  core.V =
    (!!(result & 0x80000000) && !(minuend & 0x80000000) && !!(subtrahend & 0x80000000)) ||
    (!(result & 0x80000000) && !!(minuend & 0x80000000) && !(subtrahend & 0x80000000));
  return result;
}
