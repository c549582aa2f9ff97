/**
 * Straight-line runs of SRAM code translated once into JavaScript functions, for
 * {@link FastThumb.run}. A block is the instructions from an address up to the first
 * unconditional branch (included), the first instruction FastThumb leaves to rp2040js
 * (excluded) or {@link MAX_BLOCK_INSTRUCTIONS}; a conditional branch leaves it when taken.
 * Its function does, instruction by instruction, exactly what FastThumb's loop does: the same register, flag, memory, cycle and clock effects in the same
 * order (the clock's additions one instruction at a time, so the floating-point sums are the
 * same), the same checks before each instruction (the time slice's end) and after each that
 * touches memory or calls into the core (events, halts, sleep, pending interrupts, idle-loop
 * recording, comparators), the same backward-branch check. What it saves is the decoding and
 * dispatch of every instruction. A block is checked against SRAM before each run and
 * translated again when the code changed. Where `new Function` is refused (a page's
 * Content-Security-Policy without 'unsafe-eval'), blocks are off and FastThumb's loop runs alone.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT } from './bus';
import { MAX_LOOP_BYTES, type IdleLoops } from './idle-loop';
import type { CoreBus, CortexM0Core } from './rp2040-core';
import {
  BLOCK_CONTINUE,
  BLOCK_FALLBACK,
  PUSH_BIT_COUNT,
  RUN_AFTER,
  RUN_FAULTED,
  RUN_STOPPED,
  THUMB_SLOW,
  thumbAdd,
  thumbCyclesIO,
  thumbKindOf,
  thumbSub,
  type BlockOutcome,
  type BlockRunner,
  type FastRunnerState,
  type FetchRecorder,
} from './thumb-fast';

/** At most this many instructions in one block. */
export const MAX_BLOCK_INSTRUCTIONS = 64;

/**
 * A block is translated the time its first address is reached this many times; before,
 * FastThumb's loop executes it. Code that runs a few times (a script's init, a one-off call) is
 * not worth compiling: a translation took about 0.35 ms here (40,000 one-instruction blocks in
 * 14 s), the time of some 10,000–30,000 instructions in FastThumb's loop (12–40 ns each).
 */
export const TRANSLATE_AFTER = 32;

/** A translated block's function: returns a RUN_* status or {@link BLOCK_CONTINUE}. */
type BlockFunction = (
  out: BlockOutcome,
  core: CortexM0Core,
  r: Uint32Array,
  mem: CoreBus,
  clock: VirtualClock,
  runner: FastRunnerState,
  fetches: FetchRecorder,
  endUs: number,
  loops: IdleLoops | undefined,
) => number;

/** A translated block and the halfwords it was translated from. */
interface Block {
  readonly halfwords: Uint16Array;
  /** Address just past the block. */
  readonly end: number;
  readonly run: BlockFunction;
}

/** What an instruction's translation tells the block around it. */
interface Translation {
  /** The statements; `c` holds the instruction's cycles. */
  code: string;
  /** It reads or writes memory or calls into the core: checks follow it. */
  touches: boolean;
  /** It may write the PC: the block ends with it. */
  branch: boolean;
  /**
   * A conditional branch: taken, it leaves the block at `target`; not taken, the block goes on
   * with the next instruction (so a loop's early-exit test does not split it).
   */
  conditional?: { test: string; target: number };
}

let compilerAvailable: boolean | undefined;

/**
 * Translated functions by address and code, shared by every simulated core: a block's function
 * holds no state of its own, so boards running the same device script share its compiled (and
 * by then optimised) code. Emptied when it grows past {@link MAX_SHARED_FUNCTIONS}.
 */
const sharedFunctions = new Map<string, BlockFunction>();
const MAX_SHARED_FUNCTIONS = 4096;

/** True where `new Function` may be used (not under a CSP without 'unsafe-eval'). */
function canCompile(): boolean {
  if (compilerAvailable === undefined) {
    try {
      compilerAvailable = new Function('return 1')() === 1;
    } catch {
      compilerAvailable = false;
    }
  }
  return compilerAvailable;
}

