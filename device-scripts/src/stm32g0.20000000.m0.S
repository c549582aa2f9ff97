@ WebProg device script: STM32G0 single-bank parts (G031/G041, G051/G061, G070/G071/G081;
@ reference target STM32G071RB). CortexProg format, version-2 header. Registers and
@ procedures: ST RM0444 (STM32G0x1) / RM0454 (STM32G0x0), chapter "Embedded Flash memory".
@
@ Main flash: 2 KiB pages at 0x08000000 up to the size in the flash-size register (KiB, u16
@ at 0x1FFF75E0), 64 bits (two word stores) per program operation (the array stores 64 data +
@ 8 ECC bits, so a double word is programmed once, whole). The script's erase and write blocks
@ are 2 pages (4 KiB): a host's fixed cost per script call then weighs half as much against
@ the 22 ms a page takes to program.
@ Option bytes: the 128-byte option area at 0x1FFF7800, a named area of one block; writing it
@ loads the value words (OPTR, PCROP1A start/end, WRP1A, WRP1B, PCROP1B start/end, SECR) into
@ the FLASH option registers and starts OPTSTRT; they take effect at the next reset. Erasing
@ it does nothing (the option bytes are only ever replaced as a whole). A write that asks for
@ RDP level 2 (0xCC, irreversible) is refused.
@ RAM use (fits the 8 KiB of the smallest G0): image 0x20000000, staging 0x20000800 (one
@ block), FlashInfoRaw/FlashNamesRaw 0x20001800, stack below 0x20002000, a second staging
@ buffer at 0x20002000 (one block) where RAM reaches 0x20003000 (the host checks it).
@
@ State kept between entry calls (set by g0_init):
@   R4 staging address, R5 FLASH register base, R8 end of main flash (exclusive)

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20001800
    .equ WP_STACK_TOP, 0x20002000
    .equ WP_STAGING2, 0x20002000

    .equ G0_FLASH_START, 0x08000000
    .equ G0_PAGE_SHIFT, 11
    .equ G0_BLOCK_SHIFT, 12
    .equ G0_FLASH_SIZE_KIB, 0x1FFF75E0
    .equ G0_DBG_IDCODE, 0x40015800
    .equ G0_OPTION_AREA, 0x1FFF7800
    .equ G0_FLASH, 0x40022000
    @ register offsets
    .equ FLASH_KEYR, 0x08
    .equ FLASH_OPTKEYR, 0x0C
    .equ FLASH_SR, 0x10
    .equ FLASH_CR, 0x14
    .equ FLASH_OPTR, 0x20
    .equ FLASH_SECR, 0x80
    @ CR bits
    .equ CR_PG, 1 << 0
    .equ CR_PER, 1 << 1
    .equ CR_MER1, 1 << 2
    .equ CR_PNB_SHIFT, 3
    .equ CR_STRT, 1 << 16
    .equ CR_OPTSTRT, 1 << 17
    .equ CR_LOCKS, 0xC0000000            @ LOCK and OPTLOCK
    @ SR: OPERR 1, PROGERR 3, WRPERR 4, PGAERR 5, SIZERR 6, PGSERR 7, MISSERR 8, FASTERR 9;
    @ cleared (write 1) with EOP 0, RDERR 14, OPTVERR 15
    .equ SR_ERRORS, 0x03FA
    .equ SR_CLEAR, 0xC3FB
    .equ KEY1, 0x45670123
    .equ KEY2, 0xCDEF89AB
    .equ OPTKEY1, 0x08192A3B
    .equ OPTKEY2, 0x4C5D6E7F

    .include "common.S"

    wp_header g0_init, none, none, g0_mass_erase, g0_block_erase, g0_block_write, g0_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2

