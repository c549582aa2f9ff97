@ Shared parts of WebProg's device scripts: the header (CortexProg layout plus our version-2
@ extension), entry/exit helpers, and the two version-2 functions block_checksum and
@ blank_check. ARMv6-M Thumb only (assembled with -mcpu=cortex-m0), so every script runs on
@ every Cortex-M core, including the simulator's.
@
@ The including script defines, before `.include "common.S"`:
@   WP_STACK_TOP  initial SP, set by every entry point (inside the script's RAM area)
@
@ Register use across entry calls (the host leaves R4-R11 and SP alone between calls):
@   R4-R8 hold per-script state set by init_stage_1; R0-R3, R9-R12 are scratch.

    .syntax unified
    .cpu cortex-m0
    .thumb

@ "WPS2" read as a little-endian word: marks a version-2 header (see README.md).
    .equ WP_V2_MAGIC, 0x32535057
@ cpuid must leave this key in R1 (CortexProg convention).
    .equ WP_CPUID_KEY, 0xACEFACE5
@ "WPB2" read as a little-endian word: marks the second staging buffer's address at 0x30.
    .equ WP_BUFFERS_MAGIC, 0x32425057
@ pageWrite reads its data from R1 (not the staging buffer) only when R2 holds this key
@ ("WPSR"), so a CortexProg host that leaves R1/R2 undefined still gets the staging buffer.
    .equ WP_SOURCE_KEY, 0x52535057

@ One header slot: a 4-byte `bl` to the entry, or the word 0 when `entry` is `none`.
.macro wp_slot entry
    .ifc \entry,none
    .word 0
    .else
    bl \entry
    .endif
.endm

@ The header at offset 0: syscall spin loop, the 7 CortexProg slots (0x04-0x1C), then our
@ version-2 extension: magic "WPS2" at 0x20, block_checksum at 0x24, blank_check at 0x28,
@ magic "WPB2" at 0x2C and the second staging buffer's address at 0x30 (double buffering).
.macro wp_header init1, init2, init3, allErase, pageErase, pageWrite, cpuid, blockChecksum, blankCheck, staging2
    .section .text, "ax", %progbits
    .globl entrypts
    .thumb_func
entrypts:
wp_syscall:
    nop
    b wp_syscall
    wp_slot \init1
    wp_slot \init2
    wp_slot \init3
    wp_slot \allErase
    wp_slot \pageErase
    wp_slot \pageWrite
    wp_slot \cpuid
    .ascii "WPS2"
    wp_slot \blockChecksum
    wp_slot \blankCheck
    .ascii "WPB2"
    .word \staging2
.endm

@ pageWrite's data source: R1 when R2 = WP_SOURCE_KEY, else the staging buffer in R4. Leaves it
@ in R9 (scratch between calls). Clobbers r3.
.macro wp_write_source
    ldr r3, =WP_SOURCE_KEY
    cmp r2, r3
    beq 8f
    mov r1, r4
8:  mov r9, r1
.endm

@ First thing of every entry point: a known stack, whatever the host left in SP (the host runs
@ cpuid before any init, and the ABI does not promise SP before init). Clobbers r3.
.macro wp_enter
    ldr r3, =WP_STACK_TOP
    mov sp, r3
.endm

@ Shared exits: R0 = 1 (success) or 0 (failure), then stop at a BKPT for the host.
.macro wp_exits
    .thumb_func
wp_ok:
    movs r0, #1
    bkpt #0
    .thumb_func
wp_fail:
    movs r0, #0
    bkpt #0
.endm

@ block_checksum(r0 = address, r1 = length, r2 = count, r3 = out) -> r0 = 1, r1 = CRC-32/ISO-HDLC
@ (zlib's crc32). With r2 = 0 (the plain form) it checksums the `length` bytes at `address`.
@ With r2 = n > 0 it checksums n consecutive blocks of `length` bytes and stores each CRC as a
@ word at `out` (when out is not 0), so a host gets every block's CRC in one call; r1 is then
@ the last block's CRC. Sarwate's table-driven CRC (D. V. Sarwate, "Computation of cyclic
@ redundancy checks via table look-up", CACM 31(8), 1988) with a 256-entry table, a word at a
@ time where aligned (≈ 7 cycles a byte on an M0 instead of ≈ 20 with the nibble table).
@ R4-R8 are preserved (scripts keep their state there between calls).
.macro wp_block_checksum_function
    .thumb_func
wp_block_checksum:
    mov r12, r3              @ r12 = out (before wp_enter clobbers r3)
    wp_enter
    push {r4, r5, r6, r7}
    mov r4, r8
    push {r4}
    mov r8, r1               @ r8 = block length
    movs r7, r2              @ r7 = block count
    bne 3f
    movs r7, #1              @ plain form: one block, nothing stored
    movs r2, #0
    mov r12, r2
3:  ldr r2, =wp_crc_table256
4:  mov r1, r8
    adds r1, r0, r1          @ r1 = end (compared for equality, so wrap-around at 4 GiB works)
    movs r3, #0
    mvns r3, r3              @ crc = 0xFFFFFFFF
1:  cmp r0, r1               @ leading bytes until the address is word-aligned
    beq 2f
    lsls r4, r0, #30
    beq 6f
    bl wp_crc_byte
    b 1b
6:  subs r4, r1, r0          @ whole words while at least 4 bytes remain
    cmp r4, #4
    blo 7f
    ldr r4, [r0]
    adds r0, #4
    eors r3, r4              @ the reflected CRC takes the word's bytes low first
    uxtb r5, r3
    lsls r5, r5, #2
    ldr r5, [r2, r5]
    lsrs r3, r3, #8
    eors r3, r5
    uxtb r5, r3
    lsls r5, r5, #2
    ldr r5, [r2, r5]
    lsrs r3, r3, #8
    eors r3, r5
    uxtb r5, r3
    lsls r5, r5, #2
    ldr r5, [r2, r5]
    lsrs r3, r3, #8
    eors r3, r5
    uxtb r5, r3
    lsls r5, r5, #2
    ldr r5, [r2, r5]
    lsrs r3, r3, #8
    eors r3, r5
    b 6b
7:  cmp r0, r1               @ trailing bytes
    beq 2f
    bl wp_crc_byte
    b 7b
2:  mvns r3, r3              @ final xor
    mov r5, r12
    cmp r5, #0
    beq 5f
    str r3, [r5]
    adds r5, #4
    mov r12, r5
5:  subs r7, #1
    bne 4b
    mov r1, r3
    pop {r4}
    mov r8, r4
    pop {r4, r5, r6, r7}
    movs r0, #1
    bkpt #0

@ One byte at r0 (r0 advances) into the CRC in r3, table in r2. Clobbers r4, r5. Leaf.
    .thumb_func
wp_crc_byte:
    ldrb r4, [r0]
    adds r0, #1
    eors r4, r3
    uxtb r4, r4
    lsls r4, r4, #2
    ldr r4, [r2, r4]
    lsrs r3, r3, #8
    eors r3, r4
    bx lr
.endm

@ blank_check(r0 = address, r1 = length) -> r0 = 1 when every byte is 0xFF; otherwise r0 = 0 and
@ r1 = the first address that is not 0xFF. Bytes until aligned, then words, then bytes.
.macro wp_blank_check_function
    .thumb_func
wp_blank_check:
    wp_enter
    adds r1, r0, r1          @ r1 = end
1:  cmp r0, r1               @ leading bytes until word-aligned
    beq 5f
    lsls r2, r0, #30
    beq 2f
    ldrb r2, [r0]
    cmp r2, #0xFF
    bne 4f
    adds r0, #1
    b 1b
2:  subs r3, r1, r0          @ whole words
    cmp r3, #4
    blo 3f
    ldr r2, [r0]
    adds r2, #1              @ 0xFFFFFFFF + 1 = 0
    bne 3f                   @ a byte in this word is not blank: find it byte by byte
    adds r0, #4
    b 2b
3:  cmp r0, r1               @ remaining bytes
    beq 5f
    ldrb r2, [r0]
    cmp r2, #0xFF
    bne 4f
    adds r0, #1
    b 3b
4:  mov r1, r0
    movs r0, #0
    bkpt #0
5:  movs r0, #1
    movs r1, #0
    bkpt #0
.endm

@ The 256-entry CRC-32 table (Sarwate): entry i = CRC of the byte i (reflected 0xEDB88320),
@ computed by the assembler.
.macro wp_crc_table
    .balign 4
wp_crc_table256:
    .set wp_i, 0
    .rept 256
    .set wp_c, wp_i
    .rept 8
    .set wp_c, ((wp_c >> 1) ^ (0xEDB88320 & -(wp_c & 1)))
    .endr
    .word wp_c
    .set wp_i, wp_i + 1
    .endr
.endm

@ Starts the footer (not uploaded): the check values follow, each `wp_checkval addr, mask, value`.
.macro wp_footer_begin
    .section .text.2, "ax", %progbits
    .balign 4
wp_checks_begin:
.endm

@ One check value: the host reads the word at `addr` and requires (word & mask) == value.
.macro wp_checkval addr, mask, value
    .word \addr, \mask, \value
.endm

@ The fixed footer fields after the check values: load and staging addresses, the number of
@ check values, and targetid (0). The 8 PID masks, 8 PID values and the zero word follow in
@ the script, then `wp_footer_name`.
.macro wp_footer_fixed load, staging
wp_checks_end:
    .word \load
    .word \staging
    .word (wp_checks_end - wp_checks_begin) / 12
    .word 0
.endm

@ The family name ends the file. It goes in a section of its own with byte alignment, because
@ the assembler pads a code section's size to its alignment and the name must be the very last
@ bytes (the host finds it by scanning back to the footer's zero word).
.macro wp_footer_name name
    .section .text.name, "a", %progbits
    .ascii "\name"
.endm