/** The blocks of one core's SRAM. */
export class ThumbBlocks implements BlockRunner {
  /** What the last {@link run} executed, and its last instruction (see {@link BlockOutcome}). */
  readonly outcome: BlockOutcome = { executed: 0, lastPc: 0, lastCycles: 1 };
  /** Reached this many times, a block is translated ({@link TRANSLATE_AFTER}; tests use 1). */
  translateAfter = TRANSLATE_AFTER;
  /** Blocks translated so far (taken from the shared ones or compiled). */
  translated = 0;
  /** By halfword of SRAM: the block starting there, null if none can (see {@link run}). */
  private readonly blocks: (Block | null | undefined)[];
  /** By halfword of SRAM: how often a block not yet translated was reached there. */
  private readonly heat: Uint8Array;
  private readonly ramEnd: number;

  private constructor(
    private readonly core: CortexM0Core,
    private readonly mem: CoreBus,
    private readonly clock: VirtualClock,
    private readonly runner: FastRunnerState,
    private readonly fetches: FetchRecorder,
    private readonly ram16: Uint16Array,
    private readonly ramBase: number,
  ) {
    this.blocks = new Array<Block | null | undefined>(ram16.length);
    this.heat = new Uint8Array(ram16.length);
    this.ramEnd = ramBase + ram16.length * 2;
  }

  /** Blocks for a core whose SRAM is `ram16` at `ramBase`, or undefined where code cannot be compiled. */
  static create(
    core: CortexM0Core,
    mem: CoreBus,
    clock: VirtualClock,
    runner: FastRunnerState,
    fetches: FetchRecorder,
    ram16: Uint16Array,
    ramBase: number,
  ): ThumbBlocks | undefined {
    return canCompile() ? new ThumbBlocks(core, mem, clock, runner, fetches, ram16, ramBase) : undefined;
  }

  /**
   * Runs the block at `pc` if there is one and its first instruction passes FastThumb's checks;
   * returns a RUN_* status, {@link BLOCK_CONTINUE} or {@link BLOCK_FALLBACK}. {@link outcome}
   * tells what it executed.
   */
  run(pc: number, endUs: number, loops: IdleLoops | undefined): number {
    const outcome = this.outcome;
    outcome.executed = 0;
    if ((pc & 1) !== 0 || pc < this.ramBase || pc >= this.ramEnd) return BLOCK_FALLBACK;
    const index = (pc - this.ramBase) >>> 1;
    let block = this.blocks[index];
    // null: the instruction here was one FastThumb leaves to rp2040js, and still is.
    if (block === null && thumbKindOf(this.ram16[index]) === THUMB_SLOW) return BLOCK_FALLBACK;
    if (block === undefined) {
      const heat = this.heat[index] + 1;
      if (heat < this.translateAfter) {
        this.heat[index] = heat;
        return BLOCK_FALLBACK;
      }
    }
    if (block === undefined || block === null || !this.unchanged(block, index)) {
      block = this.translate(pc, index);
      this.blocks[index] = block;
      if (block === null) return BLOCK_FALLBACK;
      this.translated++;
    }
    const runner = this.runner;
    if (runner.preCheck && (pc < runner.freeFrom || block.end > runner.freeTo)) return BLOCK_FALLBACK;
    return block.run(
      outcome,
      this.core,
      this.core.registers,
      this.mem,
      this.clock,
      runner,
      this.fetches,
      endUs,
      loops,
    );
  }

  private unchanged(block: Block, index: number): boolean {
    const halfwords = block.halfwords;
    const ram16 = this.ram16;
    for (let i = 0; i < halfwords.length; i++) if (ram16[index + i] !== halfwords[i]) return false;
    return true;
  }