@ Waits while SR.BSY1 (bit 16) or SR.CFGBSY (bit 18) is set. Clobbers r3.
.macro g0_wait_busy
9:  ldr r3, [r5, #FLASH_SR]
    lsrs r3, r3, #17         @ BSY1 into carry
    bcs 9b
    lsrs r3, r3, #2          @ CFGBSY into carry
    bcs 9b
.endm

@ cpuid: DBG_IDCODE DEV_ID is a single-bank G0 with 2 KiB pages.
    .thumb_func
g0_cpuid:
    wp_enter
    ldr r2, =G0_DBG_IDCODE
    ldr r2, [r2]
    lsls r2, r2, #20
    lsrs r2, r2, #20         @ DEV_ID = bits 11:0
    ldr r3, =g0_dev_ids
1:  ldrh r0, [r3]
    cmp r0, #0
    beq 2f                   @ end of list: r0 = 0
    adds r3, #2
    cmp r0, r2
    bne 1b
    movs r0, #1
2:  ldr r1, =WP_CPUID_KEY
    bkpt #0

@ init_stage_1: FlashInfoRaw = {2, {0x08000000, blocks x (erase 4 KiB, write 4 KiB)},
@ {0x1FFF7800, 1 x 128 B}}, FlashNamesRaw = {2, "Code Flash", "Option Bytes"}.
@ The flash size must be 4-256 KiB in 4 KiB steps; r0 = 0 otherwise.
    .thumb_func
g0_init:
    wp_enter
    ldr r4, =WP_STAGING
    ldr r5, =G0_FLASH
    ldr r0, =G0_FLASH_SIZE_KIB
    ldrh r1, [r0]            @ r1 = KiB
    lsls r3, r1, #30
    bne 4f                   @ not a multiple of 4 KiB
    lsrs r3, r1, #2          @ blocks
    beq 4f                   @ 0
    cmp r3, #64
    bhi 4f                   @ above 256 KiB (not a single-bank G0)
    lsls r2, r1, #10
    ldr r0, =G0_FLASH_START
    adds r2, r2, r0
    mov r8, r2               @ end of main flash
    ldr r2, =WP_INFO
    movs r0, #2
    str r0, [r2, #0]         @ numPieces
    ldr r0, =G0_FLASH_START
    str r0, [r2, #4]
    lsls r3, r3, #16         @ block count
    ldr r0, =0x0C0C          @ erase 4 KiB, write 4 KiB
    orrs r3, r0
    str r3, [r2, #8]
    ldr r0, =G0_OPTION_AREA
    str r0, [r2, #12]
    ldr r0, =0x00010707      @ 1 x 128 B
    str r0, [r2, #16]
    mov r0, r2
    movs r1, #20
    adds r1, r1, r0          @ FlashNamesRaw
    movs r3, #2
    str r3, [r1, #0]
    ldr r3, =G0_FLASH_START
    str r3, [r1, #4]
    ldr r3, =g0_name_code
    str r3, [r1, #8]
    ldr r3, =G0_OPTION_AREA
    str r3, [r1, #12]
    ldr r3, =g0_name_options
    str r3, [r1, #16]
    movs r2, #0
    bkpt #0
4:  movs r0, #0
    movs r1, #0
    movs r2, #0
    bkpt #0

@ r0 = address -> r1 = the number of its first page when r0 starts a block of main flash,
@ else -1. Clobbers r2. Leaf.
    .thumb_func
g0_block_of:
    movs r1, #0
    mvns r1, r1
    ldr r2, =G0_FLASH_START
    cmp r0, r2
    blo 9f
    cmp r0, r8
    bhs 9f
    subs r2, r0, r2
    lsls r1, r2, #(32 - G0_BLOCK_SHIFT)
    bne 8f
    lsrs r1, r2, #G0_PAGE_SHIFT
    bx lr
8:  movs r1, #0
    mvns r1, r1
9:  bx lr

@ Unlocks CR with the key sequence when it is locked. Returns r3 = CR (bit 31 still set when
@ the unlock failed). Clobbers r2. Leaf.
    .thumb_func
g0_unlock:
    ldr r3, [r5, #FLASH_CR]
    cmp r3, #0
    bge 1f
    ldr r2, =KEY1
    str r2, [r5, #FLASH_KEYR]
    ldr r2, =KEY2
    str r2, [r5, #FLASH_KEYR]
    ldr r3, [r5, #FLASH_CR]
1:  bx lr

@ Unlock, wait for the flash to be idle, clear old error flags. Fails (locks, r0 = 0) when CR
@ stays locked. Clobbers r2, r3, lr.
.macro g0_prepare
    bl g0_unlock
    cmp r3, #0
    bge 7f
    b g0_fail
7:
    g0_wait_busy
    ldr r3, =SR_CLEAR
    str r3, [r5, #FLASH_SR]
.endm

@ Common end: note the SR error bits, lock CR and the options again. r0 = 1 with r1 = 0, or
@ r0 = 0 with r1 = the SR error bits.
    .thumb_func
g0_finish:
    g0_wait_busy
    ldr r2, [r5, #FLASH_SR]
    ldr r3, =SR_ERRORS
    ands r2, r3
    ldr r3, =CR_LOCKS
    str r3, [r5, #FLASH_CR]
    movs r0, #1
    cmp r2, #0
    beq 1f
    movs r0, #0
1:  mov r1, r2
    bkpt #0

@ Failure before any flash operation started: lock, r0 = 0.
    .thumb_func
g0_fail:
    ldr r3, =CR_LOCKS
    str r3, [r5, #FLASH_CR]
    movs r0, #0
    movs r1, #0
    bkpt #0

@ allErase: mass erase of the main array (MER1, STRT); the option bytes stay.
    .thumb_func
g0_mass_erase:
    wp_enter
    g0_prepare
    movs r1, #CR_MER1
    str r1, [r5, #FLASH_CR]
    ldr r3, =CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    b g0_finish

@ pageErase(r0): page erase (PER, PNB, STRT) of the block's two pages, stopping at the first
@ error; the option area: nothing to do, r0 = 1.
    .thumb_func
g0_block_erase:
    wp_enter
    ldr r1, =G0_OPTION_AREA
    cmp r0, r1
    bne 1f
    b wp_ok
1:  bl g0_block_of
    cmp r1, #0
    blt g0_fail
    mov r12, r1
    g0_prepare
    movs r6, #2              @ pages left
2:  mov r1, r12
    lsls r1, r1, #CR_PNB_SHIFT
    movs r3, #CR_PER
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    ldr r3, =CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    g0_wait_busy
    ldr r3, [r5, #FLASH_SR]
    ldr r2, =SR_ERRORS
    tst r3, r2
    bne 3f
    mov r1, r12
    adds r1, #1
    mov r12, r1
    subs r6, #1
    bne 2b
3:  b g0_finish

@ pageWrite(r0; r1 = source when r2 = WP_SOURCE_KEY): programs one 4 KiB block from the staging
@ buffer (or r1) a double word at a time (two word stores, the second starts the operation),
@ waiting for BSY1/CFGBSY after each and stopping at the first error; double words of all
@ ones are skipped (erased already). At 0x1FFF7800 it writes the option bytes instead.
    .thumb_func
g0_block_write:
    wp_enter
    wp_write_source
    ldr r1, =G0_OPTION_AREA
    cmp r0, r1
    beq g0_option_write
    bl g0_block_of
    cmp r1, #0
    blt g0_fail
    g0_prepare
    movs r3, #CR_PG
    str r3, [r5, #FLASH_CR]
    mov r2, r9               @ r2 = source
    movs r1, #1
    lsls r1, r1, #G0_BLOCK_SHIFT
    adds r1, r0, r1          @ r1 = end of the block
1:  ldr r6, [r2]
    ldr r7, [r2, #4]
    adds r2, #8
    mov r3, r6
    ands r3, r7
    adds r3, #1              @ both 0xFFFFFFFF -> 0: skip
    beq 2f
    str r6, [r0]
    str r7, [r0, #4]
    g0_wait_busy
    ldr r3, [r5, #FLASH_SR]
    ldr r6, =SR_ERRORS
    tst r3, r6
    bne 3f
2:  adds r0, #8
    cmp r0, r1
    bne 1b
3:  b g0_finish

@ The option area's value words (from the staging buffer or r1) into the option registers,
@ then OPTSTRT. Offsets in the area of OPTR, PCROP1ASR, PCROP1AER, WRP1AR, WRP1BR, PCROP1BSR,
@ PCROP1BER (registers 0x20-0x38) and SECR (register 0x80).
    .thumb_func
g0_option_write:
    mov r2, r9
    ldr r3, [r2]
    uxtb r3, r3
    cmp r3, #0xCC            @ RDP level 2 cannot be undone: refused
    bne 1f
    b g0_fail
1:  g0_prepare
    ldr r2, =OPTKEY1
    str r2, [r5, #FLASH_OPTKEYR]
    ldr r2, =OPTKEY2
    str r2, [r5, #FLASH_OPTKEYR]
    mov r2, r9
    movs r1, #FLASH_OPTR
2:  ldr r3, [r2]
    str r3, [r5, r1]
    adds r2, #8
    adds r1, #4
    cmp r1, #(FLASH_OPTR + 7 * 4)
    bne 2b
    mov r2, r9
    ldr r3, [r2, #0x70]
    movs r1, #FLASH_SECR
    str r3, [r5, r1]
    ldr r3, =CR_OPTSTRT
    str r3, [r5, #FLASH_CR]
    b g0_finish

    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table
    .balign 2
@ DEV_IDs accepted by cpuid (0-terminated): G07x/G08x, G03x/G04x, G05x/G06x - single bank,
@ 2 KiB pages. Not G0B0/G0B1/G0C1 (0x467, dual bank, 512 KiB).
g0_dev_ids:
    .hword 0x460, 0x466, 0x456, 0
g0_name_code:
    .asciz "Code Flash"
g0_name_options:
    .asciz "Option Bytes"

    wp_footer_begin
    wp_checkval G0_DBG_IDCODE, 0x00000F00, 0x00000400       @ DEV_ID 0x4xx at the G0's DBG
    wp_checkval G0_FLASH_SIZE_KIB, 0x00000000, 0x00000000   @ flash-size word is readable
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): JEP106 of ST (continuation 0, code 0x20,
    @ JEDEC bit) and part number 0x4xx (ST's MCU ROM table at 0xF0000000 gives the DEV_ID)
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x000000FF, 0x0000000F, 0x00000000
    @ values
    .word 0x00000000, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x00000004, 0x0000000A, 0x00000000
    .word 0
    wp_footer_name "STM32G0 (single bank)"
