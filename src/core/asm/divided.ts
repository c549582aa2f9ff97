/**
 * GNU as's pre-UAL Thumb syntax (`.syntax divided`, the default when a source names none): the
 * 16-bit data-processing instructions are written without `s` although they set the flags
 * (`add r0, #1` is `adds r0, #1`), and `mov` between two low registers is `adds rd, rm, #0`.
 * This maps such a statement onto the unified syntax the encoder reads.
 */
import { registerNumber, splitTopLevel } from './operands';
import { AsmFail } from './fail';

/** Flag-setting data-processing mnemonics written without `s` in divided syntax. */
const SET_FLAGS = new Set([
  'adc',
  'and',
  'asr',
  'bic',
  'eor',
  'lsl',
  'lsr',
  'mul',
  'mvn',
  'neg',
  'orr',
  'ror',
  'sbc',
]);
/** Unified-only spellings gas refuses in divided Thumb code. */
const UNIFIED_ONLY = new Set([
  'adcs',
  'adds',
  'ands',
  'asrs',
  'bics',
  'eors',
  'lsls',
  'lsrs',
  'muls',
  'mvns',
  'negs',
  'orrs',
  'rors',
  'sbcs',
  'subs',
  'rsbs',
]);

const isLow = (text: string | undefined): boolean => {
  const r = text === undefined ? null : registerNumber(text);
  return r !== null && r < 8;
};

const isImmediate = (text: string | undefined): boolean =>
  text !== undefined && registerNumber(text) === null && !text.startsWith('[') && !text.startsWith('{');

/** True when register list text `{...}` names register `r`. */
function listHas(list: string, r: number): boolean {
  for (const item of splitTopLevel(list.replace(/^\{|\}$/g, ''))) {
    const [from, to] = item.split('-').map((x) => registerNumber(x));
    if (from === null || from === undefined) continue;
    if (r === from || (to !== undefined && to !== null && r >= from && r <= to)) return true;
  }
  return false;
}

/** A statement in divided syntax as unified mnemonic and operands, or its bytes directly. */
export type Translated = { mnemonic: string; operands: string } | { bytes: number[] };

/** Translates one divided-syntax instruction (mnemonic lower case). */
export function dividedToUnified(mnemonic: string, operands: string): Translated {
  if (/\.[nw]$/.test(mnemonic))
    throw new AsmFail('ASM_UNKNOWN_INSTRUCTION', `"${mnemonic}": width suffixes (.n, .w) are unified syntax`);
  const base = mnemonic;
  if (UNIFIED_ONLY.has(base))
    throw new AsmFail(
      'ASM_UNKNOWN_INSTRUCTION',
      `"${mnemonic}" is unified syntax; in divided syntax write it without "s"`,
    );
  const ops = splitTopLevel(operands);
  if (SET_FLAGS.has(base) || ['mov', 'movs', 'add', 'sub', 'cmp'].includes(base)) {
    const bare = ops.find((o) => isImmediate(o) && !o.startsWith('#') && !o.startsWith('$'));
    if (bare !== undefined)
      throw new AsmFail('ASM_SYNTAX', `${mnemonic}: an immediate needs "#" in divided syntax ("#${bare}")`);
  }
  if (SET_FLAGS.has(base)) return { mnemonic: `${base}s`, operands };
  if (base === 'mov' || base === 'movs') {
    if (isImmediate(ops[1])) return { mnemonic: 'movs', operands };
    // mov between low registers is the flag-setting ADDS rd, rm, #0
    if (ops.length === 2 && isLow(ops[0]) && isLow(ops[1])) {
      const rd = registerNumber(ops[0]!)!;
      const rm = registerNumber(ops[1]!)!;
      return { bytes: [((rm << 3) | rd) & 0xff, 0x1c] };
    }
    return { mnemonic: 'mov', operands };
  }
  if (
    (base === 'cmp' && ops.length === 2 && !isLow(ops[0])) ||
    (base === 'cmp' && !isLow(ops[1]) && !isImmediate(ops[1]))
  ) {
    // CMP (register) T2, which divided syntax also allows with pc
    const rn = registerNumber(ops[0] ?? '');
    const rm = registerNumber(ops[1] ?? '');
    if (rn !== null && rm !== null) {
      const code = 0x4500 | ((rn & 8) << 4) | (rm << 3) | (rn & 7);
      return { bytes: [code & 0xff, code >> 8] };
    }
  }
  // LDM with the base in the list: divided syntax accepts the "!" (the encoding is the same)
  if (/^ldm(ia|fd)?$/.test(base) && ops.length === 2 && ops[0]!.endsWith('!')) {
    const rn = registerNumber(ops[0]!.slice(0, -1));
    const list = ops[1]!;
    if (rn !== null && rn < 8 && listHas(list, rn))
      return { mnemonic: base, operands: `${ops[0]!.slice(0, -1)}, ${list}` };
  }
  // STM without "!": divided syntax means the only Thumb-1 form, with writeback
  if (/^stm(ia|ea)?$/.test(base) && ops.length === 2 && registerNumber(ops[0]!) !== null)
    return { mnemonic: base, operands: `${ops[0]}!, ${ops[1]}` };
  // gas's divided syntax encodes a byte or halfword access at [sp, #imm] as the word access
  if (/^(ldr|str)[bh]$/.test(base) && /^\[\s*sp\s*[,\]]/i.test(ops[1] ?? ''))
    return { mnemonic: base.slice(0, 3), operands };
  if (base === 'add' || base === 'sub') {
    const allLow = ops.every((o) => isLow(o) || isImmediate(o));
    if (allLow && isLow(ops[0])) {
      // two low registers: rd = rd + rm (three-register form)
      if (ops.length === 2 && isLow(ops[1]))
        return { mnemonic: `${base}s`, operands: `${ops[0]}, ${ops[0]}, ${ops[1]}` };
      return { mnemonic: `${base}s`, operands };
    }
    return { mnemonic: base, operands };
  }
  return { mnemonic, operands };
}
