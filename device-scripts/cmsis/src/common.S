@ Shared parts of WebProg's own CMSIS flash algorithms (ARMv6-M Thumb, position independent).
@ The calling convention is CMSIS-Pack's "Flash Programming Algorithms": arguments in r0-r3,
@ result in r0 (0 = success), r9 = static base (the PrgData section), return with bx lr.
@
@ State in PrgData (through r9): word 0 = the function code Init was called with (1 erase,
@ 2 program, 3 verify), 0 after UnInit. ProgramPage refuses (returns 1) unless Init(2) came
@ first, which also checks the host set r9 to the static base.

    .syntax unified
    .thumb

    .equ FNC_PROGRAM, 2

@ Declares a global Thumb function in PrgCode.
.macro algo_function name
    .section PrgCode, "ax"
    .globl \name
    .type \name, %function
    .thumb_func
\name:
.endm

@ Keeps Init's function code (r2) in the static data. Clobbers r3.
.macro algo_keep_fnc
    mov r3, r9
    str r2, [r3]
.endm

@ Returns 1 from the function unless Init(FNC_PROGRAM) is active. Clobbers r3.
.macro algo_require_program
    mov r3, r9
    ldr r3, [r3]
    cmp r3, #FNC_PROGRAM
    beq 8f
    movs r0, #1
    bx lr
8:
.endm

@ The static data and the shared functions: Verify(adr, sz, buf) returns adr + sz when the
@ flash equals the buffer, else the address of the first differing byte; BlankCheck(adr, sz,
@ pat) returns 0 when every byte equals pat, else 1.
.macro algo_common
    .section PrgData, "aw"
    .balign 4
algo_state:
    .word 0

    algo_function Verify
    push {r4, lr}
    adds r1, r0, r1          @ r1 = end
1:  cmp r0, r1
    beq 2f
    ldrb r3, [r0]
    ldrb r4, [r2]
    cmp r3, r4
    bne 2f
    adds r0, #1
    adds r2, #1
    b 1b
2:  pop {r4, pc}

    algo_function BlankCheck
    uxtb r2, r2
    adds r1, r0, r1          @ r1 = end
1:  cmp r0, r1
    beq 3f
    ldrb r3, [r0]
    cmp r3, r2
    bne 2f
    adds r0, #1
    b 1b
2:  movs r0, #1
    bx lr
3:  movs r0, #0
    bx lr
.endm

@ struct FlashDevice (FlashOS.h) in section DevDscr: version 1.01, on-chip flash.
.macro algo_device name, start, size, page, erased, to_prog, to_erase
    .section DevDscr, "a"
    .balign 4
    .globl FlashDevice
    .type FlashDevice, %object
FlashDevice:
    .short 0x0101            @ Vers
1:  .ascii "\name"
    .space 128 - (. - 1b)    @ DevName[128], zero-padded
    .short 1                 @ DevType: ONCHIP
    .word \start             @ DevAdr
    .word \size              @ szDev
    .word \page              @ szPage
    .word 0                  @ Res
    .byte \erased            @ valEmpty
    .space 3
    .word \to_prog           @ toProg (ms)
    .word \to_erase          @ toErase (ms)
.endm

@ One FlashSectors entry: sector size and its start as an offset from DevAdr.
.macro algo_sectors size, offset
    .word \size, \offset
.endm

@ The SECTOR_END marker.
.macro algo_sectors_end
    .word 0xFFFFFFFF, 0xFFFFFFFF
.endm
