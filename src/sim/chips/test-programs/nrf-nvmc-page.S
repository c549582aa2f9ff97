/*
 * Erases one flash page through the Nordic NVMC and programs it from RAM (nRF51 and nRF52).
 * ARMv6-M; assemble with: arm-none-eabi-as -mcpu=cortex-m0 -mthumb, then objcopy -O binary.
 * Position independent: load it anywhere in RAM and set PC to its start.
 *
 * In:  r0 = page address, r1 = source address, r2 = number of words,
 *      r3 = CONFIG value while programming (1 = write enable; 0 shows what happens without).
 * Out: r0 = 0, then BKPT #0 (PC stops at the BKPT).
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text
    .global erase_and_program
    .thumb_func
erase_and_program:
    ldr   r4, =0x4001E000       @ NVMC
    ldr   r5, =0x504            @ CONFIG
    ldr   r6, =0x400            @ READY
    movs  r7, #2
    str   r7, [r4, r5]          @ CONFIG = erase enable
    ldr   r7, =0x508
    str   r0, [r4, r7]          @ ERASEPAGE = page address
1:  ldr   r7, [r4, r6]          @ wait for READY
    cmp   r7, #0
    beq   1b
    str   r3, [r4, r5]          @ CONFIG = r3
2:  cmp   r2, #0
    beq   4f
    ldr   r7, [r1]
    str   r7, [r0]              @ program one word
3:  ldr   r7, [r4, r6]          @ wait for READY
    cmp   r7, #0
    beq   3b
    adds  r0, #4
    adds  r1, #4
    subs  r2, #1
    b     2b
4:  movs  r7, #0
    str   r7, [r4, r5]          @ CONFIG = read only
    movs  r0, #0
    bkpt  #0
    .ltorg
