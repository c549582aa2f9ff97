@ Nordic nRF5x NVMC flash functions, shared by the nRF51822, nRF52833 and nRF52840 scripts.
@ Registers and procedures: Nordic nRF51 / nRF52833 product specifications, NVMC, FICR and UICR
@ chapters (see /work/shared/reference/flash-targets.md section 2).
@
@ The including script defines:
@   WP_STAGING          staging buffer (one code page)
@   WP_INFO             where init builds FlashInfoRaw (and FlashNamesRaw 20 bytes later)
@   NRF_UICR_SIZE       bytes described for UICR (one erase block)
@   NRF_UICR_SIZE_CODE  FlashInfoRaw size code of NRF_UICR_SIZE
@
@ State kept between entry calls (set by nrf_init):
@   R4 staging address, R5 code page size, R6 NVMC + 0x500, R7 NVMC READY, R8 code flash size

    .equ NRF_FICR, 0x10000000
    .equ FICR_CODEPAGESIZE, 0x10
    .equ FICR_CODESIZE, 0x14
    .equ NRF_UICR, 0x10001000
    .equ NRF_NVMC_READY, 0x4001E400
    .equ NRF_NVMC_500, 0x4001E500
    @ offsets from NRF_NVMC_500 (CONFIG 0x504, ERASEPAGE 0x508, ERASEALL 0x50C, ERASEUICR 0x514)
    .equ NVMC_CONFIG, 0x04
    .equ NVMC_ERASEPAGE, 0x08
    .equ NVMC_ERASEALL, 0x0C
    .equ NVMC_ERASEUICR, 0x14
    @ CONFIG.WEN values
    .equ WEN_READ_ONLY, 0
    .equ WEN_WRITE, 1
    .equ WEN_ERASE, 2
    @ largest page size and page count accepted from FICR (keeps size * count below 256 MiB)
    .equ NRF_MAX_PAGE, 0x10000
    .equ NRF_MAX_PAGES, 0x1000

@ Waits until NVMC READY (bit 0) reads 1. Clobbers r3.
.macro nvmc_wait_ready
9:  ldr r3, [r7]
    lsrs r3, r3, #1
    bcc 9b
.endm

@ cpuid for an nRF52 part: R0 = 1 when FICR INFO.PART (0x10000100) reads \part, else 0;
@ R1 = the CortexProg key. Defines the label \label.
.macro nrf52_part_cpuid label, part
    .thumb_func
\label:
    wp_enter
    movs r0, #0
    ldr r2, =0x10000100
    ldr r2, [r2]
    ldr r3, =\part
    cmp r2, r3
    bne 1f
    movs r0, #1
1:  ldr r1, =WP_CPUID_KEY
    bkpt #0
.endm

.macro nrf_functions

@ init_stage_1: reads the page size and count from FICR, keeps the state registers, and builds
@ FlashInfoRaw = {2, {0, page, page, count}, {UICR, uicr, uicr, 1}} and
@ FlashNamesRaw = {2, {0, "Code Flash"}, {UICR, "UICR"}}.
@ Returns r0 = FlashInfoRaw, r1 = FlashNamesRaw, r2 = 0; r0 = 0 when FICR is implausible.
    .thumb_func
