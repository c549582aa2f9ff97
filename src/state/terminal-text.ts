/**
 * Turns what a serial console receives into text for a plain pane: CR LF, a lone LF and a
 * lone CR (an echoed Enter key) each end a line, backspace (as the MicroPython REPL echoes it, "\b \b") removes
 * the character before it, and ANSI escape sequences (cursor moves, erase to end of line) are
 * left out. Text a sequence or a UTF-8 character split across chunks waits for the rest.
 */

/** Longest text kept (the oldest lines go first). */
export const TERMINAL_MAX_CHARS = 64 * 1024;

/** A console's text and the bytes of an incomplete sequence. */
export interface TerminalText {
  text: string;
  /** The start of an escape sequence that continues in the next chunk. */
  pending: string;
}

/* eslint-disable no-control-regex -- escape sequences are what these patterns match */
const CUT_SEQUENCE = /\x1b(\[[0-9;?]*)?$/;
const CSI_SEQUENCE = /\x1b\[[0-9;?]*[A-Za-z]/g;
const OTHER_ESCAPE = /\x1b[^[]/g;
/* eslint-enable no-control-regex */

/** Appends decoded `chunk` (already text) to `state`, returning the new state. */
export function appendTerminal(state: TerminalText, chunk: string): TerminalText {
  let input = state.pending + chunk;
  let pending = '';
  // An escape sequence cut off at the end waits for the next chunk.
  const cut = CUT_SEQUENCE.exec(input);
  if (cut) {
    pending = cut[0];
    input = input.slice(0, cut.index);
  } else if (input.endsWith('\r')) {
    // Whether this CR starts a CR LF is known with the next chunk.
    pending = '\r';
    input = input.slice(0, -1);
  }
  input = input.replace(CSI_SEQUENCE, '').replace(OTHER_ESCAPE, '');
  let text = state.text;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\r') {
      if (input[i + 1] !== '\n') text += '\n';
      continue;
    }
    if (c === '\b') {
      if (text.length > 0 && !text.endsWith('\n')) text = text.slice(0, -1);
      continue;
    }
    if (c < ' ' && c !== '\n' && c !== '\t') continue;
    text += c;
  }
  if (text.length > TERMINAL_MAX_CHARS) {
    const cutAt = text.indexOf('\n', text.length - TERMINAL_MAX_CHARS);
    text = text.slice(cutAt >= 0 ? cutAt + 1 : text.length - TERMINAL_MAX_CHARS);
  }
  return { text, pending };
}
