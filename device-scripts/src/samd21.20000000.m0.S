@ WebProg device script: Microchip SAM D21 (reference target ATSAMD21G18A: Arduino Zero,
@ Adafruit Feather M0). CortexProg format, version-2 header. Registers and procedures: SAM D21
@ family datasheet (DS40001882), chapters NVMCTRL and DSU.
@
@ Main flash at 0: NVMCTRL PARAM gives the page count (NVMP) and size (PSZ, 64-byte pages on
@ every SAM D21). The chip erases rows of 4 pages (256 bytes); the script's erase and write
@ blocks are 4 rows (1 KiB), erased row by row (ER) and written page by page (page buffer clear
@ PBC, 16 word stores into the buffer, write page WP with ADDR set, READY polled; pages of all
@ ones are skipped): one block per 256 bytes would cost a host two script calls per row, which
@ doubles a full flash. Every BOOTPROT boot section but the 512-byte one ends on a block edge. The NVM user row (0x00804000, 256 bytes:
@ BOOTPROT, EEPROM size, BOD33, WDT, region lock bits) is a named area of one block: erase
@ auxiliary row (EAR) and write auxiliary page (WAP); it takes effect at the next reset.
@ Rows in the boot section the user row protects (BOOTPROT, where a UF2 or Arduino bootloader
@ lives) or in a locked region are refused by the chip (STATUS.LOCKE), and reported.
@ No allErase: the SAM D21's chip erase is the DSU's, reachable only from the debugger (it
@ also clears the RAM this script runs in).
@ init runs the core at 8 MHz (SYSCTRL OSC8M prescaler /1; 1 MHz after reset) so the
@ checksums run 8 times faster; the NVM needs no wait states at that clock.
@ RAM use (fits the 4 KiB of the smallest D21): image 0x20000000, staging 0x20000800 (one
@ block), FlashInfoRaw/FlashNamesRaw 0x20000C00, stack below 0x20001000, a second staging
@ buffer at 0x20001000 (one block) where RAM reaches 0x20001400 (the host checks it).
@
@ State kept between entry calls (set by samd_init):
@   R4 staging address, R5 NVMCTRL base, R8 end of main flash (exclusive)

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20000C00
    .equ WP_STACK_TOP, 0x20001000
    .equ WP_STAGING2, 0x20001000

    .equ SAMD_NVMCTRL, 0x41004000
    .equ SAMD_DSU_DID, 0x41002018
    .equ SAMD_USER_ROW, 0x00804000
    .equ SAMD_OSC8M, 0x40000820          @ SYSCTRL OSC8M
    .equ OSC8M_PRESC, 0x300
    .equ SAMD_ROW, 256
    .equ SAMD_BLOCK_SHIFT, 10
    .equ SAMD_PAGE, 64
    @ register offsets
    .equ NVM_CTRLA, 0x00
    .equ NVM_CTRLB, 0x04
    .equ NVM_PARAM, 0x08
    .equ NVM_INTFLAG, 0x14
    .equ NVM_STATUS, 0x18
    .equ NVM_ADDR, 0x1C
    @ commands with the CMDEX key 0xA5
    .equ CMD_ER, 0xA502
    .equ CMD_WP, 0xA504
    .equ CMD_EAR, 0xA505
    .equ CMD_WAP, 0xA506
    .equ CMD_PBC, 0xA544
    @ STATUS errors: PROGE 2, LOCKE 3, NVME 4
    .equ STATUS_ERRORS, 0x1C
    .equ CTRLB_MANW, 0x80
    .equ INTFLAG_ERROR, 0x02

    .include "common.S"

    wp_header samd_init, none, none, none, samd_block_erase, samd_block_write, samd_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2

