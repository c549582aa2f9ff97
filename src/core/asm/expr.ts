/**
 * GNU as expressions: numbers (decimal, 0x hex, 0b binary, leading-0 octal, 'c' characters),
 * symbols, `.` (the location counter), local label references (`1b`, `1f`), unary `- ~ ! +`,
 * and the binary operators with gas's precedence (expr.c `op_rank`): `* / % << >>` bind
 * tightest, then `| & ^ !` (`!` is or-not), then `+ -`, then the comparisons (true is -1), then
 * `&&`, then `||`. Arithmetic is on 64-bit values like gas on a 64-bit host.
 */
import { AsmFail } from './fail';

/**
 * A value: a number, or an address `v` inside section `sec` (before layout: the offset in it).
 * `sym` names the single symbol the value is `sym + constant` of (for the Thumb bit of function
 * symbols and literal-pool deduplication); `known` is false while a symbol is not yet defined.
 */
export interface Value {
  /** The number (64-bit, signed). */
  v: bigint;
  /** Section the value is relative to, or null for an absolute number. */
  sec: string | null;
  /** The one symbol this is `symbol + constant` of, if so. */
  sym?: string;
  /** False when an undefined (maybe forward) symbol was involved. */
  known: boolean;
  /** True when every symbol involved was already defined where the expression was read. */
  early: boolean;
  /** For a difference of two addresses: the symbol subtracted from. */
  diffOf?: string;
  /**
   * gas's `X_unsigned` of a constant: false after a unary minus (or an operand that had it
   * false). Literal-pool deduplication compares it: `=-(-16)` and `=16` are two entries.
   */
  signed?: boolean;
}

/** How an expression finds its symbols. */
export interface SymbolLookup {
  /** The value of a symbol, or undefined when it is not (yet) defined. */
  symbol(name: string): Value | undefined;
  /** The location counter `.`. */
  dot(): Value;
  /** The internal name of local label reference `1b` / `1f`. */
  localLabel(digits: string, forward: boolean): string;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** An absolute number. */
export function abs(v: bigint | number): Value {
  return { v: wrap(BigInt(v)), sec: null, known: true, early: true };
}

type Tok =
  | { k: 'num'; v: bigint }
  | { k: 'sym'; name: string }
  | { k: 'local'; digits: string; forward: boolean }
  | { k: 'op'; op: string }
  | { k: 'end' };

const WORD = /[0-9A-Za-z_]*/y;
const SYMBOL_REST = /[A-Za-z0-9_.$]*/y;
const TWO_CHAR_OPS = new Set(['<<', '>>', '<=', '>=', '==', '!=', '<>', '&&', '||']);
const ONE_CHAR_OPS = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')']);
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  b: '\b',
  f: '\f',
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSymbolStart = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 36;

/** Tokens of expressions seen before (expressions repeat a lot in macros and .rept). */
const cache = new Map<string, Tok[]>();

