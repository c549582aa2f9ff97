import { describe, expect, it } from 'vitest';
import { WebProgError, type ErrorCode } from '../errors';
import { assemble } from './assembler';
import { assembleDeviceScript, flatBinary, scriptLayout } from './link';

const LOAD = 0x20000000;

function build(source: string, include?: (name: string) => string | undefined) {
  return assemble(source, {
    fileName: 'script.S',
    layout: scriptLayout(LOAD),
    syntax: 'unified',
    ...(include ? { include } : {}),
  });
}

function bytes(source: string): number[] {
  return Array.from(flatBinary(build(source), LOAD));
}

/** The error `source` fails with. */
function failure(source: string, include?: (name: string) => string | undefined): WebProgError {
  try {
    build(source, include);
  } catch (error) {
    expect(error).toBeInstanceOf(WebProgError);
    return error as WebProgError;
  }
  throw new Error('expected the source to be refused');
}

function expectFailure(source: string, code: ErrorCode, line: number, message: RegExp) {
  const error = failure(source);
  expect(error.code).toBe(code);
  expect(error.line).toBe(line);
  expect(error.file).toBe('script.S');
  expect(error.message).toMatch(message);
  expect(error.message).toContain(`script.S:${line}:`);
}

describe('assembler errors name the line and what is wrong', () => {
  it('unknown instruction', () => {
    expectFailure(
      '  .syntax unified\n  movs r0, #1\n  frob r1, r2\n',
      'ASM_UNKNOWN_INSTRUCTION',
      3,
      /unknown instruction "frob"/,
    );
  });

  it('a Thumb-2 instruction ARMv6-M lacks', () => {
    expectFailure('  cbz r0, 1f\n1:\n', 'ASM_UNKNOWN_INSTRUCTION', 1, /unknown instruction "cbz"/);
  });

  it('unknown directive', () => {
    expectFailure('\n  .frobnicate 3\n', 'ASM_UNKNOWN_INSTRUCTION', 2, /unknown directive "\.frobnicate"/);
  });

  it('immediate out of range, with the range', () => {
    expectFailure(
      '  movs r0, #256\n',
      'ASM_IMMEDIATE_RANGE',
      1,
      /immediate 256 is out of range \(0 to 255\)/,
    );
    expectFailure(
      '  ldr r0, [r1, #128]\n',
      'ASM_IMMEDIATE_RANGE',
      1,
      /out of range \(0 to 124 in steps of 4\)/,
    );
    expectFailure('  add sp, #2\n', 'ASM_IMMEDIATE_RANGE', 1, /out of range \(0 to 508 in steps of 4\)/);
    expectFailure('  lsls r0, r1, #32\n', 'ASM_IMMEDIATE_RANGE', 1, /out of range \(0 to 31\)/);
  });

  it('undefined symbol', () => {
    expectFailure('  nop\n  b nowhere\n', 'ASM_UNDEFINED_SYMBOL', 2, /undefined symbol "nowhere"/);
    expectFailure('  .word 1, missing + 4\n', 'ASM_UNDEFINED_SYMBOL', 1, /undefined symbol "missing"/);
    expectFailure('  ldr r0, =absent\n', 'ASM_UNDEFINED_SYMBOL', 1, /undefined symbol "absent"/);
    expectFailure('  beq 1f\n', 'ASM_UNDEFINED_SYMBOL', 1, /undefined symbol "1 \(local label\)"/);
    expectFailure(
      '  .rept COUNT\n  nop\n  .endr\n',
      'ASM_UNDEFINED_SYMBOL',
      1,
      /\.rept: undefined symbol "COUNT"/,
    );
  });

  it('branch out of range, with the distance', () => {
    const far = `  beq far\n  .space 300\nfar: nop\n`;
    expectFailure(
      far,
      'ASM_BRANCH_RANGE',
      1,
      /beq: branch target is out of range \(298 bytes from pc\+4; allowed -256 to 255\)/,
    );
    expectFailure('  b far\n  .space 4000\nfar: nop\n', 'ASM_BRANCH_RANGE', 1, /-2048 to 2047/);
  });

  it('bad register for the form', () => {
    expectFailure('  adds r8, r0, r1\n', 'ASM_BAD_REGISTER', 1, /adds: r8 is not allowed here, only r0-r7/);
    expectFailure('  push {r8}\n', 'ASM_BAD_REGISTER', 1, /only r0-r7 and lr/);
    expectFailure('  ands r0, r1, r2\n', 'ASM_BAD_REGISTER', 1, /destination must be the same register/);
    expectFailure('  cmp r0, pc\n', 'ASM_BAD_REGISTER', 1, /pc is not allowed/);
  });

  it('names that are also JavaScript object properties are not registers or instructions', () => {
    expectFailure('  constructor r0\n', 'ASM_UNKNOWN_INSTRUCTION', 1, /unknown instruction "constructor"/);
    expectFailure('  msr constructor, r0\n', 'ASM_BAD_REGISTER', 1, /unknown special register "constructor"/);
    expectFailure('  ldr r0, toString\n', 'ASM_UNDEFINED_SYMBOL', 1, /undefined symbol "toString"/);
  });

  it('missing include', () => {
    const error = failure('  nop\n  .include "nothere.S"\n', () => undefined);
    expect(error.code).toBe('ASM_INCLUDE_MISSING');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/\.include "nothere\.S": no such file/);
  });

  it('a misaligned PC-relative target', () => {
    expectFailure('  adr r0, odd\nodd: nop\n', 'ASM_MISALIGNED', 1, /not word-aligned/);
  });

  it('a literal pool too far away', () => {
    expectFailure(
      '  ldr r0, =0x12345678\n  .space 1100\n',
      'ASM_IMMEDIATE_RANGE',
      1,
      /ldr: target offset \d+ is out of range \(0 to 1020\)/,
    );
  });

  it('an error inside a macro names the line in the included file and the macro call', () => {
    const files: Record<string, string> = {
      'lib.S': '@ library\n.macro load_big reg\n  movs \\reg, #300\n.endm\n',
    };
    const error = failure('  .include "lib.S"\n  nop\n  load_big r1\n', (n) => files[n]);
    expect(error.code).toBe('ASM_IMMEDIATE_RANGE');
    expect(error.file).toBe('lib.S');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/lib\.S:3: movs: immediate 300 .* \(in macro load_big at script\.S:3\)/);
  });

  it('syntax errors: unbalanced blocks, bad expressions, redefinitions', () => {
    expectFailure('  nop\n  .if 1\n  nop\n', 'ASM_SYNTAX', 2, /\.if without \.endif/);
    expectFailure('  nop\n  .macro m\n  nop\n', 'ASM_SYNTAX', 2, /\.macro without \.endm/);
    expectFailure('  .endif\n', 'ASM_SYNTAX', 1, /\.endif without \.if/);
    expectFailure('  .word (1 + 2\n', 'ASM_SYNTAX', 1, /missing "\)"/);
    expectFailure('  .word 1 / 0\n', 'ASM_SYNTAX', 1, /division by zero/);
    expectFailure('a: nop\na: nop\n', 'ASM_SYNTAX', 2, /symbol "a" is already defined/);
    expectFailure('  .syntax strange\n', 'ASM_SYNTAX', 1, /\.syntax must be unified or divided/);
    expectFailure('  .error "stop here"\n', 'ASM_SYNTAX', 1, /\.error: stop here/);
  });

  it('a Thumb-2 core is refused rather than assembled with ARMv6-M choices', () => {
    expectFailure('  .cpu cortex-m3\n', 'NOT_SUPPORTED', 1, /ARMv6-M code only/);
    expect(() =>
      assembleDeviceScript('nop\n', { fileName: 'a.S', loadAddress: LOAD, cpu: 'cortex-m3' }),
    ).toThrow(/m3 \(ARMv7-M, Thumb-2\) scripts are not supported/);
  });

  it('a section the device-script link does not place', () => {
    const error = failure('  .data\n  .word 1\n');
    expect(error.code).toBe('ASM_SYNTAX');
    expect(error.message).toMatch(/section \.data is not placed/);
  });
});

