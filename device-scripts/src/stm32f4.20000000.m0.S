@ WebProg device script: STM32F4 single-bank parts up to 1 MiB (reference target STM32F411).
@ CortexProg format, version-2 header. Registers and procedures: ST RM0090 / RM0383, FLASH
@ chapter (see /work/shared/reference/flash-targets.md section 4).
@
@ Sectors: 4 x 16 KiB at 0x08000000, 1 x 64 KiB at 0x08010000, then 128 KiB sectors from
@ 0x08020000 up to the size in the flash-size register (KiB, u16 at 0x1FFF7A22). Writes go in
@ 16 KiB blocks (one staging buffer), programmed 32 bits at a time (PSIZE x32, 2.7-3.6 V).
@ RAM use (fits the 32 KiB of the smallest F4): image 0x20000000, staging 0x20000800
@ (16 KiB), FlashInfoRaw/FlashNamesRaw 0x20004800, stack below 0x20005000; a second 16 KiB
@ staging buffer at 0x20005000 where RAM reaches 0x20009000 (parts with 64 KiB or more; the
@ host checks it holds what it writes before using it), and five more 16 KiB buffers from
@ 0x20009000 up to 0x2001D000 ("WPBN" after the header) for the parts with 128 KiB (F411,
@ F446, F405/F407's 112 KiB main SRAM plus its contiguous 16 KiB); a 64 KiB F401xB/C has the
@ first one of them, and a host uses them in order while RAM holds what it writes. With
@ seven buffers a host stages ~110 KiB while a 128 KiB sector erases (1 s typical, DS10314),
@ so sector erases hide the link instead of a 4 s mass erase that nothing can overlap.
@
@ State kept between entry calls (set by stm_init):
@   R4 staging address, R5 FLASH register base, R8 end of flash (exclusive)

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20004800
    .equ WP_STACK_TOP, 0x20005000
    .equ WP_STAGING2, 0x20005000
    .equ WP_FURTHER_STAGING, 5      @ at WP_STAGING2 + i x STM_WRITE_SIZE, i = 1..5
    .equ STM_WRITE_SIZE, 0x4000

    .equ STM_FLASH_START, 0x08000000
    .equ STM_FLASH_SIZE_KIB, 0x1FFF7A22
    .equ STM_DBGMCU_IDCODE, 0xE0042000
    .equ STM_FLASH, 0x40023C00
    @ register offsets
    .equ FLASH_ACR, 0x00
    .equ FLASH_KEYR, 0x04
    .equ FLASH_SR, 0x0C
    .equ FLASH_CR, 0x10
    @ CR bits
    .equ CR_PG, 1 << 0
    .equ CR_SER, 1 << 1
    .equ CR_MER, 1 << 2
    .equ CR_SNB_SHIFT, 3
    .equ CR_PSIZE_X32, 2 << 8
    .equ CR_STRT, 1 << 16
    .equ CR_LOCK, 1 << 31
    @ SR: OPERR 1, WRPERR 4, PGAERR 5, PGPERR 6, PGSERR 7 (errors); EOP 0 (cleared with them)
    .equ SR_ERRORS, 0xF2
    .equ SR_CLEAR, 0xF3
    @ ACR: ICEN 9, DCEN 10, ICRST 11, DCRST 12
    .equ ACR_CACHES_ON, 0x600
    .equ ACR_CACHES_RESET, 0x1800
    .equ KEY1, 0x45670123
    .equ KEY2, 0xCDEF89AB

    .include "common.S"
    .include "stm32.S"

    wp_header stm_init, none, none, stm_mass_erase, stm_block_erase, stm_block_write, stm_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2
    .ascii "WPBN"                    @ 0x34: further staging buffers
    .word WP_FURTHER_STAGING         @ 0x38: how many
    .word STM_WRITE_SIZE             @ 0x3C: their stride (one write block each)

@ Waits while SR.BSY (bit 16) is set. Clobbers r3.
.macro stm_wait_bsy
9:  ldr r3, [r5, #FLASH_SR]
    lsrs r3, r3, #17
    bcs 9b
.endm

@ cpuid: DBGMCU_IDCODE DEV_ID is one of the single-bank F4 parts with this sector layout.
    stm32_dev_id_cpuid stm_cpuid, stm_dev_ids

@ init_stage_1: builds FlashInfoRaw from the flash size: up to 64 KiB only 16 KiB sectors;
@ 128 KiB adds the 64 KiB sector; above that 128 KiB sectors (size a multiple of 128 KiB, at
@ most 1 MiB). FlashNamesRaw = {1, {0x08000000, "Code Flash"}}.
@ Returns r0 = FlashInfoRaw, r1 = FlashNamesRaw, r2 = 0; r0 = 0 for an unsupported size.
    .thumb_func
stm_init:
    wp_enter
    ldr r4, =WP_STAGING
    ldr r5, =STM_FLASH
    ldr r0, =STM_FLASH_SIZE_KIB
    ldrh r1, [r0]            @ r1 = KiB
    lsls r3, r1, #10
    ldr r2, =STM_FLASH_START
    adds r3, r3, r2
    mov r8, r3               @ end of flash
    ldr r0, =WP_INFO
    str r2, [r0, #4]         @ piece 0 base: 0x08000000
    cmp r1, #64
    bhi 1f
    lsls r3, r1, #28         @ <= 64 KiB: a whole number of 16 KiB sectors
    bne 4f
    lsrs r3, r1, #4
    beq 4f
    lsls r3, r3, #16
    ldr r2, =0x0E0E          @ erase 16 KiB, write 16 KiB
    orrs r3, r2
    str r3, [r0, #8]
    movs r3, #1
    b 3f
1:  ldr r3, =0x00040E0E      @ 4 x 16 KiB
    str r3, [r0, #8]
    ldr r3, =0x08010000
    str r3, [r0, #12]
    ldr r3, =0x00010E10      @ 1 x (erase 64 KiB, write 16 KiB)
    str r3, [r0, #16]
    cmp r1, #128
    bne 2f
    movs r3, #2
    b 3f
2:  lsls r3, r1, #25         @ a multiple of 128 KiB
    bne 4f
    lsrs r3, r1, #7
    subs r3, #1              @ number of 128 KiB sectors
    cmp r3, #7
    bhi 4f
    lsls r3, r3, #16
    ldr r2, =0x0E11          @ erase 128 KiB, write 16 KiB
    orrs r3, r2
    str r3, [r0, #24]
    ldr r3, =0x08020000
    str r3, [r0, #20]
    movs r3, #3
3:  str r3, [r0, #0]         @ numPieces
    movs r1, #40
    adds r1, r1, r0          @ FlashNamesRaw
    movs r3, #1
    str r3, [r1, #0]
    ldr r3, =STM_FLASH_START
    str r3, [r1, #4]
    ldr r3, =stm_name_code
    str r3, [r1, #8]
    movs r2, #0
    bkpt #0
4:  movs r0, #0
    movs r1, #0
    movs r2, #0
    bkpt #0

@ r0 = address -> r1 = sector number when r0 starts a sector below the flash end, else -1.
@ Clobbers r2, r3. Leaf.
    .thumb_func
stm_sector_of:
    movs r1, #0
    mvns r1, r1
    ldr r2, =STM_FLASH_START
    cmp r0, r2
    blo 9f
    cmp r0, r8
    bhs 9f
    subs r2, r0, r2          @ offset into flash
    lsrs r3, r2, #16
    bne 1f
    lsls r3, r2, #18         @ below 64 KiB: 16 KiB sectors 0-3
    bne 9f
    lsrs r1, r2, #14
    bx lr
1:  lsrs r3, r2, #17
    bne 2f
    lsls r3, r2, #16         @ 64 KiB sector 4 at offset 0x10000
    bne 9f
    movs r1, #4
    bx lr
2:  lsls r3, r2, #15         @ 128 KiB sectors from 5
    bne 9f
    lsrs r1, r2, #17
    adds r1, #4
9:  bx lr

@ Unlocks CR with the key sequence when it is locked. Returns r3 = CR (bit 31 still set when the
@ unlock failed). Clobbers r2. Leaf.
    .thumb_func
stm_unlock:
    ldr r3, [r5, #FLASH_CR]
    cmp r3, #0
    bge 1f
    ldr r2, =KEY1
    str r2, [r5, #FLASH_KEYR]
    ldr r2, =KEY2
    str r2, [r5, #FLASH_KEYR]
    ldr r3, [r5, #FLASH_CR]
1:  bx lr

@ Resets the instruction and data caches (off, reset, off, restored) so reads after an erase or
@ program do not see stale lines, as ST's HAL does after an erase. Clobbers r0, r1, r3. Leaf.
    .thumb_func
stm_flush_caches:
    ldr r0, [r5, #FLASH_ACR]
    ldr r3, =ACR_CACHES_ON
    mov r1, r0
    bics r1, r3
    str r1, [r5, #FLASH_ACR]
    ldr r3, =ACR_CACHES_RESET
    orrs r3, r1
    str r3, [r5, #FLASH_ACR]
    str r1, [r5, #FLASH_ACR]
    str r0, [r5, #FLASH_ACR]
    bx lr

@ Common end of erase and write: note the SR error bits, clear PG/SER/MER and lock, flush the
@ caches. r0 = 1 with r1 = 0, or r0 = 0 with r1 = the SR error bits.
    .thumb_func
stm_finish:
    ldr r2, [r5, #FLASH_SR]
    movs r3, #SR_ERRORS
    ands r2, r3
    ldr r3, =CR_LOCK
    str r3, [r5, #FLASH_CR]
    bl stm_flush_caches
    movs r0, #1
    cmp r2, #0
    beq 1f
    movs r0, #0
1:  mov r1, r2
    bkpt #0

@ Failure before any flash operation started: lock, r0 = 0.
    .thumb_func
stm_fail:
    ldr r3, =CR_LOCK
    str r3, [r5, #FLASH_CR]
    movs r0, #0
    movs r1, #0
    bkpt #0

@ allErase: mass erase (MER), PSIZE x32.
    .thumb_func
stm_mass_erase:
    wp_enter
    bl stm_unlock
    cmp r3, #0
    blt stm_fail
    stm_wait_bsy
    movs r3, #SR_CLEAR
    str r3, [r5, #FLASH_SR]
    ldr r1, =(CR_MER | CR_PSIZE_X32)
    str r1, [r5, #FLASH_CR]
    ldr r3, =CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    stm_wait_bsy
    b stm_finish

@ pageErase(r0): sector erase (SER, SNB, STRT), PSIZE x32.
    .thumb_func
stm_block_erase:
    wp_enter
    bl stm_sector_of
    cmp r1, #0
    blt stm_fail
    bl stm_unlock
    cmp r3, #0
    blt stm_fail
    stm_wait_bsy
    movs r3, #SR_CLEAR
    str r3, [r5, #FLASH_SR]
    lsls r1, r1, #CR_SNB_SHIFT
    ldr r3, =(CR_SER | CR_PSIZE_X32)
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    ldr r3, =CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    stm_wait_bsy
    b stm_finish

@ pageWrite(r0; r1 = source when r2 = WP_SOURCE_KEY): programs one 16 KiB block from the
@ staging buffer (or r1), 32 bits at a time, waiting for BSY after each word and stopping at
@ the first error; 0xFFFFFFFF words are skipped.
    .thumb_func
stm_block_write:
    wp_enter
    wp_write_source
    ldr r3, =STM_FLASH_START
    cmp r0, r3
    blo stm_fail
    lsls r3, r0, #18         @ 16 KiB aligned
    bne stm_fail
    ldr r1, =STM_WRITE_SIZE
    adds r1, r0, r1          @ r1 = end of the block
    cmp r1, r8
    bhi stm_fail
    bl stm_unlock
    cmp r3, #0
    blt stm_fail
    stm_wait_bsy
    movs r3, #SR_CLEAR
    str r3, [r5, #FLASH_SR]
    ldr r3, =(CR_PG | CR_PSIZE_X32)
    str r3, [r5, #FLASH_CR]
    mov r2, r9               @ r2 = source
1:  ldr r3, [r2]
    adds r2, #4
    adds r3, #1              @ 0xFFFFFFFF -> 0: skip
    beq 2f
    subs r3, #1
    str r3, [r0]
    stm_wait_bsy
    ldr r3, [r5, #FLASH_SR]
    lsrs r3, r3, #1          @ bits 7:1 (the error bits) left in the top byte
    lsls r3, r3, #25
    bne 3f
2:  adds r0, #4
    cmp r0, r1
    bne 1b
3:  b stm_finish

    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table
    .balign 2
@ DEV_IDs accepted by cpuid (0-terminated): F405/407/415/417, F401xB/C, F411, F401xD/E, F446,
@ F412, F410 - single bank, at most 1 MiB, the sector layout above. Not F42x/43x/469 (dual
@ bank, 2 MiB) nor F413 (1.5 MiB).
stm_dev_ids:
    .hword 0x413, 0x423, 0x431, 0x433, 0x421, 0x441, 0x458, 0
stm_name_code:
    .asciz "Code Flash"

    wp_footer_begin
    wp_checkval STM_DBGMCU_IDCODE, 0x00000F00, 0x00000400   @ DEV_ID 0x4xx (STM32F4 family)
    wp_checkval 0x1FFF7A20, 0x00000000, 0x00000000          @ flash-size word is readable
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): JEP106 of ST (continuation 0, code 0x20,
    @ JEDEC bit) and part number 0x4xx; the low part byte and the revision vary by part
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x000000FF, 0x0000000F, 0x00000000
    @ values
    .word 0x00000000, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x00000004, 0x0000000A, 0x00000000
    .word 0
    wp_footer_name "STM32F4 (1 MiB single bank)"
