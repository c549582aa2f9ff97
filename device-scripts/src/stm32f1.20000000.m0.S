@ WebProg device script: STM32F1 single-bank parts up to 512 KiB (STM32F100/101/102/103/105/107;
@ reference target STM32F103C8, the Blue Pill). CortexProg format, version-2 header.
@ Registers and procedures: ST PM0075 (STM32F10xxx flash programming manual) and RM0008.
@
@ Pages: 1 KiB on low/medium-density and value-line parts (DEV_ID 0x412, 0x410, 0x420), 2 KiB on
@ high-density, connectivity and high-density value-line parts (0x414, 0x418, 0x428); as many as
@ the flash-size register (KiB, u16 at 0x1FFFF7E0) says. XL-density parts (0x430, two banks)
@ are not accepted. Writes go one page at a time, a half-word per program operation.
@ Option bytes: "Option Bytes" at 0x1FFFF800, one 16-byte block; erased with OPTER, programmed
@ with OPTPG (the FPEC writes each complement byte itself).
@ Init raises the core clock to 64 MHz (HSI / 2 x 16 through the PLL) for the checksum loops.
@ RAM use (fits the 6 KiB of the smallest F1 without the second buffer): image 0x20000000,
@ staging 0x20000800 (2 KiB), FlashInfoRaw/FlashNamesRaw 0x20001000, stack below 0x20001800,
@ a second 2 KiB staging buffer at 0x20001800 (the host checks RAM holds it before using it).
@
@ State kept between entry calls (set by f1_init):
@   R4 staging address, R5 FLASH register base, R6 page size, R8 end of main flash (exclusive)

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20001000
    .equ WP_STACK_TOP, 0x20001800
    .equ WP_STAGING2, 0x20001800

    .equ STM_FLASH_START, 0x08000000
    .equ STM_FLASH_SIZE_KIB, 0x1FFFF7E0
    .equ STM_DBGMCU_IDCODE, 0xE0042000
    .equ STM_OPTION_BYTES, 0x1FFFF800
    .equ STM_OPTION_SIZE, 16
    .equ STM_OPTION_SIZE_CODE, 4
    .equ STM_MAX_KIB, 512
    .equ STM_FLASH, 0x40022000
    .equ STM_RCC, 0x40021000
    .equ RCC_CR, 0x00
    .equ RCC_CFGR, 0x04
    @ ACR: PRFTBE | LATENCY = 2 wait states (48-72 MHz)
    .equ ACR_64MHZ, 0x12
    @ CFGR: PLLMUL x16 (0b1110), PLLSRC = HSI / 2, PPRE1 = HCLK / 2 (APB1 at most 36 MHz), SW = HSI
    .equ CFGR_PLL_64MHZ, (14 << 18) | (4 << 8)
    .equ CFGR_SW_PLL, 2
    @ register offsets
    .equ FLASH_KEYR, 0x04
    .equ FLASH_OPTKEYR, 0x08
    .equ FLASH_SR, 0x0C
    .equ FLASH_CR, 0x10
    .equ FLASH_AR, 0x14
    @ CR bits
    .equ CR_PG, 1 << 0
    .equ CR_PER, 1 << 1
    .equ CR_MER, 1 << 2
    .equ CR_OPTPG, 1 << 4
    .equ CR_OPTER, 1 << 5
    .equ CR_STRT, 1 << 6
    .equ CR_LOCK, 1 << 7
    .equ CR_OPTWRE, 1 << 9
    @ SR: BSY 0; PGERR 2, WRPRTERR 4 (errors); EOP 5 (cleared with them)
    .equ SR_ERRORS, 0x14
    .equ SR_CLEAR, 0x34
    .equ KEY1, 0x45670123
    .equ KEY2, 0xCDEF89AB

    .include "common.S"
    .include "stm32.S"

    wp_header f1_init, none, none, f1_mass_erase, f1_block_erase, f1_block_write, f1_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2

