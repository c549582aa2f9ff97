@ WebProg's own CMSIS flash algorithm for the STM32F411xE (512 KiB: sectors 0-3 of 16 KiB at
@ 0x08000000, sector 4 of 64 KiB, sectors 5-7 of 128 KiB). Registers and procedures: ST RM0383,
@ FLASH chapter (/work/shared/reference/flash-targets.md section 4). Programs 32 bits at a time
@ (PSIZE x32, 2.7-3.6 V). Timeouts: a 128 KiB sector erases in at most 4 s (x32), with margin.

    .include "common.S"

    .equ FLASH_BASE, 0x08000000
    .equ FLASH_KEYR, 0x40023C04
    .equ FLASH_SR, 0x40023C0C
    .equ FLASH_CR, 0x40023C10
    .equ KEY1, 0x45670123
    .equ KEY2, 0xCDEF89AB
    .equ CR_PG, 1 << 0
    .equ CR_SER, 1 << 1
    .equ CR_MER, 1 << 2
    .equ CR_PSIZE_X32, 2 << 8
    .equ CR_STRT, 1 << 16
    .equ CR_LOCK, 1 << 31
    @ SR: EOP 0 and the errors OPERR 1, WRPERR 4, PGAERR 5, PGPERR 6, PGSERR 7 (write 1 to clear)
    .equ SR_CLEAR, 0xF3
    .equ SR_ERRORS, 0xF2

@ Waits while SR.BSY (bit 16); leaves r3 = SR. Needs r2 = FLASH_SR.
.macro stm_wait
9:  ldr r3, [r2]
    lsrs r1, r3, #17
    bcs 9b
.endm

@ r0 = 0 when SR (r3) shows no error, else 1; CR back to 0 (unlocked, idle). Clobbers r1-r3.
.macro stm_result
    movs r1, #SR_ERRORS
    ands r3, r1
    movs r0, #0
    cmp r3, #0
    beq 7f
    movs r0, #1
7:  ldr r1, =FLASH_CR
    movs r2, #0
    str r2, [r1]
.endm

    algo_common

@ Init(adr, clk, fnc): unlocks CR with the key sequence when locked, clears SR's flags.
@ Returns 1 when CR stays locked.
    algo_function Init
    algo_keep_fnc
    ldr r1, =FLASH_CR
    ldr r3, [r1]
    cmp r3, #0
    bge 1f
    ldr r2, =FLASH_KEYR
    ldr r3, =KEY1
    str r3, [r2]
    ldr r3, =KEY2
    str r3, [r2]
    ldr r3, [r1]
1:  movs r0, #1
    cmp r3, #0
    blt 2f
    ldr r2, =FLASH_SR
    movs r3, #SR_CLEAR
    str r3, [r2]
    movs r0, #0
2:  bx lr

@ UnInit(fnc): locks CR again.
    algo_function UnInit
    ldr r1, =FLASH_CR
    ldr r3, =CR_LOCK
    str r3, [r1]
    movs r0, #0
    mov r3, r9
    str r0, [r3]
    bx lr

@ EraseChip(): MER, then STRT.
    algo_function EraseChip
    ldr r2, =FLASH_SR
    stm_wait
    ldr r1, =FLASH_CR
    ldr r3, =(CR_MER | CR_PSIZE_X32)
    str r3, [r1]
    ldr r0, =CR_STRT
    orrs r3, r0
    str r3, [r1]
    stm_wait
    stm_result
    bx lr

@ EraseSector(adr): SER with SNB = the sector holding adr, then STRT.
    algo_function EraseSector
    ldr r2, =FLASH_BASE
    subs r0, r0, r2          @ offset into flash
    lsrs r1, r0, #16
    bne 1f
    lsrs r0, r0, #14         @ below 64 KiB: sectors 0-3
    b 3f
1:  lsrs r1, r0, #17
    bne 2f
    movs r0, #4              @ 64 KiB sector 4
    b 3f
2:  lsrs r0, r0, #17         @ 128 KiB sectors from 5
    adds r0, #4
3:  lsls r0, r0, #3          @ SNB
    ldr r2, =FLASH_SR
    stm_wait
    ldr r1, =FLASH_CR
    ldr r3, =(CR_SER | CR_PSIZE_X32)
    orrs r3, r0
    str r3, [r1]
    ldr r0, =CR_STRT
    orrs r3, r0
    str r3, [r1]
    stm_wait
    stm_result
    bx lr

@ ProgramPage(adr, sz, buf): PG with PSIZE x32, one word at a time, waiting after each;
@ stops at the first error.
    algo_function ProgramPage
    algo_require_program
    push {r4, r5, lr}
    adds r1, #3
    lsrs r1, r1, #2
    lsls r1, r1, #2
    adds r4, r0, r1          @ r4 = end
    mov r5, r2               @ r5 = source
    ldr r2, =FLASH_SR
    stm_wait
    ldr r1, =FLASH_CR
    ldr r3, =(CR_PG | CR_PSIZE_X32)
    str r3, [r1]
1:  cmp r0, r4
    beq 2f
    ldr r1, [r5]
    str r1, [r0]
    adds r5, #4
    adds r0, #4
    stm_wait
    movs r1, #SR_ERRORS
    tst r3, r1
    beq 1b
2:  stm_result
    pop {r4, r5, pc}
    .ltorg

    algo_device "STM32F411 512 KiB Flash", 0x08000000, 0x80000, 0x400, 0xFF, 100, 6000
    algo_sectors 0x4000, 0x0
    algo_sectors 0x10000, 0x10000
    algo_sectors 0x20000, 0x20000
    algo_sectors_end
