@ WebProg device script: Nordic nRF52833 (micro:bit V2). CortexProg format, version-2 header.
@ RAM use: image 0x20000000, staging 0x20000800 (one 4 KiB page), FlashInfoRaw/FlashNamesRaw
@ 0x20001800, stack below 0x20002000, second staging buffer 0x20002000 (one page).

    .equ WP_LOAD, 0x20000000
    .equ WP_STAGING, 0x20000800
    .equ WP_INFO, 0x20001800
    .equ WP_STACK_TOP, 0x20002000
    .equ WP_STAGING2, 0x20002000
    @ UICR on the nRF52833: registers up to 0x10001307; described as one 1 KiB erase block
    @ (the smallest size code that covers it), erased only as a whole with ERASEUICR
    .equ NRF_UICR_SIZE, 0x400
    .equ NRF_UICR_SIZE_CODE, 0x0A

    .include "common.S"
    .include "nrf5.S"

    wp_header nrf_init, none, none, nrf_mass_erase, nrf_block_erase, nrf_block_write, nrf52833_cpuid, wp_block_checksum, wp_blank_check, WP_STAGING2

@ cpuid: FICR INFO.PART (0x10000100) reads 0x52833. r1 = key.
    nrf52_part_cpuid nrf52833_cpuid, 0x00052833

    nrf_functions
    wp_block_checksum_function
    wp_blank_check_function
    wp_exits
    .ltorg
    wp_crc_table

    wp_footer_begin
    wp_checkval 0x10000100, 0xFFFFFFFF, 0x00052833   @ FICR INFO.PART
    wp_checkval 0x10000010, 0xFFFFFFFF, 0x00001000   @ FICR CODEPAGESIZE: 4 KiB pages
    wp_footer_fixed WP_LOAD, WP_STAGING
    @ ROM table PID masks (PID4..PID7, PID0..PID3): only the JEP106 identity of Nordic
    @ (continuation 2, code 0x44, JEDEC bit); part and revision vary between parts
    .word 0x0000000F, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x000000F0, 0x0000000F, 0x00000000
    @ values
    .word 0x00000002, 0x00000000, 0x00000000, 0x00000000
    .word 0x00000000, 0x00000040, 0x0000000C, 0x00000000
    .word 0
    wp_footer_name "Nordic nRF52833"
