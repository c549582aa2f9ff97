/*
 * Adds up r1 words starting at r0 and stops at a breakpoint: the smallest "program in RAM,
 * run to BKPT, read the result" check. ARMv6-M; arm-none-eabi-as -mcpu=cortex-m0 -mthumb.
 *
 * In:  r0 = address of the words, r1 = count.   Out: r0 = sum, then BKPT #0x2A.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text
    .global sum_words
    .thumb_func
sum_words:
    movs  r2, #0
1:  cmp   r1, #0
    beq   2f
    ldm   r0!, {r3}
    adds  r2, r2, r3
    subs  r1, #1
    b     1b
2:  mov   r0, r2
    bkpt  #0x2A
