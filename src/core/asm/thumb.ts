/**
 * ARMv6-M Thumb instruction encoder (unified syntax), choosing the encodings GNU as chooses for
 * `-mcpu=cortex-m0`. Every instruction of the ARMv6-M architecture: the 16-bit data-processing,
 * load/store, stack, branch, hint and extend instructions, and the 32-bit BL, DMB, DSB, ISB,
 * MRS and MSR.
 */
import { AsmFail } from './fail';
import type { Value } from './expr';
import { parseOperand, registerName, splitTopLevel, type Operand } from './operands';

/** What the encoder needs from the assembler. */
export interface EncodeContext {
  /** True in the last pass: every symbol must be defined and every range checked. */
  final: boolean;
  /** Address of the instruction (in the first pass: its offset in the section). */
  pc: number;
  /** Evaluates an expression. */
  expr(text: string): Value;
  /** Places `=expr` in the literal pool; returns the entry's address (0 in the first pass). */
  literal(text: string): number;
  /** Reports an undefined symbol in the last pass. */
  requireKnown(value: Value, text: string): void;
}

const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al'];
const COND_ALIASES: Record<string, number> = { hs: 2, lo: 3 };

/** Condition code number of a suffix, or undefined. */
function condition(suffix: string): number | undefined {
  const i = CONDS.indexOf(suffix);
  if (i >= 0) return i;
  return Object.hasOwn(COND_ALIASES, suffix) ? COND_ALIASES[suffix] : undefined;
}

const SPECIAL_REGS: Record<string, number> = {
  apsr: 0,
  apsr_nzcvq: 0,
  apsr_g: 0,
  apsr_nzcvqg: 0,
  iapsr: 1,
  iapsr_nzcvq: 1,
  eapsr: 2,
  eapsr_nzcvq: 2,
  xpsr: 3,
  xpsr_nzcvq: 3,
  psr: 3,
  ipsr: 5,
  epsr: 6,
  iepsr: 7,
  msp: 8,
  psp: 9,
  primask: 16,
  basepri: 17,
  basepri_max: 18,
  faultmask: 19,
  control: 20,
};

const BARRIER_OPTIONS: Record<string, number> = {
  sy: 15,
  st: 14,
  ish: 11,
  sh: 11,
  ishst: 10,
  shst: 10,
  nsh: 7,
  un: 7,
  nshst: 6,
  unst: 6,
  osh: 3,
  oshst: 2,
};

type Handler = (ops: Operand[], ctx: EncodeContext, mnemonic: string) => number[];

function fail(code: ConstructorParameters<typeof AsmFail>[0], message: string): never {
  throw new AsmFail(code, message);
}

function count(ops: Operand[], n: number | number[], mnemonic: string): void {
  const ok = Array.isArray(n) ? n.includes(ops.length) : ops.length === n;
  if (!ok)
    fail(
      'ASM_SYNTAX',
      `${mnemonic}: expected ${Array.isArray(n) ? n.join(' or ') : n} operands, got ${ops.length}`,
    );
}

function reg(op: Operand | undefined, mnemonic: string): number {
  if (!op || op.kind !== 'reg' || op.writeback)
    fail('ASM_BAD_REGISTER', `${mnemonic}: expected a register, got "${op?.text ?? ''}"`);
  return op.reg;
}

function low(op: Operand | undefined, mnemonic: string): number {
  const r = reg(op, mnemonic);
  if (r > 7) fail('ASM_BAD_REGISTER', `${mnemonic}: ${registerName(r)} is not allowed here, only r0-r7`);
  return r;
}

function isReg(op: Operand | undefined): op is Extract<Operand, { kind: 'reg' }> {
  return op?.kind === 'reg' && !op.writeback;
}

function isImm(op: Operand | undefined): op is Extract<Operand, { kind: 'imm' | 'expr' }> {
  return op?.kind === 'imm' || op?.kind === 'expr';
}