  private translate(pc: number, index: number): Block | null {
    const translations: Translation[] = [];
    const halfwords: number[] = [];
    let end = pc;
    let ended = false;
    for (let n = 0; n < MAX_BLOCK_INSTRUCTIONS && end < this.ramEnd; n++) {
      const opcode = this.ram16[index + n];
      const kind = thumbKindOf(opcode);
      if (kind === THUMB_SLOW) break;
      const t = translateInstruction(kind, opcode, end);
      if (t === undefined) break;
      halfwords.push(opcode);
      translations.push(t);
      end += 2;
      if (t.branch) {
        ended = true;
        break;
      }
    }
    if (halfwords.length === 0) return null;
    const key = `${pc}:${halfwords.join(',')}`;
    let run = sharedFunctions.get(key);
    if (run === undefined) {
      // The function is put together and compiled only for code no core has translated yet.
      const parts = translations.map((t, n) =>
        instructionCode(t, pc + 2 * n, n, n > 0 && translations[n - 1].touches).replaceAll(
          BLOCK_END,
          `${end}`,
        ),
      );
      run = compile(pc, parts, ended ? undefined : end, halfwords.length);
      if (sharedFunctions.size >= MAX_SHARED_FUNCTIONS) sharedFunctions.clear();
      sharedFunctions.set(key, run);
    }
    return { halfwords: Uint16Array.from(halfwords), end, run };
  }
}

/**
 * Compiles a block at `pc` from its instructions' code `parts`; `continueAt`: where the next
 * instruction is when the block does not end with a branch (`count` instructions).
 */
function compile(pc: number, parts: string[], continueAt: number | undefined, count: number): BlockFunction {
  if (continueAt !== undefined)
    parts.push(
      `clock.nowUs = t; core.cycles += cy; r[15] = ${continueAt}; out.executed = ${count}; return ${BLOCK_CONTINUE};`,
    );
  const body = [
    `let t = clock.nowUs; let u = runner.usPerCycle; let cy = 0; let c = 1; let at = 0; let done = 0; let w = false;`,
    `if (core.interruptsUpdated || fetches.recording) return ${BLOCK_FALLBACK};`,
    `try {`,
    ...parts,
    `} catch (error) {`,
    `  if (error !== BUS_FAULT) throw error;`,
    `  out.executed = done; out.lastPc = at; out.lastCycles = 1; return ${RUN_FAULTED};`,
    `}`,
  ].join('\n');
  const factory = new Function(
    'add',
    'sub',
    'cyclesIO',
    'BUS_FAULT',
    `return function block_${pc.toString(16)}(out, core, r, mem, clock, runner, fetches, endUs, loops) {\n${body}\n};`,
  ) as (
    add: typeof thumbAdd,
    sub: typeof thumbSub,
    cyclesIO: typeof thumbCyclesIO,
    busFault: unknown,
  ) => BlockFunction;
  return factory(thumbAdd, thumbSub, thumbCyclesIO, BUS_FAULT);
}

/**
 * The code of the `n`-th instruction of a block, at `pc`: FastThumb's checks before it, its
 * effects, and what FastThumb's loop does after it. `afterAccess`: the instruction before it
 * touched memory or called into the core.
 */
