import { describe, expect, it } from 'vitest';
import { appendTerminal, TERMINAL_MAX_CHARS, type TerminalText } from './terminal-text';

const feed = (...chunks: string[]): string => {
  let state: TerminalText = { text: '', pending: '' };
  for (const c of chunks) state = appendTerminal(state, c);
  return state.text;
};

describe('terminal text', () => {
  it('ends lines at CR LF, LF and a lone CR, also split across chunks', () => {
    expect(feed('>>> print(1)\r\n1\r\n>>> ')).toBe('>>> print(1)\n1\n>>> ');
    expect(feed('a\r', '\nb\r', 'c\n')).toBe('a\nb\nc\n');
  });

  it('applies the REPL backspace echo', () => {
    expect(feed('>>> prin', '\b \b', 't')).toBe('>>> prit');
  });

  it('leaves out escape sequences, also split across chunks', () => {
    expect(feed('abc\x1b[', 'K', 'def\x1b[2D')).toBe('abcdef');
  });

  it('keeps the newest text when it grows too long', () => {
    const line = 'x'.repeat(99) + '\n';
    const text = feed(line.repeat(2 * (TERMINAL_MAX_CHARS / 100)));
    expect(text.length).toBeLessThanOrEqual(TERMINAL_MAX_CHARS);
    expect(text.startsWith('x')).toBe(true);
  });
});
