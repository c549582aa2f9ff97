/*
 * Erases one STM32F4 flash sector and programs words into it from RAM (×32 parallelism).
 * ARMv6-M; assemble with: arm-none-eabi-as -mcpu=cortex-m0 -mthumb, then objcopy -O binary.
 * Position independent: load it anywhere in RAM and set PC to its start.
 *
 * In:  r0 = sector number, r1 = destination address, r2 = source address, r3 = word count,
 *      r4 = 1 to set CR.PG before programming (0 shows what happens without it).
 * Out: r0 = FLASH_SR after the last operation, then BKPT #0.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text
    .global erase_and_program
    .thumb_func
erase_and_program:
    ldr   r5, =0x40023C00       @ FLASH
    ldr   r6, =0x45670123
    str   r6, [r5, #4]          @ KEYR = KEY1
    ldr   r6, =0xCDEF89AB
    str   r6, [r5, #4]          @ KEYR = KEY2: CR unlocked
    lsls  r6, r0, #3            @ SNB
    ldr   r7, =0x202            @ PSIZE x32 | SER
    orrs  r6, r7
    str   r6, [r5, #0x10]
    ldr   r7, =0x10000          @ STRT
    orrs  r6, r7
    str   r6, [r5, #0x10]
1:  ldr   r7, [r5, #0x0C]       @ wait while SR.BSY
    lsrs  r7, r7, #17
    bcs   1b
    ldr   r6, =0x200            @ PSIZE x32
    orrs  r6, r4                @ | PG if asked
    str   r6, [r5, #0x10]
2:  cmp   r3, #0
    beq   4f
    ldr   r7, [r2]
    str   r7, [r1]              @ program one word
3:  ldr   r7, [r5, #0x0C]       @ wait while SR.BSY
    lsrs  r7, r7, #17
    bcs   3b
    adds  r1, #4
    adds  r2, #4
    subs  r3, #1
    b     2b
4:  ldr   r6, =0x80000000
    str   r6, [r5, #0x10]       @ CR = LOCK
    ldr   r0, [r5, #0x0C]       @ r0 = SR
    bkpt  #0
    .ltorg