function instructionCode(t: Translation, pc: number, n: number, afterAccess: boolean): string {
  const lines: string[] = [];
  // Before: the slice's end; the other checks only after an instruction that could change
  // what they look at (only memory accesses and calls into the core can).
  const stop = `clock.nowUs = t; core.cycles += cy; r[15] = ${pc}; out.executed = ${n}; return ${RUN_STOPPED};`;
  lines.push(`if (!(t < endUs)) { ${stop} }`);
  if (afterAccess) {
    lines.push(
      `if (core.interruptsUpdated || fetches.recording || (runner.preCheck && (${pc} < runner.freeFrom || ${pc} >= runner.freeTo))) { ${stop} }`,
    );
  }
  if (t.touches) {
    lines.push(
      `clock.nowUs = t; core.cycles += cy; cy = 0; r[15] = ${pc + 2}; runner.fetchAddress = ${pc}; at = ${pc}; done = ${n};`,
    );
  }
  lines.push(`c = 1;`);
  lines.push(t.code);
  if (t.conditional !== undefined) {
    // Taken: FastThumb's taken branch (2 cycles, then its backward-branch check), out of the block.
    const { test, target } = t.conditional;
    const backward =
      target < pc && pc - target <= MAX_LOOP_BYTES
        ? `if (loops !== undefined) { out.executed += loops.backwardBranch(${target}, endUs); if (loops.recording) return ${RUN_STOPPED}; }`
        : '';
    lines.push(
      `if (${test}) { c++; r[15] = ${target}; cy += c; t += c * u; clock.nowUs = t; core.cycles += cy; out.executed = ${n + 1}; ${backward} return ${BLOCK_CONTINUE}; }`,
    );
  }
  if (t.touches) {
    // The access may have stalled the clock or changed the core clock.
    lines.push(`core.cycles += c; u = runner.usPerCycle; t = clock.nowUs + c * u; clock.nowUs = t;`);
    lines.push(
      `if (runner.events !== 0 || runner.state !== 'running' || core.waiting) { out.executed = ${n + 1}; out.lastPc = ${pc}; out.lastCycles = c; return ${RUN_AFTER}; }`,
    );
    // It stored into the rest of the block: the next instruction is fetched anew.
    if (t.code.includes(BLOCK_END) && !t.branch)
      lines.push(`if (w) { out.executed = ${n + 1}; return ${BLOCK_CONTINUE}; }`);
  } else {
    lines.push(`cy += c; t += c * u;`);
  }
  if (t.branch) {
    if (!t.touches) lines.push(`clock.nowUs = t; core.cycles += cy;`);
    lines.push(`out.executed = ${n + 1};`);
    lines.push(
      `if (loops !== undefined) { const next = r[15]; if (next < ${pc} && ${pc} - next <= ${MAX_LOOP_BYTES}) { out.executed += loops.backwardBranch(next, endUs); if (loops.recording) return ${RUN_STOPPED}; } }`,
    );
    lines.push(`return ${BLOCK_CONTINUE};`);
  }
  return lines.join('\n');
}

/** JavaScript that sets N and Z from `x` as FastThumb does (`zeroTest`: its Z expression). */
function nz(x: string, zeroTest: 'masked' | 'plain'): string {
  const z = zeroTest === 'masked' ? `(${x} & 0xffffffff) === 0` : `${x} === 0`;
  return `core.N = !!(${x} & 0x80000000); core.Z = ${z};`;
}

/** rp2040js's checkCondition for `cond` (0–13), as an expression over the flags. */
function condition(cond: number): string {
  const base = [
    'core.Z',
    'core.C',
    'core.N',
    'core.V',
    '(core.C && !core.Z)',
    '(core.N === core.V)',
    '(core.N === core.V && !core.Z)',
    'true',
  ][cond >> 1];
  return cond & 1 && cond !== 0b1111 ? `!${base}` : base;
}

/** A register read as FastThumb's handler reads it (the PC reads as the instruction's address + 4). */
function reg(index: number, pc: number): string {
  return index === 15 ? `${pc + 4}` : `r[${index}]`;
}

/** Statements of a memory access that FastThumb charges `cyclesIO` for. */
function access(addressCode: string, write: boolean, statement: string): string {
  return `{ const addr = ${addressCode}; c += cyclesIO(addr, ${write}); ${statement} }`;
}

/**
 * Statements of FastThumb's store of `size` bytes of register `rt` at `addressCode` by the
 * instruction at `pc`, and {@link wroteBlock}'s note.
 */
function store(addressCode: string, size: number, pc: number, rt: number): string {
  const write = `mem.writeUint${size * 8}(addr, r[${rt}]);`;
  return `{ const addr = ${addressCode}; c += cyclesIO(addr, true); ${write} ${wroteBlock(size, pc)} }`;
}

/**
 * Notes (`w`) that the `size` bytes just stored at `addr` by the instruction at `pc` overlap
 * the rest of the block ({@link BLOCK_END}: where it ends). Those instructions must be fetched
 * again, as the core fetches every instruction when it executes it: the block ends there.
 */
function wroteBlock(size: number, pc: number): string {
  return `if ((addr >>> 0) < ${BLOCK_END} && (addr >>> 0) + ${size} > ${pc + 2}) w = true;`;
}

