@ WebProg's on-chip CRC-32 routine for CMSIS flash algorithms without a Verify function: loaded
@ beside the algorithm and called with the same convention (r0 = address, r1 = length; returns
@ r0 = CRC-32/ISO-HDLC of the bytes: reflected polynomial 0xEDB88320, initial value and final
@ xor 0xFFFFFFFF). Position independent, ARMv6-M, table-driven (one byte per table lookup).
    .syntax unified
    .thumb
    .section PrgCode, "ax"
    .globl Crc32
    .type Crc32, %function
    .thumb_func
Crc32:
    push {r4, lr}
    adds r1, r0, r1          @ r1 = end
    adr r2, crc_table
    movs r3, #0
    mvns r3, r3              @ crc = 0xFFFFFFFF
1:  cmp r0, r1
    beq 2f
    ldrb r4, [r0]
    adds r0, #1
    eors r4, r3
    uxtb r4, r4
    lsls r4, r4, #2
    ldr r4, [r2, r4]
    lsrs r3, r3, #8
    eors r3, r4
    b 1b
2:  mvns r0, r3              @ final xor
    pop {r4, pc}

    .balign 4
crc_table:
    .set crc_i, 0
    .rept 256
    .set crc_c, crc_i
    .rept 8
    .set crc_c, ((crc_c >> 1) ^ (0xEDB88320 & -(crc_c & 1)))
    .endr
    .word crc_c
    .set crc_i, crc_i + 1
    .endr