/** An immediate's value, checked against [min, max] (and a multiple of `step`) in the last pass. */
function imm(
  op: Operand | undefined,
  ctx: EncodeContext,
  mnemonic: string,
  min: number,
  max: number,
  step = 1,
): number {
  if (!isImm(op)) fail('ASM_SYNTAX', `${mnemonic}: expected an immediate, got "${op?.text ?? ''}"`);
  const value = ctx.expr(op.expr);
  if (!value.known) {
    ctx.requireKnown(value, op.expr);
    return min;
  }
  if (value.sec !== null) {
    if (ctx.final) fail('ASM_SYNTAX', `${mnemonic}: "${op.expr}" is an address, not a constant`);
    return min;
  }
  const v = value.v;
  if (v < BigInt(min) || v > BigInt(max) || v % BigInt(step) !== 0n) {
    const range = step > 1 ? `${min} to ${max} in steps of ${step}` : `${min} to ${max}`;
    fail('ASM_IMMEDIATE_RANGE', `${mnemonic}: immediate ${v} is out of range (${range})`);
  }
  return Number(v);
}

/** A branch or PC-relative target address (undefined symbols fail in the last pass). */
function target(op: Operand | undefined, ctx: EncodeContext, mnemonic: string): number | null {
  if (!op || (op.kind !== 'expr' && op.kind !== 'imm'))
    fail('ASM_SYNTAX', `${mnemonic}: expected a label, got "${op?.text ?? ''}"`);
  const value = ctx.expr(op.expr);
  if (!value.known) {
    ctx.requireKnown(value, op.expr);
    return null;
  }
  if (!ctx.final) return null;
  return Number(BigInt.asUintN(32, value.v));
}

function branchOffset(
  to: number | null,
  ctx: EncodeContext,
  mnemonic: string,
  min: number,
  max: number,
): number {
  if (to === null) return 0;
  const off = to - (ctx.pc + 4);
  if (off < min || off > max)
    fail(
      'ASM_BRANCH_RANGE',
      `${mnemonic}: branch target is out of range (${off} bytes from pc+4; allowed ${min} to ${max})`,
    );
  // like gas, an odd offset (a Thumb function's address with bit 0) loses bit 0
  return off;
}

/** Offset of a word-aligned target from Align(pc + 4, 4), as LDR (literal) and ADR need. */
function pcRelative(to: number | null, ctx: EncodeContext, mnemonic: string): number {
  if (to === null) return 0;
  const base = (ctx.pc + 4) & ~3;
  const off = to - base;
  if (off & 3)
    fail('ASM_MISALIGNED', `${mnemonic}: target is not word-aligned (offset ${off} from Align(pc + 4, 4))`);
  if (off < 0 || off > 1020)
    fail('ASM_IMMEDIATE_RANGE', `${mnemonic}: target offset ${off} is out of range (0 to 1020)`);
  return off;
}

const rr = (op: number, rm: number, rdn: number): number[] => [op | (rm << 3) | rdn];

/** Two low-register data-processing forms: `op rdn, rm` or `op rd, rn, rm` with rd == rn. */
function dp(op: number, commutative: boolean): Handler {
  return (ops, _ctx, m) => {
    count(ops, [2, 3], m);
    if (ops.length === 2) return rr(op, low(ops[1], m), low(ops[0], m));
    const rd = low(ops[0], m);
    const rn = low(ops[1], m);
    const rm = low(ops[2], m);
    if (rd === rn) return rr(op, rm, rd);
    if (commutative && rd === rm) return rr(op, rn, rd);
    return fail(
      'ASM_BAD_REGISTER',
      `${m}: the destination must be the same register as the first source in Thumb-1`,
    );
  };
}

