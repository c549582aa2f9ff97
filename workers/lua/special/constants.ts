/**
 * CortexProg's special-script constants (`tool/ops.h`, `tool/script.h`, `cortex.h` of
 * github.com/cortexprog/cortexprogfw, tool v1.3.0.0): the TOOL_OP flags a script's `init()`
 * returns, the steps `main(step, …)` is called at, the script's supported-ops flags and the
 * CPU_STAT stop reasons. Installed as Lua globals of the same names.
 */

/** What `init()` may ask for (OR-ed). */
export const TOOL_OP = {
  TOOL_OP_WANTS_DEBUGGER: 0x001,
  TOOL_OP_NEEDS_DEBUGGER: 0x002,
  TOOL_OP_WANTS_CPU: 0x004,
  TOOL_OP_NEEDS_CPU: 0x008,
  TOOL_OP_WANTS_SCRIPT: 0x010,
  TOOL_OP_NEEDS_SCRIPT: 0x020,
  TOOL_OP_NEEDS_SCPT_WRITE: 0x040,
  TOOL_OP_NEEDS_SCPT_ERASEBLOCK: 0x080,
  TOOL_OP_NEEDS_SCPT_ERASEALL: 0x100,
} as const;

/** The steps, in the order `main` is called. */
export const TOOL_OP_STEP = {
  TOOL_OP_STEP_PRE_DEBUGGER: 0,
  TOOL_OP_STEP_PRE_DEBUGGER_ID: 1,
  TOOL_OP_STEP_PRE_CPUID: 2,
  TOOL_OP_STEP_PRE_SCRIPT: 3,
  TOOL_OP_STEP_POST_SCRIPT: 4,
  TOOL_OP_STEP_POST_SCRIPT_INIT: 5,
  TOOL_OP_STEP_MAIN: 6,
} as const;

/** The device script's entries (`scriptGetSupportedOps()`). */
export const SCRIPT_OP_FLAG = {
  SCRIPT_OP_FLAG_HAVE_ERASE_ALL: 1,
  SCRIPT_OP_FLAG_HAVE_ERASE_BLOCK: 2,
  SCRIPT_OP_FLAG_HAVE_WRITE_BLOCK: 4,
} as const;

/** Why the core stopped (the DFSR bits). */
export const CPU_STAT_CODE = {
  CPU_STAT_CODE_HALT_OR_STEP: 0x01,
  CPU_STAT_CODE_BKPT: 0x02,
  CPU_STAT_CODE_DWPT: 0x04,
  CPU_STAT_CODE_VCATCH: 0x08,
  CPU_STAT_CODE_EXTERNAL: 0x10,
} as const;

/** Every constant a special script sees as a global. */
export const SPECIAL_GLOBALS: Readonly<Record<string, number>> = {
  ...TOOL_OP,
  ...TOOL_OP_STEP,
  ...SCRIPT_OP_FLAG,
  ...CPU_STAT_CODE,
};

/**
 * CortexProg's register numbers (sets of 16: R0–R15; xPSR, MSP, PSP, CONTROL/FAULTMASK/
 * BASEPRI/PRIMASK, FPSCR; S0–S31 from 32) as DCRSR REGSEL numbers; undefined when invalid.
 */
export function cortexProgRegToRegsel(reg: number, hasFpu: boolean): number | undefined {
  if (reg >= 0 && reg <= 15) return reg;
  if (reg >= 16 && reg <= 18) return reg; // xPSR, MSP, PSP
  if (reg === 19) return 20; // CONTROL/FAULTMASK/BASEPRI/PRIMASK
  if (!hasFpu) return undefined;
  if (reg === 20) return 0x21; // FPSCR
  if (reg >= 32 && reg <= 63) return 0x40 + (reg - 32); // S0–S31
  return undefined;
}