/** Stands for the address just past the block in an instruction's code (known once the block is). */
const BLOCK_END = '$BLOCK_END';

type Translator = (opcode: number, pc: number) => Translation;

const alu = (code: string): Translation => ({ code, touches: false, branch: false });
const memory = (code: string): Translation => ({ code, touches: true, branch: false });

/**
 * The translation of each FastThumb handler, keyed by an opcode it handles (its kind is looked
 * up, so the table cannot drift from FastThumb's). Each mirrors FastThumb's case for that kind.
 */
const TRANSLATORS: readonly (readonly [number, Translator])[] = [
  // ADD Rd, SP, #imm8
  [0xa800, (op) => alu(`r[${(op >> 8) & 7}] = r[13] + ${(op & 0xff) << 2};`)],
  // ADD SP, SP, #imm7
  [0xb000, (op) => alu(`r[13] = (r[13] + ${(op & 0x7f) << 2}) & ~3;`)],
  // ADDS Rd, Rn, #imm3
  [0x1c00, (op) => alu(`r[${op & 7}] = add(core, r[${(op >> 3) & 7}], ${(op >> 6) & 7});`)],
  // ADDS Rdn, #imm8
  [0x3000, (op) => alu(`r[${(op >> 8) & 7}] = add(core, r[${(op >> 8) & 7}], ${op & 0xff});`)],
  // ADDS Rd, Rn, Rm
  [0x1800, (op) => alu(`r[${op & 7}] = add(core, r[${(op >> 3) & 7}], r[${(op >> 6) & 7}]);`)],
  // ADD Rdn, Rm (high registers)
  [
    0x4400,
    (op, pc) => {
      const rm = (op >> 3) & 0xf;
      const rdn = ((op & 0x80) >> 4) | (op & 0x7);
      const sum = `(${reg(rdn, pc)} + ${reg(rm, pc)})`;
      if (rdn === 15) return { code: `r[15] = ${sum} & ~1; c++;`, touches: false, branch: true };
      if (rdn === 13) return alu(`r[13] = ${sum} & ~3;`);
      return alu(`r[${rdn}] = ${sum};`);
    },
  ],
  // ADR
  [0xa000, (op, pc) => alu(`r[${(op >> 8) & 7}] = ${(pc & 0xfffffffc) + 4 + ((op & 0xff) << 2)};`)],
  // ANDS
  [
    0x4000,
    (op) => alu(`{ const x = r[${op & 7}] & r[${(op >> 3) & 7}]; r[${op & 7}] = x; ${nz('x', 'masked')} }`),
  ],
  // ASRS Rd, Rm, #imm5
  [
    0x1000,
    (op) => {
      const imm5 = (op >> 6) & 0x1f;
      const shiftN = imm5 ? imm5 : 32;
      const result = shiftN < 32 ? `input >> ${shiftN}` : `(input & 0x80000000) >> 31`;
      return alu(
        `{ const input = r[${(op >> 3) & 7}]; const x = ${result}; r[${op & 7}] = x; ${nz('x', 'masked')} core.C = input & ${1 << (shiftN - 1)} ? true : false; }`,
      );
    },
  ],
  // B<cond>
  [
    0xd000,
    (op, pc) => {
      let imm8 = (op & 0xff) << 1;
      if (imm8 & (1 << 8)) imm8 = (imm8 & 0x1ff) - 0x200;
      const target = (pc + 4 + imm8) >>> 0;
      return {
        code: '',
        touches: false,
        branch: false,
        conditional: { test: condition((op >> 8) & 0xf), target },
      };
    },
  ],
  // B
  [
    0xe000,
    (op, pc) => {
      let imm11 = (op & 0x7ff) << 1;
      if (imm11 & (1 << 11)) imm11 = (imm11 & 0x7ff) - 0x800;
      return { code: `r[15] = ${(pc + 4 + imm11) >>> 0}; c++;`, touches: false, branch: true };
    },
  ],
  // BICS
  [0x4380, (op) => alu(`{ const x = (r[${op & 7}] &= ~r[${(op >> 3) & 7}]); ${nz('x', 'plain')} }`)],
  // BLX Rm: LR is written first, so BLX LR branches to the new LR (as rp2040js does)
  [
    0x4780,
    (op, pc) => ({
      code: `r[14] = ${(pc + 2) | 1}; r[15] = r[${(op >> 3) & 0xf}] & ~1; c++; core.blTaken(core, true);`,
      touches: true,
      branch: true,
    }),
  ],
  // BX Rm
  [0x4700, (op) => ({ code: `core.BXWritePC(r[${(op >> 3) & 0xf}]); c++;`, touches: true, branch: true })],
  // CMN
  [0x42c0, (op) => alu(`add(core, r[${op & 7}], r[${(op >> 3) & 7}]);`)],
  // CMP Rn, #imm8
  [0x2800, (op) => alu(`sub(core, r[${(op >> 8) & 7}], ${op & 0xff});`)],
  // CMP Rn, Rm
  [0x4280, (op) => alu(`sub(core, r[${op & 7}], r[${(op >> 3) & 7}]);`)],
  // CMP Rn, Rm (high registers): FastThumb reads r[15] here, which holds the address + 2
  [
    0x4500,
    (op, pc) => {
      const n = ((op >> 4) & 0x8) | (op & 0x7);
      const m = (op >> 3) & 0xf;
      const read = (i: number) => (i === 15 ? `${pc + 2}` : `r[${i}]`);
      return alu(`sub(core, ${read(n)}, ${read(m)});`);
    },
  ],
  // EORS
  [
    0x4040,
    (op) => alu(`{ const x = r[${(op >> 3) & 7}] ^ r[${op & 7}]; r[${op & 7}] = x; ${nz('x', 'plain')} }`),
  ],
  // LDMIA
  [
    0xc800,
    (op) => {
      const rn = (op >> 8) & 0x7;
      const lines = [`{ let address = r[${rn}];`];
      for (let i = 0; i < 8; i++)
        if (op & (1 << i)) lines.push(`r[${i}] = mem.readUint32(address); address += 4; c++;`);
      if (!(op & (1 << rn))) lines.push(`r[${rn}] = address;`);
      lines.push('}');
      return memory(lines.join(' '));
    },
  ],
  // LDR Rt, [Rn, #imm5]
  [
    0x6800,
    (op) =>
      memory(
        access(
          `r[${(op >> 3) & 7}] + ${((op >> 6) & 0x1f) << 2}`,
          false,
          `r[${op & 7}] = mem.readUint32(addr);`,
        ),
      ),
  ],
  // LDR Rt, [SP, #imm8]
  [
    0x9800,
    (op) =>
      memory(access(`r[13] + ${(op & 0xff) << 2}`, false, `r[${(op >> 8) & 7}] = mem.readUint32(addr);`)),
  ],
  // LDR Rt, [PC, #imm8]
  [
    0x4800,
    (op, pc) =>
      memory(
        access(
          `${((pc + 4) & 0xfffffffc) + ((op & 0xff) << 2)}`,
          false,
          `r[${(op >> 8) & 7}] = mem.readUint32(addr);`,
        ),
      ),
  ],
  // LDR Rt, [Rn, Rm]
  [
    0x5800,
    (op) =>
      memory(
        access(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, false, `r[${op & 7}] = mem.readUint32(addr);`),
      ),
  ],
  // LDRB Rt, [Rn, #imm5]
  [
    0x7800,
    (op) =>
      memory(
        access(`r[${(op >> 3) & 7}] + ${(op >> 6) & 0x1f}`, false, `r[${op & 7}] = mem.readUint8(addr);`),
      ),
  ],
  // LDRB Rt, [Rn, Rm]
  [
    0x5c00,
    (op) =>
      memory(
        access(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, false, `r[${op & 7}] = mem.readUint8(addr);`),
      ),
  ],
  // LDRH Rt, [Rn, #imm5]
  [
    0x8800,
    (op) =>
      memory(
        access(
          `r[${(op >> 3) & 7}] + ${((op >> 6) & 0x1f) << 1}`,
          false,
          `r[${op & 7}] = mem.readUint16(addr);`,
        ),
      ),
  ],
  // LDRH Rt, [Rn, Rm]
  [
    0x5a00,
    (op) =>
      memory(
        access(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, false, `r[${op & 7}] = mem.readUint16(addr);`),
      ),
  ],
  // LSLS Rd, Rm, #imm5
  [
    0x0000,
    (op) => {
      const imm5 = (op >> 6) & 0x1f;
      const carry = imm5 ? `!!(input & ${(1 << (32 - imm5)) | 0})` : 'core.C';
      return alu(
        `{ const input = r[${(op >> 3) & 7}]; const x = input << ${imm5}; r[${op & 7}] = x; ${nz('x', 'plain')} core.C = ${carry}; }`,
      );
    },
  ],
  // LSRS Rd, Rm, #imm5
  [
    0x0800,
    (op) => {
      const imm5 = (op >> 6) & 0x1f;
      const result = imm5 ? `input >>> ${imm5}` : '0';
      return alu(
        `{ const input = r[${(op >> 3) & 7}]; const x = ${result}; r[${op & 7}] = x; ${nz('x', 'plain')} core.C = !!((input >>> ${imm5 ? imm5 - 1 : 31}) & 0x1); }`,
      );
    },
  ],
  // MOV Rd, Rm (high registers)
  [
    0x4600,
    (op, pc) => {
      const rm = (op >> 3) & 0xf;
      const rd = ((op >> 4) & 0x8) | (op & 0x7);
      const value = reg(rm, pc);
      if (rd === 15) return { code: `r[15] = ${value} & ~1; c++;`, touches: false, branch: true };
      if (rd === 13) return alu(`r[13] = ${value} & ~3;`);
      return alu(`r[${rd}] = ${value};`);
    },
  ],
  // MOVS Rd, #imm8
  [0x2000, (op) => alu(`r[${(op >> 8) & 7}] = ${op & 0xff}; core.N = false; core.Z = ${(op & 0xff) === 0};`)],
  // MULS
  [
    0x4340,
    (op) =>
      alu(
        `{ const x = Math.imul(r[${(op >> 3) & 7}], r[${op & 7}]); r[${op & 7}] = x; ${nz('x', 'masked')} }`,
      ),
  ],
  // MVNS
  [0x43c0, (op) => alu(`{ const x = ~r[${(op >> 3) & 7}]; r[${op & 7}] = x; ${nz('x', 'plain')} }`)],
  // NOP
  [0xbf00, () => alu('')],
  // ORRS
  [
    0x4300,
    (op) => alu(`{ const x = r[${op & 7}] | r[${(op >> 3) & 7}]; r[${op & 7}] = x; ${nz('x', 'masked')} }`),
  ],
  // POP
  [
    0xbc00,
    (op) => {
      const lines = ['{ let address = r[13];'];
      for (let i = 0; i <= 7; i++)
        if (op & (1 << i)) lines.push(`r[${i}] = mem.readUint32(address); address += 4; c++;`);
      if (op & 0x100)
        lines.push('r[13] = (address + 4) & ~3; core.BXWritePC(mem.readUint32(address)); c += 2;');
      else lines.push('r[13] = address & ~3;');
      lines.push('}');
      return { code: lines.join(' '), touches: true, branch: (op & 0x100) !== 0 };
    },
  ],
  // PUSH
  [
    0xb400,
    (op, pc) => {
      const bytes = 4 * PUSH_BIT_COUNT[op & 0x1ff];
      const lines = [`{ let address = r[13] - ${bytes}; const addr = address;`];
      for (let i = 0; i <= 7; i++)
        if (op & (1 << i)) lines.push(`mem.writeUint32(address, r[${i}]); c++; address += 4;`);
      if (op & 0x100) lines.push('mem.writeUint32(address, r[14]);');
      lines.push(`r[13] = (r[13] - ${bytes}) & ~3; ${wroteBlock(bytes, pc)} }`);
      return memory(lines.join(' '));
    },
  ],
  // STMIA
  [
    0xc000,
    (op, pc) => {
      const rn = (op >> 8) & 0x7;
      const lines = [`{ let address = r[${rn}]; const addr = address;`];
      for (let i = 0; i < 8; i++)
        if (op & (1 << i)) lines.push(`mem.writeUint32(address, r[${i}]); address += 4; c++;`);
      if (!(op & (1 << rn))) lines.push(`r[${rn}] = address;`);
      lines.push(`${wroteBlock(4 * PUSH_BIT_COUNT[op & 0xff], pc)} }`);
      return memory(lines.join(' '));
    },
  ],
  // STR Rt, [Rn, #imm5]
  [0x6000, (op, pc) => memory(store(`r[${(op >> 3) & 7}] + ${((op >> 6) & 0x1f) << 2}`, 4, pc, op & 7))],
  // STR Rt, [SP, #imm8]
  [0x9000, (op, pc) => memory(store(`r[13] + ${(op & 0xff) << 2}`, 4, pc, (op >> 8) & 7))],
  // STR Rt, [Rn, Rm]
  [0x5000, (op, pc) => memory(store(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, 4, pc, op & 7))],
  // STRB Rt, [Rn, #imm5]
  [0x7000, (op, pc) => memory(store(`r[${(op >> 3) & 7}] + ${(op >> 6) & 0x1f}`, 1, pc, op & 7))],
  // STRB Rt, [Rn, Rm]
  [0x5400, (op, pc) => memory(store(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, 1, pc, op & 7))],
  // STRH Rt, [Rn, #imm5]
  [0x8000, (op, pc) => memory(store(`r[${(op >> 3) & 7}] + ${((op >> 6) & 0x1f) << 1}`, 2, pc, op & 7))],
  // STRH Rt, [Rn, Rm]
  [0x5200, (op, pc) => memory(store(`r[${(op >> 6) & 7}] + r[${(op >> 3) & 7}]`, 2, pc, op & 7))],
  // SUB SP, SP, #imm7
  [0xb080, (op) => alu(`r[13] = (r[13] - ${(op & 0x7f) << 2}) & ~3;`)],
  // SUBS Rd, Rn, #imm3
  [0x1e00, (op) => alu(`r[${op & 7}] = sub(core, r[${(op >> 3) & 7}], ${(op >> 6) & 7});`)],
  // SUBS Rdn, #imm8
  [0x3800, (op) => alu(`r[${(op >> 8) & 7}] = sub(core, r[${(op >> 8) & 7}], ${op & 0xff});`)],
  // SUBS Rd, Rn, Rm
  [0x1a00, (op) => alu(`r[${op & 7}] = sub(core, r[${(op >> 3) & 7}], r[${(op >> 6) & 7}]);`)],
  // TST
  [0x4200, (op) => alu(`{ const x = r[${op & 7}] & r[${(op >> 3) & 7}]; ${nz('x', 'plain')} }`)],
  // UXTB
  [0xb2c0, (op) => alu(`r[${op & 7}] = r[${(op >> 3) & 7}] & 0xff;`)],
  // UXTH
  [0xb280, (op) => alu(`r[${op & 7}] = r[${(op >> 3) & 7}] & 0xffff;`)],
];

/** Translators by FastThumb kind. */
const BY_KIND = new Map<number, Translator>(TRANSLATORS.map(([opcode, t]) => [thumbKindOf(opcode), t]));

/** The translation of `opcode` (of FastThumb kind `kind`) at `pc`, if blocks translate it. */
function translateInstruction(kind: number, opcode: number, pc: number): Translation | undefined {
  return BY_KIND.get(kind)?.(opcode, pc);
}

/**
 * True if blocks translate every opcode FastThumb handles, each kind by a translator of its
 * own (no two keyed by opcodes of one kind) (for tests).
 */
export function translatesEveryFastOpcode(): boolean {
  if (BY_KIND.size !== TRANSLATORS.length) return false;
  for (let op = 0; op < 0x10000; op++) {
    const kind = thumbKindOf(op);
    if (kind !== THUMB_SLOW && !BY_KIND.has(kind)) return false;
  }
  return true;
}
