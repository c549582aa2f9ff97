@ Nordic nRF5x NVMC functions of WebProg's own CMSIS flash algorithms (nRF51 / nRF52833
@ product specifications, NVMC chapter; /work/shared/reference/flash-targets.md section 2).
@ The including file calls algo_common and nrf_functions, then describes its flash.

    .equ NVMC_READY, 0x4001E400
    .equ NVMC_CONFIG, 0x4001E504
    .equ NVMC_ERASEPAGE, 0x4001E508
    .equ NVMC_ERASEALL, 0x4001E50C
    .equ WEN_READ_ONLY, 0
    .equ WEN_WRITE, 1
    .equ WEN_ERASE, 2

@ Waits until NVMC READY reads 1. Clobbers r3 (r2 = NVMC_READY).
.macro nvmc_wait
9:  ldr r3, [r2]
    lsrs r3, r3, #1
    bcc 9b
.endm

@ Sets CONFIG.WEN to \wen. Clobbers r3.
.macro nvmc_config wen
    ldr r3, =NVMC_CONFIG
    movs r1, #\wen
    str r1, [r3]
.endm

.macro nrf_functions
@ Init(adr, clk, fnc): nothing to prepare on the NVMC; keeps fnc.
    algo_function Init
    algo_keep_fnc
    movs r0, #0
    bx lr

@ UnInit(fnc): CONFIG back to read-only, no function active.
    algo_function UnInit
    ldr r2, =NVMC_READY
    nvmc_wait
    nvmc_config WEN_READ_ONLY
    movs r0, #0
    mov r3, r9
    str r0, [r3]
    bx lr

@ EraseChip(): ERASEALL (code flash and UICR).
    algo_function EraseChip
    ldr r2, =NVMC_READY
    nvmc_wait
    nvmc_config WEN_ERASE
    ldr r3, =NVMC_ERASEALL
    movs r1, #1
    str r1, [r3]
    nvmc_wait
    nvmc_config WEN_READ_ONLY
    movs r0, #0
    bx lr

@ EraseSector(adr): ERASEPAGE with the page's address.
    algo_function EraseSector
    ldr r2, =NVMC_READY
    nvmc_wait
    nvmc_config WEN_ERASE
    ldr r3, =NVMC_ERASEPAGE
    str r0, [r3]
    nvmc_wait
    nvmc_config WEN_READ_ONLY
    movs r0, #0
    bx lr

@ ProgramPage(adr, sz, buf): programs sz bytes (rounded up to words) word by word, waiting for
@ READY after each; words of 0xFFFFFFFF are left alone (a no-op on erased flash).
    algo_function ProgramPage
    algo_require_program
    push {r4, r5, lr}
    adds r1, #3
    lsrs r1, r1, #2
    lsls r1, r1, #2
    adds r4, r0, r1          @ r4 = end
    mov r5, r2               @ r5 = source
    ldr r2, =NVMC_READY
    nvmc_wait
    ldr r3, =NVMC_CONFIG
    movs r1, #WEN_WRITE
    str r1, [r3]
1:  cmp r0, r4
    beq 3f
    ldr r1, [r5]
    adds r5, #4
    adds r3, r1, #1          @ 0xFFFFFFFF -> 0: skip
    beq 2f
    str r1, [r0]
    nvmc_wait
2:  adds r0, #4
    b 1b
3:  nvmc_config WEN_READ_ONLY
    movs r0, #0
    pop {r4, r5, pc}
    .ltorg
.endm