/** LSLS/LSRS/ASRS: immediate or register shift. */
function shift(immOp: number, regOp: number, min: number, max: number): Handler {
  return (ops, ctx, m) => {
    count(ops, [2, 3], m);
    const last = ops[ops.length - 1];
    if (isImm(last)) {
      const rd = low(ops[0], m);
      const rm = ops.length === 3 ? low(ops[1], m) : rd;
      const n = imm(last, ctx, m, immOp === 0 ? min : 0, max);
      // gas writes lsrs/asrs #0 as movs (a shift by 0)
      if (n === 0) return [(rm << 3) | rd];
      return [immOp | ((n & 31) << 6) | (rm << 3) | rd];
    }
    return dp(regOp, false)(ops, ctx, m);
  };
}

function addSub(isSubOp: boolean, setFlags: boolean): Handler {
  return (ops, ctx, m) => {
    count(ops, [2, 3], m);
    const rd = reg(ops[0], m);
    const three = ops.length === 3;
    const rn = three ? reg(ops[1], m) : rd;
    let last = ops[ops.length - 1];
    if (isImm(last)) {
      // gas turns a negative immediate into the opposite operation (adds #-1 is subs #1)
      let isSub = isSubOp;
      const value = ctx.expr(last.expr);
      const flips = setFlags || (rd === 13 && rn === 13);
      if (flips && value.known && value.sec === null && value.v < 0n) {
        isSub = !isSub;
        last = { kind: 'imm', expr: `-(${last.expr})`, text: last.text };
      }
      if (!setFlags) {
        // ADD/SUB SP, SP, #imm7*4; ADD Rd, SP, #imm8*4; ADD Rd, PC, #imm8*4 (ADR)
        if (rd === 13 && rn === 13) return [(isSub ? 0xb080 : 0xb000) | (imm(last, ctx, m, 0, 508, 4) >> 2)];
        if (!isSub && rn === 13)
          return [0xa800 | (lowNum(rd, m) << 8) | (imm(last, ctx, m, 0, 1020, 4) >> 2)];
        if (!isSub && rn === 15)
          return [0xa000 | (lowNum(rd, m) << 8) | (imm(last, ctx, m, 0, 1020, 4) >> 2)];
        return fail(
          'ASM_BAD_REGISTER',
          `${m}: without flag setting an immediate only works with sp or pc; use ${m}s`,
        );
      }
      lowNum(rd, m);
      lowNum(rn, m);
      if (three && rd !== rn)
        return [(isSub ? 0x1e00 : 0x1c00) | (imm(last, ctx, m, 0, 7) << 6) | (rn << 3) | rd];
      // rd == rn: gas takes the 8-bit form even for 0-7
      return [(isSub ? 0x3800 : 0x3000) | (rd << 8) | imm(last, ctx, m, 0, 255)];
    }
    const isSub = isSubOp;
    const rm = reg(last, m);
    if (setFlags)
      return [(isSub ? 0x1a00 : 0x1800) | (lowNum(rm, m) << 6) | (lowNum(rn, m) << 3) | lowNum(rd, m)];
    if (isSub)
      return fail('ASM_BAD_REGISTER', `${m}: register subtraction must set flags in Thumb-1; use subs`);
    // ADD (register) T2: Rdn, Rm with any registers
    let other: number;
    if (rd === rn) other = rm;
    else if (rd === rm) other = rn;
    else
      return fail(
        'ASM_BAD_REGISTER',
        `${m}: the destination must be one of the sources; use adds for three low registers`,
      );
    return [0x4400 | ((rd & 8) << 4) | (other << 3) | (rd & 7)];
  };
}

function lowNum(r: number, m: string): number {
  if (r > 7) fail('ASM_BAD_REGISTER', `${m}: ${registerName(r)} is not allowed here, only r0-r7`);
  return r;
}