@ Waits until INTFLAG.READY (bit 0) reads 1. Clobbers r3.
.macro samd_wait_ready
9:  ldrb r3, [r5, #NVM_INTFLAG]
    lsrs r3, r3, #1
    bcc 9b
.endm

@ cpuid: DSU DID is a SAM D21 (PROCESSOR 1 = Cortex-M0+, FAMILY 0, SERIES 1) and NVMCTRL PARAM
@ says 64-byte pages.
    .thumb_func
samd_cpuid:
    wp_enter
    movs r0, #0
    ldr r2, =SAMD_DSU_DID
    ldr r2, [r2]
    ldr r3, =0xFFBF0000
    ands r2, r3
    ldr r3, =0x10010000
    cmp r2, r3
    bne 1f
    ldr r2, =SAMD_NVMCTRL
    ldr r2, [r2, #NVM_PARAM]
    lsrs r2, r2, #16
    movs r3, #7
    ands r2, r3
    cmp r2, #3               @ PSZ = 3: 64-byte pages
    bne 1f
    movs r0, #1
1:  ldr r1, =WP_CPUID_KEY
    bkpt #0

@ init_stage_1: FlashInfoRaw = {2, {0, NVMP / 16 x 1 KiB}, {0x00804000, 1 x 256 B}},
@ FlashNamesRaw = {2, "Code Flash", "User Row"}. NVMP must be a multiple of 16 from 16 to 4096
@ with 64-byte pages; r0 = 0 otherwise.
    .thumb_func
samd_init:
    wp_enter
    ldr r2, =SAMD_OSC8M      @ core clock 8 MHz: OSC8M prescaler /1 (reset: /8, 1 MHz)
    ldr r3, [r2]
    ldr r1, =OSC8M_PRESC
    bics r3, r1
    str r3, [r2]
    ldr r4, =WP_STAGING
    ldr r5, =SAMD_NVMCTRL
    ldr r1, [r5, #NVM_PARAM]
    lsrs r2, r1, #16
    movs r3, #7
    ands r2, r3
    cmp r2, #3
    bne 4f
    uxth r1, r1              @ NVMP
    lsls r3, r1, #28         @ a multiple of 16 pages
    bne 4f
    lsrs r2, r1, #4          @ blocks of 1 KiB
    beq 4f
    ldr r3, =256
    cmp r2, r3
    bhi 4f
    lsls r3, r1, #6          @ NVMP x 64 bytes
    mov r8, r3
    ldr r0, =WP_INFO
    movs r3, #2
    str r3, [r0, #0]
    movs r3, #0
    str r3, [r0, #4]         @ piece 0 at 0
    lsls r2, r2, #16
    ldr r3, =0x0A0A          @ erase 1 KiB, write 1 KiB
    orrs r2, r3
    str r2, [r0, #8]
    ldr r3, =SAMD_USER_ROW
    str r3, [r0, #12]
    ldr r3, =0x00010808      @ 1 x 256 B
    str r3, [r0, #16]
    movs r1, #20
    adds r1, r1, r0          @ FlashNamesRaw
    movs r3, #2
    str r3, [r1, #0]
    movs r3, #0
    str r3, [r1, #4]
    ldr r3, =samd_name_code
    str r3, [r1, #8]
    ldr r3, =SAMD_USER_ROW
    str r3, [r1, #12]
    ldr r3, =samd_name_user
    str r3, [r1, #16]
    movs r2, #0
    bkpt #0
4:  movs r0, #0
    movs r1, #0
    movs r2, #0
    bkpt #0

@ Waits for READY, clears old errors, sets CTRLB.MANW (pages are written by command only).
@ Clobbers r2, r3. Leaf.
    .thumb_func
samd_prepare:
    samd_wait_ready
    movs r3, #STATUS_ERRORS
    strh r3, [r5, #NVM_STATUS]
    movs r3, #INTFLAG_ERROR
    strb r3, [r5, #NVM_INTFLAG]
    ldr r3, [r5, #NVM_CTRLB]
    movs r2, #CTRLB_MANW
    orrs r3, r2
    str r3, [r5, #NVM_CTRLB]
    bx lr

@ Runs command r1 (key included) on ADDR = r2 / 2 and waits for READY. Returns r3 = STATUS
@ error bits (0 = success). Leaf.
    .thumb_func
samd_command:
    lsrs r2, r2, #1
    str r2, [r5, #NVM_ADDR]
    strh r1, [r5, #NVM_CTRLA]
    samd_wait_ready
    ldrh r3, [r5, #NVM_STATUS]
    movs r2, #STATUS_ERRORS
    ands r3, r2
    bx lr

@ End of an erase or write: r3 = STATUS error bits. r0 = 1, or r0 = 0 with r1 = the bits.
    .thumb_func
samd_finish:
    mov r1, r3
    movs r0, #1
    cmp r3, #0
    beq 1f
    movs r0, #0
1:  bkpt #0

@ r0 = block address -> r1 = 0 for a row of the main array, 1 for the user row, 2 when r0
@ starts no block. Clobbers r2. Leaf.
    .thumb_func
samd_block_kind:
    ldr r2, =SAMD_USER_ROW
    movs r1, #1
    cmp r0, r2
    beq 9f
    movs r1, #2
    cmp r0, r8
    bhs 9f
    lsls r2, r0, #(32 - SAMD_BLOCK_SHIFT)
    bne 9f
    movs r1, #0
9:  bx lr

@ pageErase(r0): ER of the 4 rows of a main-array block (stopping at the first error), EAR
@ of the user row.
    .thumb_func
samd_block_erase:
    wp_enter
    bl samd_block_kind
    cmp r1, #2
    beq 3f
    mov r12, r1
    bl samd_prepare
    mov r2, r12
    cmp r2, #0
    beq 1f
    ldr r1, =CMD_EAR
    mov r2, r0
    bl samd_command
    b samd_finish
1:  movs r6, #4              @ rows left
2:  ldr r1, =CMD_ER
    mov r2, r0
    bl samd_command
    cmp r3, #0
    bne 4f
    adds r0, #SAMD_ROW / 2   @ (adds takes 8 bits: two steps of 128)
    adds r0, #SAMD_ROW / 2
    subs r6, #1
    bne 2b
4:  b samd_finish
3:  b wp_fail

@ pageWrite(r0; r1 = source when r2 = WP_SOURCE_KEY): one block (1 KiB of the main array, or
@ the 256-byte user row) from the staging buffer (or r1),
@ page by page (PBC, 16 word stores, WP or WAP), stopping at the first error; pages of all
@ ones are skipped.
    .thumb_func
samd_block_write:
    wp_enter
    wp_write_source
    bl samd_block_kind
    cmp r1, #2
    beq 5f
    ldr r7, =CMD_WP
    movs r3, #1
    lsls r3, r3, #SAMD_BLOCK_SHIFT
    cmp r1, #0
    beq 1f
    ldr r7, =CMD_WAP
    ldr r3, =SAMD_ROW
1:  adds r3, r0, r3
    mov r10, r3              @ r10 = end of the block
    bl samd_prepare
    mov r6, r9               @ r6 = source
2:  movs r1, #0              @ any word of this page not all ones?
    mvns r1, r1
    movs r2, #0
3:  ldr r3, [r6, r2]
    ands r1, r3
    adds r2, #4
    cmp r2, #SAMD_PAGE
    bne 3b
    adds r1, #1
    beq 4f                   @ erased page: nothing to write
    ldr r1, =CMD_PBC
    mov r2, r0
    bl samd_command
    cmp r3, #0
    bne samd_finish
    movs r2, #0
6:  ldr r3, [r6, r2]
    str r3, [r0, r2]         @ into the page buffer
    adds r2, #4
    cmp r2, #SAMD_PAGE
    bne 6b
    mov r1, r7
    mov r2, r0
    bl samd_command
    cmp r3, #0
    bne samd_finish
4:  adds r0, #SAMD_PAGE
    adds r6, #SAMD_PAGE
    cmp r0, r10
    bne 2b
    movs r3, #0
    b samd_finish
5:  b wp_fail

    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table
samd_name_code:
    .asciz "Code Flash"
samd_name_user:
    .asciz "User Row"

    wp_footer_begin
    wp_checkval SAMD_DSU_DID, 0xFFBF0000, 0x10010000    @ DSU DID: Cortex-M0+, SAM D, series 21
    wp_checkval 0x41004008, 0x00070000, 0x00030000      @ NVMCTRL PARAM.PSZ: 64-byte pages
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): the DSU's ROM table, JEP106 of Atmel
    @ (continuation 0, code 0x1F, JEDEC bit) and part 0xCD0; the revision varies
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x000000FF, 0x000000FF, 0x0000000F, 0x00000000
    @ values
    .word 0x00000000, 0x00000000, 0x00000000, 0x00000000
    .word 0x000000D0, 0x000000FC, 0x00000009, 0x00000000
    .word 0
    wp_footer_name "Microchip SAM D21"