function tokenize(text: string): Tok[] {
  const cached = cache.get(text);
  if (cached) return cached;
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (isDigit(code)) {
      WORD.lastIndex = i;
      WORD.exec(text);
      const j = WORD.lastIndex;
      const word = text.slice(i, j);
      i = j;
      const local = /^([0-9]+)([bfBF])$/.exec(word);
      if (local && !/^0[bB][01]+$/.test(word)) {
        toks.push({ k: 'local', digits: local[1]!, forward: local[2]!.toLowerCase() === 'f' });
        continue;
      }
      let v: bigint;
      if (/^0[xX][0-9a-fA-F]+$/.test(word) || /^0[bB][01]+$/.test(word)) v = BigInt(word);
      else if (/^0[0-7]*$/.test(word)) v = word.length > 1 ? BigInt('0o' + word.slice(1)) : 0n;
      else if (/^[1-9][0-9]*$/.test(word)) v = BigInt(word);
      else throw new AsmFail('ASM_SYNTAX', `bad number "${word}"`);
      toks.push({ k: 'num', v: wrap(v) });
      continue;
    }
    if (c === "'") {
      // 'c' or 'c (gas accepts a lone quote before one character)
      let ch = text[i + 1];
      if (ch === undefined) throw new AsmFail('ASM_SYNTAX', 'character constant is missing');
      let len = 2;
      if (ch === '\\') {
        const e = text[i + 2] ?? '';
        ch = Object.hasOwn(ESCAPES, e) ? ESCAPES[e]! : e;
        len = 3;
      }
      i += len;
      if (text[i] === "'") i++;
      toks.push({ k: 'num', v: BigInt(ch.charCodeAt(0)) });
      continue;
    }
    if (isSymbolStart(code)) {
      SYMBOL_REST.lastIndex = i + 1;
      SYMBOL_REST.exec(text);
      toks.push({ k: 'sym', name: text.slice(i, SYMBOL_REST.lastIndex) });
      i = SYMBOL_REST.lastIndex;
      continue;
    }
    const two = text.slice(i, i + 2);
    const op = TWO_CHAR_OPS.has(two) ? two : ONE_CHAR_OPS.has(c) ? c : undefined;
    if (!op) throw new AsmFail('ASM_SYNTAX', `unexpected "${c}" in expression "${text.trim()}"`);
    toks.push({ k: 'op', op });
    i += op.length;
  }
  toks.push({ k: 'end' });
  if (cache.size > 10000) cache.clear();
  cache.set(text, toks);
  return toks;
}

const RANK: Record<string, number> = {
  '*': 9,
  '/': 9,
  '%': 9,
  '<<': 9,
  '>>': 9,
  '|': 8,
  '&': 8,
  '^': 8,
  '!': 8,
  '+': 7,
  '-': 7,
  '==': 4,
  '!=': 4,
  '<>': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '&&': 3,
  '||': 2,
};

function combine(op: string, a: Value, b: Value): Value {
  const result = combineValues(op, a, b);
  if ((a.signed || b.signed) && result.sec === null) result.signed = true;
  return result;
}

function combineValues(op: string, a: Value, b: Value): Value {
  const known = a.known && b.known;
  const early = a.early && b.early;
  if (op === '+') {
    if (a.sec !== null && b.sec !== null) {
      if (known) throw new AsmFail('ASM_SYNTAX', 'cannot add two addresses');
      return { v: 0n, sec: null, known, early };
    }
    const sec = a.sec ?? b.sec;
    const sym = a.sec !== null ? a.sym : b.sym;
    return { v: wrap(a.v + b.v), sec, ...(sym ? { sym } : {}), known, early };
  }
  if (op === '-') {
    if (a.sec !== null && b.sec !== null) {
      // a difference of two addresses in one section is a number
      if (known && a.sec !== b.sec)
        throw new AsmFail(
          'ASM_SYNTAX',
          `cannot subtract addresses in different sections (${a.sec}, ${b.sec})`,
        );
      return { v: wrap(a.v - b.v), sec: null, known, early, ...(a.sym ? { diffOf: a.sym } : {}) };
    }
    if (b.sec !== null) {
      if (known) throw new AsmFail('ASM_SYNTAX', 'cannot subtract an address from a number');
      return { v: 0n, sec: null, known, early };
    }
    return { v: wrap(a.v - b.v), sec: a.sec, ...(a.sym ? { sym: a.sym } : {}), known, early };
  }
  const x = a.v;
  const y = b.v;
  let v: bigint;
  switch (op) {
    case '*':
      v = x * y;
      break;
    case '/':
    case '%':
      if (y === 0n) {
        if (!known) return { v: 0n, sec: null, known, early };
        throw new AsmFail('ASM_SYNTAX', 'division by zero');
      }
      v = op === '/' ? x / y : x % y;
      break;
    case '<<':
      v = y >= 64n || y < 0n ? 0n : x << y;
      break;
    case '>>':
      v = y >= 64n || y < 0n ? 0n : BigInt.asUintN(64, x) >> y;
      break;
    case '|':
      v = x | y;
      break;
    case '&':
      v = x & y;
      break;
    case '^':
      v = x ^ y;
      break;
    case '!':
      v = x | ~y;
      break;
    case '==':
      v = x === y ? -1n : 0n;
      break;
    case '!=':
    case '<>':
      v = x !== y ? -1n : 0n;
      break;
    case '<':
      v = x < y ? -1n : 0n;
      break;
    case '<=':
      v = x <= y ? -1n : 0n;
      break;
    case '>':
      v = x > y ? -1n : 0n;
      break;
    case '>=':
      v = x >= y ? -1n : 0n;
      break;
    case '&&':
      v = x !== 0n && y !== 0n ? 1n : 0n;
      break;
    case '||':
      v = x !== 0n || y !== 0n ? 1n : 0n;
      break;
    default:
      throw new AsmFail('ASM_SYNTAX', `unknown operator ${op}`);
  }
  return { v: wrap(v), sec: null, known, early };
}

