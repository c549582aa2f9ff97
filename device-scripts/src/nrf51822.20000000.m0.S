@ WebProg device script: Nordic nRF51822 (micro:bit V1). CortexProg format, version-2 header.
@ RAM use (16 KiB parts): image 0x20000000, staging 0x20000800 (one 1 KiB page),
@ FlashInfoRaw/FlashNamesRaw 0x20000C00, stack below 0x20001000, second staging buffer
@ 0x20001000 (one 1 KiB page).

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20000C00
    .equ WP_STACK_TOP, 0x20001000
    .equ WP_STAGING2, 0x20001000
    @ UICR on the nRF51: 256 bytes (0x10001000-0x100010FF), erased only as a whole
    .equ NRF_UICR_SIZE, 0x100
    .equ NRF_UICR_SIZE_CODE, 0x08

    .include "common.S"
    .include "nrf5.S"

    wp_header nrf_init, none, none, nrf_mass_erase, nrf_block_erase, nrf_block_write, nrf51_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2

@ cpuid: a Cortex-M0 (CPUID PARTNO 0xC20) with 1 KiB code pages in FICR. r1 = key.
    .thumb_func
nrf51_cpuid:
    wp_enter
    movs r0, #0
    ldr r2, =0xE000ED00
    ldr r2, [r2]
    ldr r3, =0xFFF0
    ands r2, r3
    ldr r3, =0xC200
    cmp r2, r3
    bne 1f
    ldr r2, =NRF_FICR
    ldr r2, [r2, #FICR_CODEPAGESIZE]
    ldr r3, =0x400
    cmp r2, r3
    bne 1f
    movs r0, #1
1:  ldr r1, =WP_CPUID_KEY
    bkpt #0

    nrf_functions
    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table

    wp_footer_begin
    wp_checkval 0xE000ED00, 0x0000FFF0, 0x0000C200   @ CPUID: Cortex-M0
    wp_checkval 0x10000010, 0xFFFFFFFF, 0x00000400   @ FICR CODEPAGESIZE: 1 KiB pages
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): only the JEP106 identity of Nordic
    @ (continuation 2, code 0x44, JEDEC bit); part and revision vary (micro:bit V1: PID2 0x7C)
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x000000F0, 0x0000000F, 0x00000000
    @ values
    .word 0x00000002, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x00000040, 0x0000000C, 0x00000000
    .word 0
    wp_footer_name "Nordic nRF51822"
