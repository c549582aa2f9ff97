/**
 * A two-pass assembler for ARMv6-M Thumb sources in GNU as syntax. The first pass sizes every
 * section (Thumb-1 encodings have fixed sizes) and assigns literal-pool slots the way gas does;
 * a layout callback (the linker script) then places the sections, and the second pass emits
 * bytes with every symbol at its final address — the combined effect of `as`, `ld` and
 * `objcopy -O binary`.
 */
import { WebProgError } from '../errors';
import { evaluate, undefinedSymbols, type SymbolLookup, type Value } from './expr';
import { AsmFail } from './fail';
import { readLines, splitStatements, stringBytes, stringList, type SourceLine } from './source';
import { encodeThumb } from './thumb';
import { dividedToUnified } from './divided';
import { bindArguments, expandBody, parseMacroHeader, type Macro } from './macros';
import { registerNumber, splitTopLevel } from './operands';

/** Finds an included file's text by the name in `.include`, or returns undefined. */
export type IncludeResolver = (name: string, fromFile: string) => string | undefined;

/** One section's size and alignment after the first pass. */
export interface SectionInfo {
  /** Section name, e.g. `.text`. */
  name: string;
  /** Size in bytes, including gas's end padding to the section alignment. */
  size: number;
  /** Alignment in bytes. */
  align: number;
}

/** Places sections: returns each section's address. */
export type Layout = (sections: SectionInfo[]) => Map<string, number>;

/** What {@link assemble} needs besides the source. */
export interface AssembleOptions {
  /** Name of the source file (for messages and includes). */
  fileName: string;
  /** Resolves `.include`. Without it every include is missing. */
  include?: IncludeResolver;
  /** Places the sections (the linker's job). */
  layout: Layout;
  /**
   * The syntax before any `.syntax` directive: `divided` (pre-UAL Thumb) like GNU as, unless
   * given.
   */
  syntax?: 'unified' | 'divided';
}

/** An assembled section at its final address. */
export interface AssembledSection {
  /** Section name. */
  name: string;
  /** Address the layout gave it. */
  address: number;
  /** Alignment in bytes. */
  align: number;
  /** Contents. */
  bytes: Uint8Array;
}

/** The bytes one source line emitted (lines from macros carry the macro body's position). */
export interface ListingEntry {
  /** Source file. */
  file: string;
  /** 1-based line. */
  line: number;
  /** Section the bytes went to. */
  section: string;
  /** Address of the first byte. */
  address: number;
  /** Number of bytes. */
  size: number;
}

/** The assembler's result: sections at their addresses and the symbols' final values. */
export interface AssembleResult {
  /** Non-empty sections, in the order they first appeared. */
  sections: AssembledSection[];
  /** Final values of labels and `.equ` symbols (addresses are absolute). */
  symbols: Map<string, number>;
  /** Where each line's bytes went (literal pools and end padding are not listed). */
  listing: ListingEntry[];
}

interface Sym {
  value: Value;
  label: boolean;
}

interface Sec {
  name: string;
  code: boolean;
  bytes: number[];
  align: number;
  pool: string[];
  poolValues: (Value | undefined)[];
}

interface Frame {
  lines: SourceLine[];
  i: number;
  macro: boolean;
  /** Depth of the conditional stack when the frame started (`.exitm` returns to it). */
  conds?: number;
}

interface Cond {
  /** Where the `.if` is (for an unterminated one). */
  line: SourceLine;
  active: boolean;
  taken: boolean;
  parentActive: boolean;
}

interface Collect {
  /** Where the block starts (for an unterminated one). */
  line: SourceLine;
  kind: 'macro' | 'rept';
  depth: number;
  lines: SourceLine[];
  done: (lines: SourceLine[]) => void;
}

/** Literal-pool decisions of the first pass, reused by the second. */
interface PoolPlan {
  sites: { pool: number; entry: number }[];
  pools: { sec: string; offset: number; size: number }[];
}

