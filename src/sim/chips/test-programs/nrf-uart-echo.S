/*
 * A whole firmware for the micro:bit's nRF51822 / nRF52833 (flashed at 0, started by reset):
 * sets up UART0 at 115200 baud on the pins the board wires to its interface chip (V1: TX
 * P0.24, RX P0.25; V2: TX P0.06, RX P1.08, picked by the core's CPUID), prints a banner, then
 * echoes every byte it receives. Polls EVENTS_RXDRDY / EVENTS_TXDRDY (no interrupts).
 * ARMv6-M, so it runs on both cores; arm-none-eabi-as -mcpu=cortex-m0 -mthumb.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text
vectors:
    .word 0x20004000              @ initial SP: top of the smallest RAM (16 KiB, nRF51822 QFAA)
    .word (reset - vectors) + 1   @ Reset
    .word (hang - vectors) + 1    @ NMI
    .word (hang - vectors) + 1    @ HardFault

    .thumb_func
reset:
    ldr   r4, =0x40002000         @ UART0
    ldr   r0, =0xe000ed00         @ SCB CPUID
    ldr   r0, [r0]
    lsls  r0, r0, #16
    lsrs  r0, r0, #20             @ PARTNO: 0xC20 Cortex-M0 (nRF51), 0xC24 Cortex-M4 (nRF52)
    ldr   r1, =0xc24
    cmp   r0, r1
    bne   1f
    movs  r2, #6                  @ V2: TX P0.06
    movs  r3, #40                 @     RX P1.08
    b     2f
1:  movs  r2, #24                 @ V1: TX P0.24
    movs  r3, #25                 @     RX P0.25
2:  ldr   r5, =0x50c
    str   r2, [r4, r5]            @ PSEL.TXD
    ldr   r5, =0x514
    str   r3, [r4, r5]            @ PSEL.RXD
    ldr   r5, =0x524
    ldr   r0, =0x01d7e000
    str   r0, [r4, r5]            @ BAUDRATE = Baud115200
    ldr   r5, =0x500
    movs  r0, #4
    str   r0, [r4, r5]            @ ENABLE = UART
    movs  r0, #1
    str   r0, [r4, #0]            @ TASKS_STARTRX
    str   r0, [r4, #8]            @ TASKS_STARTTX
    adr   r6, banner
print:
    ldrb  r0, [r6]
    cmp   r0, #0
    beq   echo
    bl    putc
    adds  r6, #1
    b     print
echo:
    ldr   r5, =0x108              @ EVENTS_RXDRDY
3:  ldr   r0, [r4, r5]
    cmp   r0, #0
    beq   3b
    movs  r0, #0
    str   r0, [r4, r5]
    ldr   r5, =0x518
    ldr   r0, [r4, r5]            @ RXD
    bl    putc
    b     echo

    .thumb_func
putc:                             @ sends r0, waits for TXDRDY; uses r1, r2
    ldr   r1, =0x51c
    str   r0, [r4, r1]            @ TXD
    ldr   r1, =0x11c              @ EVENTS_TXDRDY
4:  ldr   r2, [r4, r1]
    cmp   r2, #0
    beq   4b
    movs  r2, #0
    str   r2, [r4, r1]
    bx    lr

    .thumb_func
hang:
    b     hang

    .align 2
banner:
    .asciz "WebProg UART echo\r\n"
    .align 2
    .ltorg