/** Loads and stores: immediate offset (scaled), register offset, SP- and PC-relative. */
function loadStore(
  immOp: number,
  regOp: number,
  scale: number,
  opts: { sp?: number; pc?: boolean; literal?: boolean; immediate?: boolean } = {},
): Handler {
  return (ops, ctx, m) => {
    count(ops, 2, m);
    const rt = reg(ops[0], m);
    const addr = ops[1]!;
    if (addr.kind === 'lit') {
      if (!opts.literal) fail('ASM_SYNTAX', `${m}: "=" literals only work with ldr`);
      const at = ctx.literal(addr.expr);
      return [0x4800 | (lowNum(rt, m) << 8) | (pcRelative(ctx.final ? at : null, ctx, m) >> 2)];
    }
    if (addr.kind === 'expr' || addr.kind === 'imm') {
      if (!opts.pc) fail('ASM_SYNTAX', `${m}: a PC-relative label only works with ldr`);
      return [0x4800 | (lowNum(rt, m) << 8) | (pcRelative(target(addr, ctx, m), ctx, m) >> 2)];
    }
    if (addr.kind !== 'mem')
      return fail('ASM_SYNTAX', `${m}: expected an address like [rN, #offset], got "${addr.text}"`);
    lowNum(rt, m);
    if (addr.index !== null) {
      if (regOp < 0) fail('ASM_SYNTAX', `${m}: no register-offset form`);
      return [regOp | (lowNum(addr.index, m) << 6) | (lowNum(addr.base, m) << 3) | rt];
    }
    const offsetOp: Operand = { kind: 'imm', expr: addr.offset ?? '0', text: addr.offset ?? '0' };
    if (addr.base === 13 && opts.sp !== undefined)
      return [opts.sp | (rt << 8) | (imm(offsetOp, ctx, m, 0, 1020, 4) >> 2)];
    if (addr.base === 15 && opts.pc) return [0x4800 | (rt << 8) | (imm(offsetOp, ctx, m, 0, 1020, 4) >> 2)];
    if (opts.immediate === false)
      return fail('ASM_SYNTAX', `${m}: only the register-offset form [rN, rM] exists`);
    lowNum(addr.base, m);
    const max = 31 * scale;
    return [immOp | ((imm(offsetOp, ctx, m, 0, max, scale) / scale) << 6) | (addr.base << 3) | rt];
  };
}

function single(code: number): Handler {
  return (ops, _ctx, m) => {
    count(ops, 0, m);
    return [code];
  };
}

function imm8(code: number): Handler {
  return (ops, ctx, m) => {
    count(ops, [0, 1], m);
    return [code | (ops.length ? imm(ops[0], ctx, m, 0, 255) : 0)];
  };
}

function extend(code: number): Handler {
  return (ops, _ctx, m) => {
    count(ops, 2, m);
    return rr(code, low(ops[1], m), low(ops[0], m));
  };
}

function barrier(code: number): Handler {
  return (ops, ctx, m) => {
    count(ops, [0, 1], m);
    let option = 15;
    const op = ops[0];
    if (op) {
      const key = op.text.toLowerCase();
      const named = Object.hasOwn(BARRIER_OPTIONS, key) ? BARRIER_OPTIONS[key] : undefined;
      // ISB takes only SY (or a number)
      if (named !== undefined && (code !== 0x8f60 || named === 15)) option = named;
      else if (op.kind === 'imm') option = imm(op, ctx, m, 0, 15);
      else fail('ASM_SYNTAX', `${m}: unknown barrier option "${op.text}"`);
    }
    return [0xf3bf, code | option];
  };
}

/** CPSIE/CPSID with the interrupt masks a, i, f. */
function cps(code: number): Handler {
  return (ops, _ctx, m) => {
    count(ops, 1, m);
    const flags = ops[0]!.text.toLowerCase();
    if (!/^[aif]+$/.test(flags) || new Set(flags).size !== flags.length)
      fail('ASM_SYNTAX', `${m}: expected interrupt flags a, i, f (got "${ops[0]!.text}")`);
    return [
      code | (flags.includes('a') ? 4 : 0) | (flags.includes('i') ? 2 : 0) | (flags.includes('f') ? 1 : 0),
    ];
  };
}

function special(text: string, m: string): number {
  const key = text.trim().toLowerCase();
  const sysm = Object.hasOwn(SPECIAL_REGS, key) ? SPECIAL_REGS[key] : undefined;
  if (sysm === undefined) fail('ASM_BAD_REGISTER', `${m}: unknown special register "${text.trim()}"`);
  return sysm;
}