nrf_init:
    wp_enter
    ldr r4, =WP_STAGING
    ldr r6, =NRF_NVMC_500
    ldr r7, =NRF_NVMC_READY
    ldr r0, =NRF_FICR
    ldr r5, [r0, #FICR_CODEPAGESIZE]
    ldr r1, [r0, #FICR_CODESIZE]
    @ r2 = log2(page size); the page size must be a power of two from 4 B to NRF_MAX_PAGE
    movs r2, #2
    movs r3, #4
1:  cmp r3, r5
    beq 2f
    lsls r3, r3, #1
    adds r2, #1
    cmp r2, #16
    bls 1b
    b nrf_init_fail
2:  cmp r1, #0
    beq nrf_init_fail
    ldr r3, =NRF_MAX_PAGES
    cmp r1, r3
    bhi nrf_init_fail
    movs r3, r1
    muls r3, r5, r3
    mov r8, r3               @ code flash size in bytes
    ldr r0, =WP_INFO
    movs r3, #2
    str r3, [r0, #0]         @ numPieces
    movs r3, #0
    str r3, [r0, #4]         @ piece 0: base 0
    lsls r1, r1, #16         @ numIdentical = page count
    lsls r3, r2, #8          @ writeSz = page
    orrs r1, r3
    orrs r1, r2              @ eraseSz = page
    str r1, [r0, #8]
    ldr r3, =NRF_UICR
    str r3, [r0, #12]        @ piece 1: UICR, one block
    ldr r3, =(NRF_UICR_SIZE_CODE | (NRF_UICR_SIZE_CODE << 8) | (1 << 16))
    str r3, [r0, #16]
    movs r1, #20
    adds r1, r1, r0          @ FlashNamesRaw
    movs r3, #2
    str r3, [r1, #0]
    movs r3, #0
    str r3, [r1, #4]
    ldr r3, =nrf_name_code
    str r3, [r1, #8]
    ldr r3, =NRF_UICR
    str r3, [r1, #12]
    ldr r3, =nrf_name_uicr
    str r3, [r1, #16]
    movs r2, #0
    bkpt #0
nrf_init_fail:
    movs r0, #0
    movs r1, #0
    movs r2, #0
    bkpt #0

@ r0 = block address -> r1 = its size (UICR: NRF_UICR_SIZE; code flash: page size when r0 is a
@ page start below the flash end), or 0 when r0 starts no block. Clobbers r2. Leaf.
    .thumb_func
nrf_block_size:
    ldr r1, =NRF_UICR
    cmp r0, r1
    bne 1f
    ldr r1, =NRF_UICR_SIZE
    bx lr
1:  movs r1, #0
    cmp r0, r8
    bhs 2f
    subs r2, r5, #1
    tst r0, r2
    bne 2f
    mov r1, r5
2:  bx lr

@ allErase: ERASEALL (erases code flash and UICR).
    .thumb_func
nrf_mass_erase:
    wp_enter
    nvmc_wait_ready
    movs r2, #WEN_ERASE
    str r2, [r6, #NVMC_CONFIG]
    movs r2, #1
    str r2, [r6, #NVMC_ERASEALL]
    nvmc_wait_ready
    movs r2, #WEN_READ_ONLY
    str r2, [r6, #NVMC_CONFIG]
    b wp_ok

@ pageErase(r0): ERASEPAGE for a code page, ERASEUICR for UICR (never ERASEPAGE there).
    .thumb_func
nrf_block_erase:
    wp_enter
    bl nrf_block_size
    cmp r1, #0
    beq 3f
    nvmc_wait_ready
    movs r2, #WEN_ERASE
    str r2, [r6, #NVMC_CONFIG]
    ldr r1, =NRF_UICR
    cmp r0, r1
    beq 1f
    str r0, [r6, #NVMC_ERASEPAGE]
    b 2f
1:  movs r2, #1
    str r2, [r6, #NVMC_ERASEUICR]
2:  nvmc_wait_ready
    movs r2, #WEN_READ_ONLY
    str r2, [r6, #NVMC_CONFIG]
    b wp_ok
3:  b wp_fail

@ pageWrite(r0; r1 = source when r2 = WP_SOURCE_KEY): programs one block from the staging
@ buffer (or r1) word by word, waiting for READY after each; words of 0xFFFFFFFF are skipped (a
@ no-op on erased NOR flash, and it keeps reserved UICR words untouched). Restores CONFIG =
@ read-only.
    .thumb_func
nrf_block_write:
    wp_enter
    wp_write_source
    bl nrf_block_size
    cmp r1, #0
    beq 3f
    adds r1, r0, r1          @ r1 = end
    mov r2, r9               @ r2 = source
    nvmc_wait_ready
    movs r3, #WEN_WRITE
    str r3, [r6, #NVMC_CONFIG]
1:  ldr r3, [r2]
    adds r2, #4
    adds r3, #1              @ 0xFFFFFFFF -> 0: skip
    beq 2f
    subs r3, #1
    str r3, [r0]
    nvmc_wait_ready
2:  adds r0, #4
    cmp r0, r1
    bne 1b
    movs r3, #WEN_READ_ONLY
    str r3, [r6, #NVMC_CONFIG]
    b wp_ok
3:  b wp_fail

nrf_name_code:
    .asciz "Code Flash"
nrf_name_uicr:
    .asciz "UICR"
    .balign 2
.endm