const NOP = [0xc0, 0x46];
/** `.cpu` / `.arch` values that keep gas on ARMv6-M encodings. */
const ARMV6M_TARGETS = new Set([
  'cortex-m0',
  'cortex-m0plus',
  'cortex-m0.small-multiply',
  'cortex-m0plus.small-multiply',
  'cortex-m1',
  'cortex-m1.small-multiply',
  'armv6-m',
  'armv6s-m',
]);
/** Separates a local label's digits from its instance number in internal names (`1` → `1\u00022`). */
const LOCAL_MARK = '\u0002';
const LABEL = /^\s*([A-Za-z_.$][\w.$]*|[0-9]+)\s*:(?!:)/;
const SYMBOL = /^[A-Za-z_.$][\w.$]*$/;
const BLOCK_OPEN = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)?\.(macro|rept|irp|irpc)\b/i;
const BLOCK_CLOSE = /^\s*\.(endm|endr)\b/i;

class Pass {
  readonly sections = new Map<string, Sec>();
  readonly symbols = new Map<string, Sym>();
  readonly macros = new Map<string, Macro>();
  private cur: Sec;
  private readonly sectionStack: Sec[] = [];
  private previous: Sec | null = null;
  private readonly localCounts = new Map<string, number>();
  private macroCount = 0;
  private thumbFuncPending = false;
  private literalSite = 0;
  private frames: Frame[] = [];
  private conds: Cond[] = [];
  private collect: Collect | null = null;
  private line: SourceLine = { text: '', file: '', line: 0 };
  private ended = false;
  /** Register aliases from `.req` (name in lower case → register). */
  private readonly aliases = new Map<string, string>();
  private syntax: 'unified' | 'divided';
  private readonly typed = new Set<string>();
  private readonly thumbFuncs = new Set<string>();
  /** What each line emitted (last pass only). */
  readonly listing: ListingEntry[] = [];

  constructor(
    private readonly options: AssembleOptions,
    private readonly funcs: Set<string>,
    private readonly plan: PoolPlan,
    private readonly final: { bases: Map<string, number>; symbols: Map<string, Value> } | null,
  ) {
    this.cur = this.section('.text', '');
    this.syntax = options.syntax ?? 'divided';
  }

  private get isFinal(): boolean {
    return this.final !== null;
  }

  private base(sec: string): number {
    return this.final?.bases.get(sec) ?? 0;
  }

  private pc(): number {
    return this.base(this.cur.name) + this.cur.bytes.length;
  }

  readonly lookup: SymbolLookup = {
    symbol: (name) => {
      const own = this.symbols.get(name);
      if (own) return own.value;
      const later = this.final?.symbols.get(name);
      if (later) return { ...later, early: false };
      return undefined;
    },
    dot: () => ({ v: BigInt(this.pc()), sec: this.cur.name, known: true, early: true }),
    localLabel: (digits, forward) => {
      const n = (this.localCounts.get(digits) ?? 0) + (forward ? 1 : 0);
      return `${digits}${LOCAL_MARK}${n}`;
    },
  };

  fail(code: ConstructorParameters<typeof AsmFail>[0], message: string): never {
    throw new AsmFail(code, message);
  }

  run(text: string): void {
    this.frames.push({ lines: readLines(text, this.options.fileName), i: 0, macro: false });
    while (this.frames.length > 0 && !this.ended) {
      const frame = this.frames[this.frames.length - 1]!;
      if (frame.i >= frame.lines.length) {
        this.frames.pop();
        continue;
      }
      const line = frame.lines[frame.i++]!;
      this.line = line;
      const sec = this.cur;
      const start = sec.bytes.length;
      try {
        this.processLine(line);
      } catch (error) {
        throw this.wrap(error, line);
      }
      if (this.final && this.cur === sec && sec.bytes.length > start)
        this.listing.push({
          file: line.file,
          line: line.line,
          section: sec.name,
          address: this.base(sec.name) + start,
          size: sec.bytes.length - start,
        });
    }
    if (this.collect) {
      const kind = this.collect.kind;
      throw this.wrap(
        new AsmFail('ASM_SYNTAX', kind === 'macro' ? '.macro without .endm' : '.rept/.irp without .endr'),
        this.collect.line,
      );
    }
    const open = this.conds[this.conds.length - 1];
    if (open) throw this.wrap(new AsmFail('ASM_SYNTAX', '.if without .endif'), open.line);
    try {
      for (const sec of this.sections.values()) {
        this.cur = sec;
        this.dumpPool();
        // gas pads the end of a code section to its alignment, at most 4 (data sections: none)
        if (sec.code) this.padEnd(Math.min(sec.align, 4));
      }
    } catch (error) {
      throw this.wrap(error, this.line);
    }
  }