function stackList(ops: Operand[], m: string, extra: number): number {
  count(ops, 1, m);
  const list = ops[0]!;
  if (list.kind !== 'list') fail('ASM_SYNTAX', `${m}: expected a register list like {r4-r7, lr}`);
  const bad = list.mask & ~0xff & ~(1 << extra);
  if (bad) fail('ASM_BAD_REGISTER', `${m}: only r0-r7 and ${registerName(extra)} can be in the list`);
  if (list.mask === 0) fail('ASM_SYNTAX', `${m}: empty register list`);
  return (list.mask & 0xff) | (list.mask & (1 << extra) ? 0x100 : 0);
}

function multiple(code: number, isLoad: boolean): Handler {
  return (ops, _ctx, m) => {
    count(ops, 2, m);
    const base = ops[0]!;
    if (base.kind !== 'reg') fail('ASM_SYNTAX', `${m}: expected a base register`);
    const rn = lowNum(base.reg, m);
    const list = ops[1]!;
    if (list.kind !== 'list') fail('ASM_SYNTAX', `${m}: expected a register list like {r0-r3}`);
    if (list.mask & ~0xff) fail('ASM_BAD_REGISTER', `${m}: only r0-r7 can be in the list`);
    if (list.mask === 0) fail('ASM_SYNTAX', `${m}: empty register list`);
    const inList = (list.mask & (1 << rn)) !== 0;
    if (isLoad) {
      if (inList && base.writeback)
        fail('ASM_BAD_REGISTER', `${m}: no writeback ("!") when the base register is loaded`);
      if (!inList && !base.writeback)
        fail('ASM_SYNTAX', `${m}: the base register needs writeback ("${registerName(rn)}!") in Thumb-1`);
    } else if (!base.writeback && (list.mask & (list.mask - 1)) === 0) {
      // gas writes a one-register stm without writeback as str rX, [rn]
      return [0x6000 | (rn << 3) | Math.log2(list.mask)];
    } else if (!base.writeback)
      fail('ASM_SYNTAX', `${m}: the base register needs writeback ("${registerName(rn)}!") in Thumb-1`);
    return [code | (rn << 8) | list.mask];
  };
}