/**
 * Evaluates `text`. Undefined symbols give `known: false` (the caller decides whether that is
 * an error: before the last pass it is not).
 */
export function evaluate(text: string, lookup: SymbolLookup): Value {
  const toks = tokenize(text);
  if (toks.length === 1) throw new AsmFail('ASM_SYNTAX', 'missing expression');
  let p = 0;
  const peek = (): Tok => toks[p]!;

  const primary = (): Value => {
    const t = toks[p++]!;
    if (t.k === 'num') return abs(t.v);
    if (t.k === 'sym' || t.k === 'local') {
      if (t.k === 'sym' && t.name === '.') return lookup.dot();
      const name = t.k === 'sym' ? t.name : lookup.localLabel(t.digits, t.forward);
      const found = lookup.symbol(name);
      if (!found) return { v: 0n, sec: null, known: false, early: false };
      if (found.sec !== null) return { ...found, sym: name };
      return found;
    }
    if (t.k === 'op') {
      if (t.op === '(') {
        const v = binary(0);
        const close = toks[p++]!;
        if (close.k !== 'op' || close.op !== ')')
          throw new AsmFail('ASM_SYNTAX', `missing ")" in "${text.trim()}"`);
        return v;
      }
      if (t.op === '-' || t.op === '~' || t.op === '!' || t.op === '+') {
        const v = primary();
        if (t.op === '+') return v;
        if (v.sec !== null && v.known)
          throw new AsmFail('ASM_SYNTAX', `"${t.op}" cannot apply to an address`);
        const n = t.op === '-' ? -v.v : t.op === '~' ? ~v.v : v.v === 0n ? 1n : 0n;
        const signed = t.op === '-' || v.signed === true;
        return { v: wrap(n), sec: null, known: v.known, early: v.early, ...(signed ? { signed } : {}) };
      }
    }
    throw new AsmFail('ASM_SYNTAX', `bad expression "${text.trim()}"`);
  };

  const binary = (minRank: number): Value => {
    let left = primary();
    for (;;) {
      const t = peek();
      if (t.k !== 'op') break;
      const rank = RANK[t.op];
      if (rank === undefined || rank <= minRank) break;
      p++;
      const right = binary(rank);
      left = combine(t.op, left, right);
    }
    return left;
  };

  const result = binary(0);
  if (peek().k !== 'end') throw new AsmFail('ASM_SYNTAX', `junk at end of expression "${text.trim()}"`);
  return result;
}

/** The first undefined symbol name an expression refers to, for error messages. */
export function undefinedSymbols(text: string, lookup: SymbolLookup): string[] {
  const names: string[] = [];
  for (const t of tokenize(text)) {
    const name = t.k === 'sym' ? t.name : t.k === 'local' ? lookup.localLabel(t.digits, t.forward) : null;
    if (name !== null && name !== '.' && !lookup.symbol(name)) names.push(name);
  }
  return names;
}