@ Waits while SR.BSY (bit 0) is set. Clobbers r3.
.macro f1_wait_bsy
9:  ldr r3, [r5, #FLASH_SR]
    lsrs r3, r3, #1
    bcs 9b
.endm

@ cpuid: DBGMCU_IDCODE DEV_ID is a single-bank F1 part.
    stm32_dev_id_cpuid f1_cpuid, f1_dev_ids

@ init_stage_1: page size from DEV_ID, page count from the flash-size register; builds
@ FlashInfoRaw = {2, {0x08000000, page, page, count}, {0x1FFFF800, 16, 16, 1}} and
@ FlashNamesRaw = {2, {0x08000000, "Code Flash"}, {0x1FFFF800, "Option Bytes"}}.
@ Returns r0 = FlashInfoRaw, r1 = FlashNamesRaw, r2 = 0; r0 = 0 for an unsupported size.
    .thumb_func
f1_init:
    wp_enter
    ldr r4, =WP_STAGING
    ldr r5, =STM_FLASH
    bl f1_clock_up
    ldr r2, =STM_DBGMCU_IDCODE
    ldr r2, [r2]
    lsls r2, r2, #20
    lsrs r2, r2, #20         @ DEV_ID
    movs r3, #10             @ log2(page size): 1 KiB ...
    ldr r0, =f1_dev_ids_1k
1:  ldrh r1, [r0]
    cmp r1, #0
    beq 2f
    adds r0, #2
    cmp r1, r2
    bne 1b
    b 3f
2:  movs r3, #11             @ ... else 2 KiB
3:  movs r6, #1
    lsls r6, r3              @ page size
    ldr r0, =STM_FLASH_SIZE_KIB
    ldrh r1, [r0]            @ r1 = KiB
    cmp r1, #0
    beq 4f
    ldr r0, =STM_MAX_KIB
    cmp r1, r0
    bhi 4f
    lsls r1, r1, #10         @ bytes
    subs r0, r6, #1
    tst r1, r0
    bne 4f                   @ not a whole number of pages
    ldr r2, =STM_FLASH_START
    adds r0, r1, r2
    mov r8, r0               @ end of main flash
    lsrs r1, r3              @ page count
    ldr r0, =WP_INFO
    movs r2, #2
    str r2, [r0, #0]         @ numPieces
    ldr r2, =STM_FLASH_START
    str r2, [r0, #4]         @ piece 0: main flash
    lsls r1, r1, #16         @ numIdentical = page count
    lsls r2, r3, #8          @ writeSz = page
    orrs r1, r2
    orrs r1, r3              @ eraseSz = page
    str r1, [r0, #8]
    ldr r2, =STM_OPTION_BYTES
    str r2, [r0, #12]        @ piece 1: option bytes, one block
    ldr r2, =(STM_OPTION_SIZE_CODE | (STM_OPTION_SIZE_CODE << 8) | (1 << 16))
    str r2, [r0, #16]
    movs r1, #20
    adds r1, r1, r0          @ FlashNamesRaw
    movs r2, #2
    str r2, [r1, #0]
    ldr r2, =STM_FLASH_START
    str r2, [r1, #4]
    ldr r2, =f1_name_code
    str r2, [r1, #8]
    ldr r2, =STM_OPTION_BYTES
    str r2, [r1, #12]
    ldr r2, =f1_name_options
    str r2, [r1, #16]
    movs r2, #0
    bkpt #0
4:  movs r0, #0
    movs r1, #0
    movs r2, #0
    bkpt #0

@ Raises the core clock from the 8 MHz HSI to 64 MHz (HSI / 2 x 16) unless the PLL already
@ runs, so the checksum and blank-check loops over the flash take an eighth of the time (flash
@ programming and erase times do not depend on it): flash latency 2 wait states first, APB1 / 2,
@ PLL on, wait for PLLRDY (a bounded wait: without lock the core stays on HSI), switch SYSCLK,
@ wait for SWS. A reset restores the HSI clock. r5 = FLASH. Clobbers r0-r3. Leaf.
    .thumb_func
f1_clock_up:
    ldr r0, =STM_RCC
    ldr r1, [r0, #RCC_CR]
    lsrs r2, r1, #25         @ PLLON (bit 24) -> carry
    bcs 9f
    movs r2, #ACR_64MHZ
    str r2, [r5, #0]         @ FLASH_ACR
    ldr r2, =CFGR_PLL_64MHZ
    str r2, [r0, #RCC_CFGR]
    movs r3, #1
    lsls r3, r3, #24         @ PLLON
    orrs r1, r3
    str r1, [r0, #RCC_CR]
    ldr r3, =100000
1:  ldr r1, [r0, #RCC_CR]
    lsrs r1, r1, #26         @ PLLRDY (bit 25) -> carry
    bcs 2f
    subs r3, #1
    bne 1b
    b 9f
2:  adds r2, #CFGR_SW_PLL
    str r2, [r0, #RCC_CFGR]
3:  ldr r1, [r0, #RCC_CFGR]
    lsrs r1, r1, #2
    movs r3, #3
    ands r1, r3              @ SWS
    cmp r1, #CFGR_SW_PLL
    bne 3b
9:  bx lr

@ r0 = block address -> r1 = its size (option bytes: 16; main flash: the page size when r0 is a
@ page start below the flash end), or 0 when r0 starts no block. Clobbers r2, r3. Leaf.
    .thumb_func
f1_block_size:
    ldr r1, =STM_OPTION_BYTES
    cmp r0, r1
    bne 1f
    movs r1, #STM_OPTION_SIZE
    bx lr
1:  movs r1, #0
    ldr r2, =STM_FLASH_START
    cmp r0, r2
    blo 2f
    cmp r0, r8
    bhs 2f
    subs r3, r6, #1
    tst r0, r3
    bne 2f
    mov r1, r6
2:  bx lr

@ Unlocks the FPEC with the key sequence when CR.LOCK is set. Returns r3 = CR (bit 7 still set
@ when the unlock failed). Clobbers r2. Leaf.
    .thumb_func
f1_unlock:
    ldr r3, [r5, #FLASH_CR]
    lsls r2, r3, #24         @ LOCK (bit 7) -> sign
    bpl 1f
    ldr r2, =KEY1
    str r2, [r5, #FLASH_KEYR]
    ldr r2, =KEY2
    str r2, [r5, #FLASH_KEYR]
    ldr r3, [r5, #FLASH_CR]
1:  bx lr

@ Sets CR.OPTWRE with the option key sequence (the FPEC must be unlocked). Returns r3 = CR.
@ Clobbers r2. Leaf.
    .thumb_func
f1_unlock_options:
    ldr r2, =KEY1
    str r2, [r5, #FLASH_OPTKEYR]
    ldr r2, =KEY2
    str r2, [r5, #FLASH_OPTKEYR]
    ldr r3, [r5, #FLASH_CR]
    bx lr

@ Common start of erase and write: unlock (r0 = 0 exit when it fails), wait for BSY, clear the
@ SR flags. Clobbers r2, r3. Not a leaf (call with bl; keeps lr in r7).
    .thumb_func
f1_begin:
    mov r7, lr
    bl f1_unlock
    lsls r3, r3, #24
    bmi f1_fail
    f1_wait_bsy
    movs r3, #SR_CLEAR
    str r3, [r5, #FLASH_SR]
    bx r7

@ Common end: note the SR error bits, lock the FPEC (which also clears OPTWRE and PG/PER/MER).
@ r0 = 1 with r1 = 0, or r0 = 0 with r1 = the SR error bits (PGERR 0x04, WRPRTERR 0x10).
    .thumb_func
f1_finish:
    ldr r2, [r5, #FLASH_SR]
    movs r3, #SR_ERRORS
    ands r2, r3
    movs r3, #CR_LOCK
    str r3, [r5, #FLASH_CR]
    movs r0, #1
    cmp r2, #0
    beq 1f
    movs r0, #0
1:  mov r1, r2
    bkpt #0

@ Failure before any flash operation started: lock, r0 = 0.
    .thumb_func
f1_fail:
    movs r3, #CR_LOCK
    str r3, [r5, #FLASH_CR]
    movs r0, #0
    movs r1, #0
    bkpt #0

@ allErase: mass erase of the main flash (MER, STRT); the option bytes stay.
    .thumb_func
f1_mass_erase:
    wp_enter
    bl f1_begin
    movs r1, #CR_MER
    str r1, [r5, #FLASH_CR]
    movs r3, #CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    f1_wait_bsy
    b f1_finish

@ pageErase(r0): a main-flash page (PER, AR, STRT) or the option bytes (OPTWRE, OPTER, STRT).
    .thumb_func
f1_block_erase:
    wp_enter
    bl f1_block_size
    cmp r1, #0
    beq f1_fail
    bl f1_begin
    ldr r1, =STM_OPTION_BYTES
    cmp r0, r1
    beq 1f
    movs r1, #CR_PER
    str r1, [r5, #FLASH_CR]
    str r0, [r5, #FLASH_AR]
    b 2f
1:  bl f1_unlock_options
    lsrs r3, r3, #10         @ OPTWRE (bit 9) -> carry
    bcc f1_fail
    ldr r1, [r5, #FLASH_CR]  @ read-modify-write: writing OPTWRE = 0 would clear it
    movs r3, #CR_OPTER
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
2:  movs r3, #CR_STRT
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
    f1_wait_bsy
    b f1_finish

@ pageWrite(r0; r1 = source when r2 = WP_SOURCE_KEY): programs one page (or the 16 option bytes)
@ from the staging buffer (or r1) a half-word at a time, waiting for BSY before each and stopping
@ at the first error; half-words of 0xFFFF are skipped (erased stays erased).
    .thumb_func
f1_block_write:
    wp_enter
    wp_write_source
    bl f1_block_size
    cmp r1, #0
    beq f1_fail
    adds r1, r0, r1
    mov r10, r1              @ r10 = end of the block
    bl f1_begin
    ldr r1, =STM_OPTION_BYTES
    cmp r0, r1
    beq 1f
    movs r1, #CR_PG
    str r1, [r5, #FLASH_CR]
    b 2f
1:  bl f1_unlock_options
    lsrs r3, r3, #10         @ OPTWRE (bit 9) -> carry
    bcc f1_fail
    ldr r1, [r5, #FLASH_CR]
    movs r3, #CR_OPTPG
    orrs r1, r3
    str r1, [r5, #FLASH_CR]
@ The loop fetches the next half-word while the previous one programs, so the FPEC waits for
@ nothing but the store: wait for BSY, check the error bits of that same SR read, store.
2:  mov r2, r9               @ r2 = source
    movs r7, #(SR_ERRORS >> 1)
3:  cmp r0, r10
    beq 5f
    ldrh r1, [r2]
    adds r2, #2
    adds r3, r1, #1
    lsrs r3, r3, #16
    bne 4f                   @ 0xFFFF: erased half-word, skip
6:  ldr r3, [r5, #FLASH_SR]
    lsrs r3, r3, #1          @ BSY -> carry; PGERR, WRPRTERR -> bits 1, 3
    bcs 6b
    tst r3, r7
    bne 7f                   @ the previous half-word failed: stop
    strh r1, [r0]
4:  adds r0, #2
    b 3b
5:  f1_wait_bsy              @ the last half-word
7:  b f1_finish

    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table
    .balign 2
@ DEV_IDs accepted by cpuid (0-terminated): F1 low, medium, high density, connectivity line,
@ value line low/medium and high density. Not XL density (0x430: two banks, 1 MiB).
f1_dev_ids:
    .hword 0x412, 0x410, 0x414, 0x418, 0x420, 0x428, 0
@ DEV_IDs with 1 KiB pages (the others have 2 KiB), 0-terminated.
f1_dev_ids_1k:
    .hword 0x412, 0x410, 0x420, 0
f1_name_code:
    .asciz "Code Flash"
f1_name_options:
    .asciz "Option Bytes"

    wp_footer_begin
    wp_checkval 0xE000ED00, 0x0000FFF0, 0x0000C230          @ CPUID: Cortex-M3
    wp_checkval STM_DBGMCU_IDCODE, 0x00000F00, 0x00000400   @ DEV_ID 0x4xx
    wp_checkval STM_FLASH_SIZE_KIB, 0x00000000, 0x00000000  @ F1 flash-size word is readable
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): JEP106 of ST (continuation 0, code 0x20,
    @ JEDEC bit) and part number 0x4xx; the low part byte and the revision vary by part
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x000000FF, 0x0000000F, 0x00000000
    @ values
    .word 0x00000000, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x00000004, 0x0000000A, 0x00000000
    .word 0
    wp_footer_name "STM32F1 (512 KiB single bank)"
