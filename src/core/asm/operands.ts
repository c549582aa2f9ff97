/**
 * Operand syntax of ARM unified assembly: registers and their aliases, `#immediates`,
 * `[base, offset]` addresses, `{register lists}` and `=literals`, split at top-level commas.
 */
import { AsmFail } from './fail';

const ALIASES: Record<string, number> = {
  sp: 13,
  lr: 14,
  pc: 15,
  ip: 12,
  fp: 11,
  sl: 10,
  sb: 9,
  a1: 0,
  a2: 1,
  a3: 2,
  a4: 3,
  v1: 4,
  v2: 5,
  v3: 6,
  v4: 7,
  v5: 8,
  v6: 9,
  v7: 10,
  v8: 11,
};

/** The number of register `text` (`r0`-`r15`, `sp`, `lr`, `pc`, `ip`, …), or null. */
export function registerNumber(text: string): number | null {
  const t = text.trim().toLowerCase();
  const m = /^r([0-9]|1[0-5])$/.exec(t);
  if (m) return Number(m[1]);
  return Object.hasOwn(ALIASES, t) ? ALIASES[t]! : null;
}

/** Register names for messages. */
export function registerName(n: number): string {
  return n === 13 ? 'sp' : n === 14 ? 'lr' : n === 15 ? 'pc' : `r${n}`;
}

/** Splits at commas outside brackets, braces, parentheses and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"') quote = c;
    else if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

/** One parsed operand. */
export type Operand =
  | { kind: 'reg'; reg: number; writeback: boolean; text: string }
  | { kind: 'imm'; expr: string; text: string }
  | { kind: 'expr'; expr: string; text: string }
  | { kind: 'lit'; expr: string; text: string }
  | { kind: 'mem'; base: number; index: number | null; offset: string | null; text: string }
  | { kind: 'list'; mask: number; text: string };

/** Parses one operand. */
export function parseOperand(raw: string): Operand {
  const text = raw.trim();
  if (text === '') throw new AsmFail('ASM_SYNTAX', 'missing operand');
  if (text.startsWith('#') || text.startsWith('$')) return { kind: 'imm', expr: text.slice(1), text };
  if (text.startsWith('=')) return { kind: 'lit', expr: text.slice(1), text };
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) {
      if (/\]\s*!$/.test(text))
        throw new AsmFail('ASM_SYNTAX', `pre-indexed writeback "${text}" does not exist in Thumb-1`);
      if (/\]\s*,/.test(text))
        throw new AsmFail('ASM_SYNTAX', `post-indexed "${text}" does not exist in Thumb-1`);
      throw new AsmFail('ASM_SYNTAX', `missing "]" in "${text}"`);
    }
    const inner = splitTopLevel(text.slice(1, -1));
    const base = registerNumber(inner[0] ?? '');
    if (base === null)
      throw new AsmFail('ASM_BAD_REGISTER', `"${inner[0] ?? ''}" is not a base register in "${text}"`);
    if (inner.length === 1) return { kind: 'mem', base, index: null, offset: null, text };
    if (inner.length !== 2) throw new AsmFail('ASM_SYNTAX', `bad address "${text}"`);
    const second = inner[1]!;
    const index = registerNumber(second);
    if (index !== null) return { kind: 'mem', base, index, offset: null, text };
    if (/^-?\s*r\d/i.test(second)) throw new AsmFail('ASM_BAD_REGISTER', `bad index register in "${text}"`);
    const offset = second.startsWith('#') || second.startsWith('$') ? second.slice(1) : second;
    return { kind: 'mem', base, index: null, offset, text };
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new AsmFail('ASM_SYNTAX', `missing "}" in "${text}"`);
    let mask = 0;
    for (const item of splitTopLevel(text.slice(1, -1))) {
      const range = item.split('-');
      const from = registerNumber(range[0] ?? '');
      const to = range.length === 2 ? registerNumber(range[1] ?? '') : from;
      if (from === null || to === null || range.length > 2 || to < from)
        throw new AsmFail('ASM_BAD_REGISTER', `bad register list item "${item}" in "${text}"`);
      for (let r = from; r <= to; r++) mask |= 1 << r;
    }
    return { kind: 'list', mask, text };
  }
  const wb = text.endsWith('!');
  const reg = registerNumber(wb ? text.slice(0, -1) : text);
  if (reg !== null) return { kind: 'reg', reg, writeback: wb, text };
  return { kind: 'expr', expr: text, text };
}