describe('assembler behaviour', () => {
  it('reads pre-UAL (divided) syntax when the source names none, as gas does', () => {
    const source = '  mov r0, r1\n  add r0, #1\n  lsl r0, r1, #2\n';
    const divided = assemble(source, { fileName: 'x.S', layout: scriptLayout(LOAD) });
    // mov between low registers is adds r0, r1, #0 there
    expect(Array.from(divided.sections[0]!.bytes)).toEqual([0x08, 0x1c, 0x01, 0x30, 0x88, 0x00]);
    const refused = (() => {
      try {
        assemble('  adds r0, #1\n', { fileName: 'x.S', layout: scriptLayout(LOAD) });
      } catch (error) {
        return error as WebProgError;
      }
    })();
    expect(refused?.code).toBe('ASM_UNKNOWN_INSTRUCTION');
    expect(refused?.message).toMatch(/unified syntax; in divided syntax write it without "s"/);
  });

  it('deduplicates literal pool entries like gas and places the pool at .ltorg', () => {
    const out = bytes('  ldr r0, =0x11223344\n  ldr r1, =0x11223344\n  ldr r2, =7\n  .ltorg\n');
    // three loads, then the pool aligned to 4 at +8 with two entries
    expect(out.slice(0, 6)).toEqual([0x01, 0x48, 0x01, 0x49, 0x01, 0x4a]);
    expect(out.slice(8, 16)).toEqual([0x44, 0x33, 0x22, 0x11, 7, 0, 0, 0]);
  });

  it('sets the Thumb bit of function addresses in data, not of data labels', () => {
    const out = bytes('  .thumb_func\nf: bx lr\n  .balign 4\nd: .word f, d\n');
    expect(out.slice(4, 12)).toEqual([0x01, 0x00, 0x00, 0x20, 0x04, 0x00, 0x00, 0x20]);
  });

  it('returns symbols at their final addresses and a listing', () => {
    const result = build('  .equ K, 0x40\nstart: movs r0, #K\nnext: bl start\n');
    expect(result.symbols.get('start')).toBe(LOAD);
    expect(result.symbols.get('next')).toBe(LOAD + 2);
    expect(result.symbols.get('K')).toBe(0x40);
    expect(result.listing.map((l) => [l.line, l.address - LOAD, l.size])).toEqual([
      [2, 0, 2],
      [3, 2, 4],
    ]);
  });

  it('links a device script: footer after ALIGN(16), the name last', () => {
    const source = [
      '  .section .text, "ax", %progbits',
      'entry: nop',
      '  .section .text.2, "ax", %progbits',
      '  .word 1',
      '  .section .text.name, "a", %progbits',
      '  .ascii "Chip"',
    ].join('\n');
    const out = assembleDeviceScript(source, { fileName: 'x.S', loadAddress: LOAD });
    expect(Array.from(out)).toEqual([
      0xc0,
      0x46,
      ...new Array(14).fill(0),
      1,
      0,
      0,
      0,
      0x43,
      0x68,
      0x69,
      0x70,
    ]);
  });
});
