import { describe, expect, it } from 'vitest';
import { binutilsBuild, requireBinutils } from '../../../device-scripts/binutils';
import { assemble } from './assembler';
import { flatBinary, scriptLayout } from './link';

const LOAD = 0x20000000;

/** A hex dump, 16 bytes a row, so a difference shows where it is. */
function rows(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 16)
    out.push(
      `${i.toString(16).padStart(4, '0')}: ${Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  return out;
}

/** Sources exercising directives, expressions and the link, each compared with binutils. */
const CASES: Record<string, string> = {
  'expression precedence and operators': `
    .syntax unified
    .thumb
    .word 1 + 2 * 3, (1 + 2) * 3, 1 << 2 + 1, 1 | 2 + 4, 6 & 3 << 1, 7 ^ 1 - 1
    .word 10 / 3, -10 / 3, 10 % 3, -10 % 3, ~0, -1 >> 28, 0x80000000 >> 31
    .word 1 == 1, 1 != 1, 1 < 2, 2 <= 1, 3 > 2, 3 >= 4, 1 <> 2, 1 && 0, 0 || 2, !0, !5, 3 ! 1
    .word 'A', 'a' + 1, 0b1011, 017, 0x7fffffff + 1, -(-5), +4
    .short 0xffff, -1, 'Z'
    .hword 0x1234
    .2byte 7
    .byte 255, -1, 0x7f, 1+1
    .4byte 0xdeadbeef
    .long 1, 2
    .int 3
  `,
  'symbols, .set/.equ/=, forward references': `
    .syntax unified
    .thumb
    .equ A, 5
    .set B, A * 2
    C = B + 1
    .word A, B, C, D, later - start, . - start
    .set B, 100
    .word B
    .equ D, 0x1000
start:
    nop
    .word start, later, later + 3
later:
    .word end - start
end:
  `,
  'strings and space': `
    .syntax unified
    .thumb
    .ascii "abc", "d\\n\\t\\\\\\"\\101\\x42"
    .asciz "z"
    .string "yy", "x"
    .space 3
    .space 2, 0xab
    .skip 1
    .zero 2
    .fill 3, 2, 0x1234
    .fill 2, 1, 0x5
    .fill 1, 4, 0x11223344
    .byte 1
  `,
  'alignment: code fill, data fill, max skip': `
    .syntax unified
    .thumb
    .byte 1
    .align 2
    .byte 2
    .balign 8
    movs r0, #1
    .balign 16, 0xee
    .byte 3
    .p2align 3
    .byte 4
    .balign 8, 0, 3
    .byte 5
    .balign 8, 0xaa, 7
    .align
    nop
    .section .text.2, "ax", %progbits
    .byte 9
    .balign 4
    .byte 8
  `,
  'macros, .rept, .irp, .irpc, conditionals': `
    .syntax unified
    .thumb
    .macro m a, b=7, c:vararg
    .word \\a, \\b
    .ifnb \\c
    .word \\c
    .endif
    .endm
    .macro counted
    .word \\@
    .endm
    m 1
    m 2, 3
    m 4, 5, 6, 7
    m b=9, a=8
    counted
    counted
    .rept 3
    .byte 0xaa
    .endr
    .irp r, r0, r1, r7
    movs \\r, #1
    .endr
    .irpc ch, 123
    .byte \\ch
    .endr
    .if 1
    .byte 1
    .elseif 1
    .byte 2
    .else
    .byte 3
    .endif
    .if 0
    .byte 4
    .elseif 2 > 1
    .byte 5
    .else
    .byte 6
    .endif
    .ifdef m_undefined
    .byte 7
    .else
    .byte 8
    .endif
    .ifndef QQ
    .byte 9
    .endif
    .ifc abc,abc
    .byte 10
    .endif
    .ifnc abc,abd
    .byte 11
    .endif
    .ifeq 0
    .byte 12
    .endif
    .ifgt 1
    .byte 13
    .endif
    .iflt -1
    .byte 14
    .endif
    .macro early x
    .if \\x > 1
    .byte 20
    .exitm
    .endif
    .byte 21
    .endm
    early 2
    early 0
    .balign 2
  `,
  'local labels, branches, Thumb function bit, literal pools': `
    .syntax unified
    .thumb
    .section .text, "ax", %progbits
    .globl entry
    .thumb_func
entry:
    ldr r0, =0x12345678
    ldr r1, =entry
    ldr r2, =data
    ldr r3, =0x12345678
    ldr r4, =data + 4
    ldr r5, =func
1:  subs r0, #1
    bne 1b
    b 1f
    nop
1:  beq 1b
    bl func
    b entry
    .ltorg
2:  ldr r0, =0xcafef00d
    ldr r1, [pc, #0]
    adr r2, data
    ldr r3, data
    b 2b
    .type func, %function
func:
    bx lr
    .balign 4
data:
    .word entry, func, data, func + 2, func - entry, 2b, 1b
    .section .text.2, "ax", %progbits
    .word entry, data
    ldr r0, =0x55
    .section .text.name, "a", %progbits
    .ascii "name"
  `,
  'literal pool deduplication of constants (gas compares value and signedness)': `
    .syntax unified
    .thumb
    .equ K, 0x10
    ldr r0, =15
    ldr r1, =0x10 - 1
    ldr r2, =K - 1
    ldr r3, =-1
    ldr r4, =~0
    ldr r5, =0xffffffff
    ldr r6, =1 << 4
    ldr r7, =16
    ldr r0, =-(-16)
    ldr r1, =LATER
    ldr r2, =LATER
    ldr r3, =0x20
    .equ LATER, 0x20
  `,
  'register aliases and raw instructions': `
    .syntax unified
    .thumb
count .req r4
ptr .req r1
    movs count, #3
    ldr r0, [ptr, #4]
    adds COUNT, ptr
    .unreq count
    .inst.n 0xbf00
    .inst.w 0xf3af8000
    .inst 0x4770
    .inst 0xf000f800
  `,
  'semicolons, comments, labels on their own': `
    .syntax unified
    .thumb
    /* a block
       comment */ movs r0, #1 ; movs r1, #2 @ comment
# a line comment
a: b: movs r2, #3
c:
    .word a, b, c ; .byte 1 /* inline */ ; .byte 2
    .balign 4
  `,
};

describe('directives and expressions against GNU binutils', () => {
  for (const [name, source] of Object.entries(CASES)) {
    it(name, () => {
      requireBinutils();
      const gas = binutilsBuild(source);
      if (!gas.ok) throw new Error(gas.output);
      const ours = flatBinary(assemble(source, { fileName: 'in.S', layout: scriptLayout(LOAD) }), LOAD);
      expect(rows(ours)).toEqual(rows(gas.bytes));
    });
  }
});