const HANDLERS: Record<string, Handler> = {
  adds: addSub(false, true),
  subs: addSub(true, true),
  add: addSub(false, false),
  sub: addSub(true, false),
  adcs: dp(0x4140, true),
  ands: dp(0x4000, true),
  eors: dp(0x4040, true),
  orrs: dp(0x4300, true),
  bics: dp(0x4380, false),
  sbcs: dp(0x4180, false),
  rors: dp(0x41c0, false),
  tst: (ops, ctx, m) => (count(ops, 2, m), dp(0x4200, false)(ops, ctx, m)),
  cmn: (ops, ctx, m) => (count(ops, 2, m), dp(0x42c0, false)(ops, ctx, m)),
  mvns: (ops, ctx, m) => (count(ops, 2, m), dp(0x43c0, false)(ops, ctx, m)),
  muls: (ops, _ctx, m) => {
    count(ops, [2, 3], m);
    const rd = low(ops[0], m);
    if (ops.length === 2) return rr(0x4340, low(ops[1], m), rd);
    const rn = low(ops[1], m);
    const rm = low(ops[2], m);
    if (rd === rm) return rr(0x4340, rn, rd);
    if (rd === rn) return rr(0x4340, rm, rd);
    return fail('ASM_BAD_REGISTER', `${m}: the destination must be one of the sources`);
  },
  lsls: shift(0x0000, 0x4080, 0, 31),
  lsrs: shift(0x0800, 0x40c0, 1, 32),
  asrs: shift(0x1000, 0x4100, 1, 32),
  rsbs: (ops, ctx, m) => {
    count(ops, [2, 3], m);
    const rd = low(ops[0], m);
    const rn = ops.length === 3 ? low(ops[1], m) : rd;
    imm(ops[ops.length - 1], ctx, m, 0, 0);
    return rr(0x4240, rn, rd);
  },
  negs: (ops, _ctx, m) => {
    count(ops, 2, m);
    return rr(0x4240, low(ops[1], m), low(ops[0], m));
  },
  movs: (ops, ctx, m) => {
    count(ops, 2, m);
    const rd = low(ops[0], m);
    if (isImm(ops[1])) return [0x2000 | (rd << 8) | imm(ops[1], ctx, m, 0, 255)];
    return rr(0x0000, low(ops[1], m), rd);
  },
  mov: (ops, _ctx, m) => {
    count(ops, 2, m);
    if (isImm(ops[1])) fail('ASM_SYNTAX', `${m}: Thumb-1 has no mov of an immediate without flags; use movs`);
    const rd = reg(ops[0], m);
    const rm = reg(ops[1], m);
    return [0x4600 | ((rd & 8) << 4) | (rm << 3) | (rd & 7)];
  },
  cmp: (ops, ctx, m) => {
    count(ops, 2, m);
    const rn = reg(ops[0], m);
    if (isImm(ops[1])) return [0x2800 | (lowNum(rn, m) << 8) | imm(ops[1], ctx, m, 0, 255)];
    const rm = reg(ops[1], m);
    if (rn === 15 || rm === 15) fail('ASM_BAD_REGISTER', `${m}: pc is not allowed here`);
    if (rn < 8 && rm < 8) return rr(0x4280, rm, rn);
    return [0x4500 | ((rn & 8) << 4) | (rm << 3) | (rn & 7)];
  },
  rev: extend(0xba00),
  rev16: extend(0xba40),
  revsh: extend(0xbac0),
  sxth: extend(0xb200),
  sxtb: extend(0xb240),
  uxth: extend(0xb280),
  uxtb: extend(0xb2c0),
  adr: (ops, ctx, m) => {
    count(ops, 2, m);
    const rd = low(ops[0], m);
    return [0xa000 | (rd << 8) | (pcRelative(target(ops[1], ctx, m), ctx, m) >> 2)];
  },
  ldr: loadStore(0x6800, 0x5800, 4, { sp: 0x9800, pc: true, literal: true }),
  str: loadStore(0x6000, 0x5000, 4, { sp: 0x9000 }),
  ldrb: loadStore(0x7800, 0x5c00, 1),
  strb: loadStore(0x7000, 0x5400, 1),
  ldrh: loadStore(0x8800, 0x5a00, 2),
  strh: loadStore(0x8000, 0x5200, 2),
  ldrsb: loadStore(0, 0x5600, 1, { immediate: false }),
  ldrsh: loadStore(0, 0x5e00, 2, { immediate: false }),
  push: (ops, _ctx, m) => [0xb400 | stackList(ops, m, 14)],
  pop: (ops, _ctx, m) => [0xbc00 | stackList(ops, m, 15)],
  ldm: multiple(0xc800, true),
  ldmia: multiple(0xc800, true),
  ldmfd: multiple(0xc800, true),
  stm: multiple(0xc000, false),
  stmia: multiple(0xc000, false),
  stmea: multiple(0xc000, false),
  bx: (ops, _ctx, m) => (count(ops, 1, m), [0x4700 | (reg(ops[0], m) << 3)]),
  blx: (ops, _ctx, m) => {
    count(ops, 1, m);
    if (!isReg(ops[0])) fail('ASM_SYNTAX', `${m}: ARMv6-M has only blx <register>`);
    const rm = reg(ops[0], m);
    if (rm === 15) fail('ASM_BAD_REGISTER', `${m}: pc is not allowed here`);
    return [0x4780 | (rm << 3)];
  },
  b: (ops, ctx, m) => {
    count(ops, 1, m);
    const off = branchOffset(target(ops[0], ctx, m), ctx, m, -2048, 2047);
    return [0xe000 | ((off >> 1) & 0x7ff)];
  },
  bl: (ops, ctx, m) => {
    count(ops, 1, m);
    // ±16 MiB needs Thumb-2's J1/J2 bits; gas limits ARMv6-M to the Thumb-1 range of ±4 MiB
    const off = branchOffset(target(ops[0], ctx, m), ctx, m, -4194304, 4194303);
    const s = off < 0 ? 1 : 0;
    const i1 = (off >> 23) & 1;
    const i2 = (off >> 22) & 1;
    const j1 = (~(i1 ^ s) & 1) ^ 0;
    const j2 = ~(i2 ^ s) & 1;
    return [
      0xf000 | (s << 10) | ((off >> 12) & 0x3ff),
      0xd000 | (j1 << 13) | (j2 << 11) | ((off >> 1) & 0x7ff),
    ];
  },
  bkpt: imm8(0xbe00),
  svc: imm8(0xdf00),
  udf: imm8(0xde00),
  nop: single(0x46c0),
  yield: single(0xbf10),
  wfe: single(0xbf20),
  wfi: single(0xbf30),
  sev: single(0xbf40),
  cpsie: cps(0xb660),
  cpsid: cps(0xb670),
  dmb: barrier(0x8f50),
  dsb: barrier(0x8f40),
  isb: barrier(0x8f60),
  mrs: (ops, _ctx, m) => {
    count(ops, 2, m);
    const rd = reg(ops[0], m);
    if (rd === 13 || rd === 15) fail('ASM_BAD_REGISTER', `${m}: ${registerName(rd)} is not allowed here`);
    return [0xf3ef, 0x8000 | (rd << 8) | special(ops[1]!.text, m)];
  },
  msr: (ops, _ctx, m) => {
    count(ops, 2, m);
    const rn = reg(ops[1], m);
    if (rn === 13 || rn === 15) fail('ASM_BAD_REGISTER', `${m}: ${registerName(rn)} is not allowed here`);
    return [0xf380 | rn, 0x8800 | special(ops[0]!.text, m)];
  },
};

