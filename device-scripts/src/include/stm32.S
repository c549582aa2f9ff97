@ Pieces shared by the STM32 scripts (STM32F1, STM32F4).
@
@ The including script defines:
@   STM_DBGMCU_IDCODE   address of DBGMCU_IDCODE (DEV_ID in bits 11:0)

@ cpuid by DEV_ID: R0 = 1 when DBGMCU_IDCODE's DEV_ID is one of the 0-terminated half-words at
@ \ids, else 0; R1 = the CortexProg key. Defines the label \label.
.macro stm32_dev_id_cpuid label, ids
    .thumb_func
\label:
    wp_enter
    ldr r2, =STM_DBGMCU_IDCODE
    ldr r2, [r2]
    lsls r2, r2, #20
    lsrs r2, r2, #20         @ DEV_ID = bits 11:0
    ldr r3, =\ids
1:  ldrh r0, [r3]
    cmp r0, #0
    beq 2f                   @ end of list: r0 = 0
    adds r3, #2
    cmp r0, r2
    bne 1b
    movs r0, #1
2:  ldr r1, =WP_CPUID_KEY
    bkpt #0
.endm
