import { StringStream } from '@codemirror/language';
import { describe, expect, it } from 'vitest';
import { gnuArmAsm } from './asm-mode';

/** The tokens of `lines` as [text, style] pairs (whitespace left out). */
function tokens(...lines: string[]): [string, string | null][] {
  const state = gnuArmAsm.startState!(2);
  const out: [string, string | null][] = [];
  for (const line of lines) {
    const stream = new StringStream(line, 2, 2);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = gnuArmAsm.token(stream, state);
      const text = stream.current();
      if (text.trim()) out.push([text, style]);
    }
  }
  return out;
}

describe('GNU ARM assembly mode', () => {
  it('tells labels, mnemonics, registers, numbers and comments apart', () => {
    expect(tokens('loop:  ldr r3, [r5, #0x0C]   @ status')).toEqual([
      ['loop:', 'labelName'],
      ['ldr', 'keyword'],
      ['r3', 'variableName.definition'],
      [',', 'operator'],
      ['[', 'bracket'],
      ['r5', 'variableName.definition'],
      [',', 'operator'],
      ['#', 'number'],
      ['0x0C', 'number'],
      [']', 'bracket'],
      ['@ status', 'comment'],
    ]);
  });

  it('knows directives, strings, local labels, macro arguments and block comments', () => {
    expect(tokens('    .equ KEY1, 0x45670123')).toEqual([
      ['.equ', 'meta'],
      ['KEY1', 'variableName'],
      [',', 'operator'],
      ['0x45670123', 'number'],
    ]);
    expect(tokens('1:  bcs 1b')).toEqual([
      ['1:', 'labelName'],
      ['bcs', 'keyword'],
      ['1b', 'number'],
    ]);
    expect(tokens('    .ascii "WPS2"', '    bl \\entry')).toEqual([
      ['.ascii', 'meta'],
      ['"WPS2"', 'string'],
      ['bl', 'keyword'],
      ['\\entry', 'variableName.special'],
    ]);
    expect(tokens('/* a', 'b */ movs r0, #1')).toEqual([
      ['/* a', 'comment'],
      ['b */', 'comment'],
      ['movs', 'keyword'],
      ['r0', 'variableName.definition'],
      [',', 'operator'],
      ['#', 'number'],
      ['1', 'number'],
    ]);
  });
});