/** The mnemonics this encoder knows, without condition suffixes. */
export const MNEMONICS: readonly string[] = Object.keys(HANDLERS);

function resolve(name: string): { handler: Handler; cond?: number; base: string } | null {
  const base = name.replace(/\.[nw]$/, '');
  if (Object.hasOwn(HANDLERS, base)) return { handler: HANDLERS[base]!, base };
  if (base.startsWith('b') && base.length === 3) {
    const cond = condition(base.slice(1));
    if (cond !== undefined) return { handler: HANDLERS['b']!, cond, base };
  }
  return null;
}

/** Encodes one instruction into little-endian bytes. */
export function encodeThumb(mnemonic: string, operandText: string, ctx: EncodeContext): number[] {
  const name = mnemonic.toLowerCase();
  const found = resolve(name);
  if (!found)
    throw new AsmFail('ASM_UNKNOWN_INSTRUCTION', `unknown instruction "${mnemonic}" (ARMv6-M Thumb)`);
  const wide = name.endsWith('.w');
  const ops = operandText.trim() === '' ? [] : splitTopLevel(operandText).map(parseOperand);
  let halves: number[];
  if (found.cond !== undefined && found.cond !== 14) {
    count(ops, 1, name);
    const off = branchOffset(target(ops[0], ctx, name), ctx, name, -256, 255);
    halves = [0xd000 | (found.cond << 8) | ((off >> 1) & 0xff)];
  } else {
    halves = found.handler(ops, ctx, found.base);
  }
  if (wide && halves.length !== 2)
    throw new AsmFail(
      'ASM_UNKNOWN_INSTRUCTION',
      `"${mnemonic}": ARMv6-M has no 32-bit encoding of this instruction`,
    );
  const bytes: number[] = [];
  for (const h of halves) bytes.push(h & 0xff, (h >> 8) & 0xff);
  return bytes;
}
