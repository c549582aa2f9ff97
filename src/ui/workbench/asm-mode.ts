/**
 * A CodeMirror stream mode for GNU assembler ARM syntax, as device scripts use it: `@` and `//`
 * line comments and C block comments, directives (`.word`), labels (`name:`, `1:`) and local
 * label references (`1b`, `2f`), instruction mnemonics, registers (r0–r15, sp, lr, pc, apsr,
 * primask…), numbers (`#0x20`, `42`, `0b101`, `'c'`), strings and macro arguments (`\name`).
 */
import type { StreamParser, StringStream } from '@codemirror/language';

/** What the tokenizer remembers between lines. */
export interface AsmModeState {
  /** Inside a C comment that has not ended. */
  inComment: boolean;
  /** The statement's first word was seen (the rest of the line is operands). */
  seenOp: boolean;
}

const REGISTER =
  /^(?:r(?:1[0-5]|[0-9])|sp|lr|pc|ip|fp|sl|sb|apsr|xpsr|ipsr|epsr|iapsr|eapsr|iepsr|msp|psp|primask|basepri|basepri_max|faultmask|control)\b/i;
const NUMBER = /^(?:0x[0-9a-f]+|0b[01]+|[0-9]+[bf]\b|[0-9]+)/i;

function token(stream: StringStream, state: AsmModeState): string | null {
  if (stream.sol()) state.seenOp = false;
  if (!state.inComment && stream.match('/*')) state.inComment = true;
  if (state.inComment) {
    if (stream.skipTo('*/')) {
      stream.match('*/');
      state.inComment = false;
    } else stream.skipToEnd();
    return 'comment';
  }
  if (stream.eatSpace()) return null;
  if (stream.match('@') || stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.sol() || !state.seenOp) {
    // A label ends with a colon; a statement may follow it on the same line.
    if (stream.match(/^(?:[A-Za-z_.$][\w.$]*|[0-9]+):/)) return 'labelName';
  }
  if (stream.match(/^\.[A-Za-z_][\w.]*/)) {
    const directive = !state.seenOp;
    state.seenOp = true;
    return directive ? 'meta' : 'variableName';
  }
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
  if (stream.match(/^'(?:\\.|[^\\])'?/)) return 'number';
  if (stream.match(/^\\[A-Za-z_]\w*/)) return 'variableName.special';
  if (stream.eat('#')) return NUMBER.test(stream.string.slice(stream.pos)) ? 'number' : 'operator';
  if (!state.seenOp && stream.match(/^[A-Za-z_][\w.]*/)) {
    state.seenOp = true;
    return 'keyword';
  }
  if (stream.match(REGISTER)) return 'variableName.definition';
  if (stream.match(NUMBER)) return 'number';
  if (stream.match(/^[A-Za-z_$][\w.$]*/)) return 'variableName';
  if (stream.match(/^[[\]{}]/)) return 'bracket';
  if (stream.match(/^[-+*/%&|^~!<>=,]+/)) return 'operator';
  stream.next();
  return null;
}

/** The stream parser (use with `StreamLanguage.define`). */
export const gnuArmAsm: StreamParser<AsmModeState> = {
  name: 'gnu-arm-asm',
  startState: () => ({ inComment: false, seenOp: false }),
  copyState: (s) => ({ ...s }),
  token,
  languageData: { commentTokens: { line: '@', block: { open: '/*', close: '*/' } } },
};