  private wrap(error: unknown, line: SourceLine): unknown {
    if (!(error instanceof AsmFail)) return error;
    const via = line.via ? ` (in ${line.via})` : '';
    return new WebProgError(error.code, `${line.file}:${line.line}: ${error.message}${via}`, {
      line: line.line,
      file: line.file,
    });
  }

  private processLine(line: SourceLine): void {
    if (this.collect) {
      const c = this.collect;
      if (BLOCK_OPEN.test(line.text)) c.depth++;
      else if (BLOCK_CLOSE.test(line.text)) {
        c.depth--;
        if (c.depth === 0) {
          this.collect = null;
          c.done(c.lines);
          return;
        }
      }
      c.lines.push(line);
      return;
    }
    for (const stmt of splitStatements(line.text)) {
      const collecting = this.collect as Collect | null; // set by a previous statement
      if (collecting) {
        // the rest of a line after `.macro`/`.rept` belongs to the body
        collecting.lines.push({ ...line, text: stmt });
        continue;
      }
      this.statement(stmt);
      if (this.ended) return;
    }
  }

  private active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1]!.active;
  }

  private statement(raw: string): void {
    let text = raw.trim();
    if (!this.active()) {
      const m = /^\.(\w+)\s*(.*)$/.exec(text);
      if (m) this.conditional(m[1]!.toLowerCase(), m[2]!, true);
      return;
    }
    for (;;) {
      const m = LABEL.exec(text);
      if (!m) break;
      this.defineLabel(m[1]!);
      text = text.slice(m[0].length).trim();
    }
    if (text === '') return;
    const assign = /^([A-Za-z_.$][\w.$]*)\s*=(?!=)\s*(.*)$/.exec(text);
    if (assign) {
      this.setSymbol(assign[1]!, assign[2]!);
      return;
    }
    const req = /^([A-Za-z_][\w]*)\s+\.req\s+(\S+)$/i.exec(text);
    if (req) {
      const reg = registerNumber(this.aliases.get(req[2]!.toLowerCase()) ?? req[2]!);
      if (reg === null) this.fail('ASM_BAD_REGISTER', `.req: "${req[2]}" is not a register`);
      this.aliases.set(req[1]!.toLowerCase(), `r${reg}`);
      return;
    }
    const m = /^(\S+)\s*(.*)$/.exec(text)!;
    const name = m[1]!;
    const rest = m[2]!;
    const lower = name.toLowerCase();
    if (lower.startsWith('.')) {
      if (this.conditional(lower.slice(1), rest, false)) return;
      this.directive(lower.slice(1), rest);
      return;
    }
    const macro = this.macros.get(name) ?? this.macros.get(lower);
    if (macro) {
      this.expand(name, macro, rest);
      return;
    }
    this.instruction(name, rest);
  }

  private instruction(name: string, rest: string): void {
    const sec = this.cur;
    const pc = this.pc();
    if (this.aliases.size)
      rest = rest.replace(/\b[A-Za-z_][\w]*\b/g, (word) => this.aliases.get(word.toLowerCase()) ?? word);
    if (this.syntax === 'divided') {
      const translated = dividedToUnified(name.toLowerCase(), rest);
      if ('bytes' in translated) {
        sec.bytes.push(...translated.bytes);
        return;
      }
      name = translated.mnemonic;
      rest = translated.operands;
    }
    const bytes = encodeThumb(name, rest, {
      final: this.isFinal,
      pc,
      expr: (t) => this.expr(t),
      literal: (t) => this.literal(t),
      requireKnown: (v, t) => this.requireKnown(v, t),
    });
    sec.bytes.push(...bytes);
  }

  private expr(text: string): Value {
    return evaluate(text, this.lookup);
  }

  private requireKnown(value: Value, text: string): void {
    if (value.known || !this.isFinal) return;
    const names = undefinedSymbols(text, this.lookup).map((n) =>
      n.includes(LOCAL_MARK) ? `${n.slice(0, n.indexOf(LOCAL_MARK))} (local label)` : n,
    );
    this.fail(
      'ASM_UNDEFINED_SYMBOL',
      `undefined symbol ${names.length ? `"${names[0]}"` : `in "${text.trim()}"`}`,
    );
  }

  /** A constant expression needed now (both passes): counts, conditions, alignments. */
  private constant(text: string, what: string): bigint {
    const value = this.expr(text);
    if (!value.known) {
      const names = undefinedSymbols(text, this.lookup);
      this.fail(
        'ASM_UNDEFINED_SYMBOL',
        `${what}: undefined symbol "${names[0] ?? text.trim()}" (it must be defined before this line)`,
      );
    }
    if (value.sec !== null)
      this.fail('ASM_SYNTAX', `${what}: "${text.trim()}" is an address, not a constant`);
    return value.v;
  }

  private literal(text: string): number {
    const site = this.literalSite++;
    if (!this.isFinal) {
      const value = this.expr(text);
      let key: string;
      if (value.known && value.sec === null && value.early) key = `c:${value.v}:${value.signed === true}`;
      else if (/\b\d+[bf]\b/i.test(text)) key = `u:${site}`;
      else key = `e:${text.replace(/\s+/g, '')}`;
      let entry = this.cur.pool.indexOf(key);
      if (entry < 0) {
        entry = this.cur.pool.length;
        this.cur.pool.push(key);
      }
      this.plan.sites.push({ pool: this.poolId(this.cur), entry });
      return 0;
    }
    const planned = this.plan.sites[site];
    const pool = planned && this.plan.pools[planned.pool];
    if (!planned || !pool) throw new Error('internal: literal pool plan differs between passes');
    const value = this.expr(text);
    this.requireKnown(value, text);
    this.cur.poolValues[planned.entry] = value;
    this.cur.pool[planned.entry] = 'x';
    return this.base(pool.sec) + pool.offset + planned.entry * 4;
  }

  private readonly pendingIds = new Map<string, number>();
  private nextPoolId = 0;

  /** The number of the section's pending pool (numbered when its first entry is added). */
  private poolId(sec: Sec): number {
    let id = this.pendingIds.get(sec.name);
    if (id === undefined) {
      id = this.nextPoolId++;
      this.pendingIds.set(sec.name, id);
    }
    return id;
  }

  private dumpPool(): void {
    const sec = this.cur;
    if (sec.pool.length === 0) return;
    this.alignTo(4, 0);
    const offset = sec.bytes.length;
    if (!this.isFinal) {
      const id = this.pendingIds.get(sec.name)!;
      this.pendingIds.delete(sec.name);
      this.plan.pools[id] = { sec: sec.name, offset, size: sec.pool.length * 4 };
    }
    for (let i = 0; i < sec.pool.length; i++) {
      const value = sec.poolValues[i];
      this.pushWord(value ? this.dataValue(value) : 0n, 4);
    }
    sec.pool = [];
    sec.poolValues = [];
  }

  private typedOnly(name: string): boolean {
    return this.typed.has(name) && !this.thumbFuncs.has(name);
  }

  /** The number a data directive stores: addresses of Thumb functions get bit 0 (as ld does). */
  private dataValue(value: Value): bigint {
    if (value.sec !== null && value.sym !== undefined && this.funcs.has(value.sym)) return value.v | 1n;
    // gas leaves `f - label` to the linker when f is a function by `.type` only (not
    // `.thumb_func`), which then adds f's Thumb bit
    if (value.sec === null && value.diffOf !== undefined && this.typedOnly(value.diffOf)) return value.v | 1n;
    return value.v;
  }

  private pushWord(v: bigint, size: number): void {
    const u = BigInt.asUintN(64, v);
    for (let i = 0; i < size; i++) this.cur.bytes.push(Number((u >> BigInt(8 * i)) & 0xffn));
  }

  private padEnd(bytes: number): void {
    const align = this.cur.align;
    this.alignTo(bytes, null);
    this.cur.align = align;
  }

  /** Aligns to `bytes`; `fill` null means gas's code fill (zero bytes to even, then nops). */
  private alignTo(bytes: number, fill: number | null, max?: number): void {
    const sec = this.cur;
    sec.align = Math.max(sec.align, bytes);
    const pad = (bytes - (sec.bytes.length % bytes)) % bytes;
    if (max !== undefined && pad > max) return;
    if (fill === null && sec.code) {
      let n = pad;
      while (n % 2) {
        sec.bytes.push(0);
        n--;
      }
      for (; n > 0; n -= 2) sec.bytes.push(...NOP);
    } else for (let i = 0; i < pad; i++) sec.bytes.push(fill ?? 0);
  }

  private section(name: string, flags: string): Sec {
    let sec = this.sections.get(name);
    if (!sec) {
      const code = flags.includes('x') || name === '.text' || name.startsWith('.text.');
      sec = { name, code, bytes: [], align: 1, pool: [], poolValues: [] };
      this.sections.set(name, sec);
    }
    return sec;
  }

  private switchTo(sec: Sec): void {
    if (sec !== this.cur) this.previous = this.cur;
    this.cur = sec;
  }

  private defineLabel(name: string): void {
    let internal = name;
    if (/^[0-9]+$/.test(name)) {
      const n = (this.localCounts.get(name) ?? 0) + 1;
      this.localCounts.set(name, n);
      internal = `${name}${LOCAL_MARK}${n}`;
    } else if (this.symbols.get(name)?.label) this.fail('ASM_SYNTAX', `symbol "${name}" is already defined`);
    const value: Value = { v: BigInt(this.pc()), sec: this.cur.name, known: true, early: true };
    if (this.final) {
      const planned = this.final.symbols.get(internal);
      if (planned && planned.v !== value.v) throw new Error(`internal: label ${name} moved between passes`);
    }
    this.symbols.set(internal, { value, label: true });
    if (this.thumbFuncPending) {
      this.funcs.add(internal);
      this.thumbFuncs.add(internal);
      this.thumbFuncPending = false;
    }
  }

  private setSymbol(name: string, text: string, equiv = false): void {
    if (!SYMBOL.test(name)) this.fail('ASM_SYNTAX', `bad symbol name "${name}"`);
    const old = this.symbols.get(name);
    if (old?.label) this.fail('ASM_SYNTAX', `symbol "${name}" is already defined as a label`);
    if (equiv && old) this.fail('ASM_SYNTAX', `symbol "${name}" is already defined`);
    const value = this.expr(text);
    this.symbols.set(name, { value: { ...value, early: value.early && value.known }, label: false });
  }

  private conditional(name: string, rest: string, inactive: boolean): boolean {
    if (name.startsWith('if')) {
      if (inactive) {
        this.conds.push({ line: this.line, active: false, taken: true, parentActive: false });
        return true;
      }
      const v = this.condition(name, rest);
      this.conds.push({ line: this.line, active: v, taken: v, parentActive: true });
      return true;
    }
    if (name === 'else' || name === 'elseif') {
      const top = this.conds[this.conds.length - 1];
      if (!top) this.fail('ASM_SYNTAX', `.${name} without .if`);
      if (!top.parentActive || top.taken) top.active = false;
      else {
        top.active = name === 'else' ? true : this.constant(rest, '.elseif') !== 0n;
        top.taken = top.active;
      }
      return true;
    }
    if (name === 'endif') {
      if (!this.conds.pop()) this.fail('ASM_SYNTAX', '.endif without .if');
      return true;
    }
    return false;
  }

  private condition(name: string, rest: string): boolean {
    const strings = () => {
      const parts = splitTopLevel(rest);
      if (parts.length !== 2) this.fail('ASM_SYNTAX', `.${name} needs two strings separated by a comma`);
      return parts.map((p) => (p.startsWith('"') && p.endsWith('"') ? p.slice(1, -1) : p));
    };
    switch (name) {
      case 'if':
      case 'ifne':
        return this.constant(rest, `.${name}`) !== 0n;
      case 'ifeq':
        return this.constant(rest, `.${name}`) === 0n;
      case 'ifgt':
        return this.constant(rest, `.${name}`) > 0n;
      case 'ifge':
        return this.constant(rest, `.${name}`) >= 0n;
      case 'iflt':
        return this.constant(rest, `.${name}`) < 0n;
      case 'ifle':
        return this.constant(rest, `.${name}`) <= 0n;
      case 'ifdef':
        return this.symbols.has(rest.trim());
      case 'ifndef':
      case 'ifnotdef':
        return !this.symbols.has(rest.trim());
      case 'ifb':
        return rest.trim() === '';
      case 'ifnb':
        return rest.trim() !== '';
      case 'ifc':
      case 'ifeqs': {
        const [a, b] = strings();
        return a === b;
      }
      case 'ifnc':
      case 'ifnes': {
        const [a, b] = strings();
        return a !== b;
      }
      default:
        return this.fail('ASM_UNKNOWN_INSTRUCTION', `unknown directive ".${name}"`);
    }
  }

  private expand(name: string, macro: Macro, rest: string): void {
    const values = bindArguments(name, macro, rest);
    const via = `macro ${name} at ${this.line.file}:${this.line.line}${this.line.via ? `, in ${this.line.via}` : ''}`;
    const lines = expandBody(macro, values, this.macroCount++, via);
    this.frames.push({ lines, i: 0, macro: true, conds: this.conds.length });
  }

  private defineMacro(rest: string): void {
    const { name, params } = parseMacroHeader(rest);
    this.collect = {
      line: this.line,
      kind: 'macro',
      depth: 1,
      lines: [],
      done: (body) => this.macros.set(name, { params, body }),
    };
  }

  private directive(name: string, rest: string): void {
    switch (name) {
      case 'syntax': {
        const syntax = rest.trim().toLowerCase();
        if (syntax !== 'unified' && syntax !== 'divided')
          this.fail('ASM_SYNTAX', `.syntax must be unified or divided (got "${rest.trim()}")`);
        this.syntax = syntax;
        return;
      }
      case 'cpu':
      case 'arch': {
        // a Thumb-2 core changes gas's encodings (nop, literal loads, branch relaxation)
        const target = rest.trim().toLowerCase();
        if (!ARMV6M_TARGETS.has(target))
          this.fail(
            'NOT_SUPPORTED',
            `.${name} ${rest.trim()}: this assembler produces ARMv6-M code only (cortex-m0, cortex-m0plus, cortex-m1, armv6-m)`,
          );
        return;
      }
      case 'thumb':
      case 'force_thumb':
      case 'fpu':
      case 'eabi_attribute':
      case 'globl':
      case 'global':
      case 'weak':
      case 'local':
      case 'hidden':
      case 'size':
      case 'file':
      case 'ident':
      case 'warning':
      case 'print':
      case 'func':
      case 'endfunc':
        return;
      case 'code':
        if (rest.trim() !== '16') this.fail('ASM_SYNTAX', 'only ".code 16" (Thumb) is supported');
        return;
      case 'arm':
        return this.fail('ASM_SYNTAX', 'ARM (A32) code is not supported; Cortex-M runs Thumb only');
      case 'thumb_func':
        this.thumbFuncPending = true;
        return;
      case 'type': {
        const [sym, kind] = splitTopLevel(rest);
        if (sym && kind && /^[%@#]?function$|^STT_FUNC$/i.test(kind.trim())) {
          this.funcs.add(sym.trim());
          this.typed.add(sym.trim());
        }
        return;
      }
      case 'end':
        this.ended = true;
        return;
      case 'text':
        this.switchTo(this.section('.text', 'ax'));
        return;
      case 'data':
        this.switchTo(this.section('.data', 'aw'));
        return;
      case 'bss':
        this.switchTo(this.section('.bss', 'aw'));
        return;
      case 'section': {
        const parts = splitTopLevel(rest);
        const secName = parts[0]?.replace(/^"|"$/g, '') ?? '';
        if (!secName) this.fail('ASM_SYNTAX', '.section needs a name');
        const flags = parts[1]?.replace(/^"|"$/g, '') ?? '';
        this.switchTo(this.section(secName, flags));
        return;
      }
      case 'pushsection': {
        this.sectionStack.push(this.cur);
        const parts = splitTopLevel(rest);
        this.switchTo(this.section(parts[0] ?? '.text', parts[1]?.replace(/^"|"$/g, '') ?? ''));
        return;
      }
      case 'popsection': {
        const sec = this.sectionStack.pop();
        if (!sec) this.fail('ASM_SYNTAX', '.popsection without .pushsection');
        this.switchTo(sec);
        return;
      }
      case 'previous':
        if (this.previous) this.switchTo(this.previous);
        return;
      case 'equ':
      case 'set':
      case 'eqv':
      case 'equiv': {
        const parts = splitTopLevel(rest);
        if (parts.length !== 2) this.fail('ASM_SYNTAX', `.${name} needs a symbol and a value`);
        this.setSymbol(parts[0]!, parts[1]!, name === 'equiv');
        return;
      }
      case 'word':
      case 'long':
      case 'int':
      case '4byte':
        return this.data(rest, 4);
      case 'short':
      case 'hword':
      case '2byte':
        return this.data(rest, 2);
      case 'byte':
        return this.data(rest, 1);
      case 'quad':
      case '8byte':
        return this.data(rest, 8);
      case 'ascii':
      case 'asciz':
      case 'string': {
        let list: string[];
        try {
          list = stringList(rest);
        } catch (error) {
          return this.fail('ASM_SYNTAX', `.${name}: ${(error as Error).message}`);
        }
        for (const s of list) {
          this.cur.bytes.push(...stringBytes(s));
          if (name !== 'ascii') this.cur.bytes.push(0);
        }
        return;
      }
      case 'align':
      case 'p2align':
      case 'balign': {
        const parts = splitTopLevel(rest);
        let n = parts[0] ? Number(this.constant(parts[0], `.${name}`)) : name === 'balign' ? 1 : 2;
        if (name !== 'balign') {
          if (n > 15) this.fail('ASM_IMMEDIATE_RANGE', `.${name}: alignment 2^${n} is too large (0 to 15)`);
          n = 1 << n;
        } else if (n <= 0 || (n & (n - 1)) !== 0)
          this.fail('ASM_IMMEDIATE_RANGE', `.balign: ${n} is not a power of 2`);
        const fill = parts[1] ? Number(this.constant(parts[1], `.${name}`) & 0xffn) : null;
        const max = parts[2] ? Number(this.constant(parts[2], `.${name}`)) : undefined;
        this.alignTo(n, fill, max);
        return;
      }
      case 'space':
      case 'skip':
      case 'zero': {
        const parts = splitTopLevel(rest);
        const n = this.constant(parts[0] ?? '', `.${name}`);
        if (n < 0n) this.fail('ASM_IMMEDIATE_RANGE', `.${name}: negative size ${n}`);
        const fill = parts[1] && name !== 'zero' ? Number(this.constant(parts[1], `.${name}`) & 0xffn) : 0;
        for (let i = 0n; i < n; i++) this.cur.bytes.push(fill);
        return;
      }
      case 'fill': {
        const parts = splitTopLevel(rest);
        const repeat = this.constant(parts[0] ?? '', '.fill');
        const size = parts[1] ? Number(this.constant(parts[1], '.fill')) : 1;
        const value = parts[2] ? this.constant(parts[2], '.fill') : 0n;
        if (repeat < 0n || size < 0) this.fail('ASM_IMMEDIATE_RANGE', '.fill: negative count or size');
        const width = Math.min(size, 8);
        for (let i = 0n; i < repeat; i++) {
          // gas stores at most 4 bytes of the value; the rest of a larger size is zero
          this.pushWord(width > 4 ? BigInt.asUintN(32, value) : value, width);
          for (let j = width; j < size; j++) this.cur.bytes.push(0);
        }
        return;
      }
      case 'unreq':
        if (!this.aliases.delete(rest.trim().toLowerCase()))
          this.fail('ASM_SYNTAX', `.unreq: "${rest.trim()}" is not a register alias`);
        return;
      case 'inst':
      case 'inst.n':
      case 'inst.w':
        for (const item of splitTopLevel(rest)) {
          const v = BigInt.asUintN(32, this.constant(item, `.${name}`));
          const wide = name === 'inst.w' || (name === 'inst' && v > 0xffffn);
          if (name === 'inst.n' && v > 0xffffn)
            this.fail('ASM_IMMEDIATE_RANGE', `.inst.n: 0x${v.toString(16)} does not fit 16 bits`);
          if (wide) this.pushWord(v >> 16n, 2);
          this.pushWord(v & 0xffffn, 2);
        }
        return;
      case 'ltorg':
      case 'pool':
        this.dumpPool();
        return;
      case 'include': {
        const file = rest.trim().replace(/^"|"$/g, '');
        const text = this.options.include?.(file, this.line.file);
        if (text === undefined)
          this.fail('ASM_INCLUDE_MISSING', `.include "${file}": no such file in the script set`);
        this.frames.push({ lines: readLines(text, file), i: 0, macro: false });
        return;
      }
      case 'macro':
        this.defineMacro(rest);
        return;
      case 'endm':
        return this.fail('ASM_SYNTAX', '.endm without .macro');
      case 'endr':
        return this.fail('ASM_SYNTAX', '.endr without .rept');
      case 'exitm': {
        while (this.frames.length) {
          const frame = this.frames.pop()!;
          if (frame.macro) {
            this.conds.length = frame.conds ?? this.conds.length;
            return;
          }
        }
        return this.fail('ASM_SYNTAX', '.exitm outside a macro');
      }
      case 'purgem':
        if (!this.macros.delete(rest.trim())) this.fail('ASM_SYNTAX', `.purgem: no macro "${rest.trim()}"`);
        return;
      case 'rept': {
        const n = Number(this.constant(rest, '.rept'));
        this.collect = {
          line: this.line,
          kind: 'rept',
          depth: 1,
          lines: [],
          done: (body) => {
            const lines: SourceLine[] = [];
            for (let i = 0; i < n; i++) lines.push(...body);
            this.frames.push({ lines, i: 0, macro: false });
          },
        };
        return;
      }
      case 'irp':
      case 'irpc': {
        const m = /^([A-Za-z_][\w]*)\s*,?\s*(.*)$/.exec(rest.trim());
        if (!m) this.fail('ASM_SYNTAX', `.${name} needs a symbol`);
        const param = m[1]!;
        const items = name === 'irp' ? splitTopLevel(m[2]!) : [...m[2]!.trim()];
        this.collect = {
          line: this.line,
          kind: 'rept',
          depth: 1,
          lines: [],
          done: (body) => {
            const lines: SourceLine[] = [];
            for (const item of items.length ? items : ['']) {
              for (const l of body)
                lines.push({ ...l, text: l.text.replace(new RegExp(`\\\\${param}\\b`, 'g'), item) });
            }
            this.frames.push({ lines, i: 0, macro: false });
          },
        };
        return;
      }
      case 'err':
        return this.fail('ASM_SYNTAX', '.err encountered');
      case 'error': {
        const [msg] = (() => {
          try {
            return stringList(rest);
          } catch {
            return [rest.trim()];
          }
        })();
        return this.fail('ASM_SYNTAX', `.error: ${msg ?? ''}`);
      }
      default:
        return this.fail('ASM_UNKNOWN_INSTRUCTION', `unknown directive ".${name}"`);
    }
  }

  private data(rest: string, size: number): void {
    for (const item of splitTopLevel(rest)) {
      if (item === '') this.fail('ASM_SYNTAX', 'missing value');
      const value = this.expr(item);
      this.requireKnown(value, item);
      this.pushWord(this.dataValue(value), size);
    }
  }

  /** Symbol values at the end of the pass, addresses made absolute with `bases`. */
  finalSymbols(bases: Map<string, number>): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const [name, sym] of this.symbols) {
      const v = sym.value;
      out.set(name, v.sec === null || this.final ? v : { ...v, v: v.v + BigInt(bases.get(v.sec) ?? 0) });
    }
    return out;
  }
}

