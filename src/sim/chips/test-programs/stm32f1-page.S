/*
 * Erases one STM32F1 flash page and programs half-words into it from RAM, the sequence of ST
 * PM0075 §2.3 (unlock with KEYR, PER + AR + STRT, wait for BSY; PG, one half-word store, wait
 * for BSY, ...). ARMv6-M; assemble with: arm-none-eabi-as -mcpu=cortex-m0 -mthumb, then
 * objcopy -O binary. Position independent: load it anywhere in RAM and set PC to its start.
 *
 * In:  r0 = page address, r1 = destination address, r2 = source address, r3 = half-word count,
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
    ldr   r5, =0x40022000       @ FLASH
    ldr   r6, =0x45670123
    str   r6, [r5, #4]          @ KEYR = KEY1
    ldr   r6, =0xCDEF89AB
    str   r6, [r5, #4]          @ KEYR = KEY2: FPEC unlocked
    movs  r6, #0x02             @ PER
    str   r6, [r5, #0x10]
    str   r0, [r5, #0x14]       @ AR = page
    movs  r6, #0x42             @ PER | STRT
    str   r6, [r5, #0x10]
1:  ldr   r7, [r5, #0x0C]       @ wait while SR.BSY
    lsrs  r7, r7, #1
    bcs   1b
    str   r4, [r5, #0x10]       @ CR = PG if asked (PER cleared)
2:  cmp   r3, #0
    beq   4f
    ldrh  r7, [r2]
    strh  r7, [r1]              @ program one half-word
3:  ldr   r7, [r5, #0x0C]       @ wait while SR.BSY
    lsrs  r7, r7, #1
    bcs   3b
    adds  r1, #2
    adds  r2, #2
    subs  r3, #1
    b     2b
4:  movs  r6, #0x80
    str   r6, [r5, #0x10]       @ CR = LOCK
    ldr   r0, [r5, #0x0C]       @ r0 = SR
    bkpt  #0
    .ltorg