/**
 * Assembles `source`. Errors are {@link WebProgError}s with an `ASM_*` code (or
 * `ASM_INCLUDE_MISSING`), the file and the 1-based line.
 */
export function assemble(source: string, options: AssembleOptions): AssembleResult {
  const funcs = new Set<string>();
  const plan: PoolPlan = { sites: [], pools: [] };
  const first = new Pass(options, funcs, plan, null);
  first.run(source);
  const infos: SectionInfo[] = [...first.sections.values()].map((s) => ({
    name: s.name,
    size: s.bytes.length,
    align: s.align,
  }));
  const bases = options.layout(infos.filter((s) => s.size > 0));
  const symbols = first.finalSymbols(bases);
  const second = new Pass(options, funcs, plan, { bases, symbols });
  second.run(source);
  const sections: AssembledSection[] = [];
  for (const sec of second.sections.values()) {
    const before = infos.find((i) => i.name === sec.name);
    if (!before || before.size !== sec.bytes.length)
      throw new Error(`internal: section ${sec.name} changed size between passes`);
    if (sec.bytes.length === 0) continue;
    sections.push({
      name: sec.name,
      address: bases.get(sec.name) ?? 0,
      align: sec.align,
      bytes: Uint8Array.from(sec.bytes),
    });
  }
  const out = new Map<string, number>();
  for (const [name, v] of second.finalSymbols(bases))
    if (v.known && !name.includes(LOCAL_MARK)) out.set(name, Number(BigInt.asUintN(32, v.v)));
  return { sections, symbols: out, listing: second.listing };
}
