/**
 * Low-level debug access for CortexProg-style special scripts (`init()` / `main(step, …)`):
 * bring the connection up step by step, raw SW-DP/AP registers, target memory words, core
 * registers, run control, and the loaded device script's flash entries.
 */

/** How far to bring the connection up (CortexProg's steps). */
export type AttachStage = 'debugger' | 'cpu' | 'script' | 'init';

/** One debug request. */
export type DebugRequest =
  | { op: 'attach'; stage: AttachStage }
  | { op: 'swd_read'; ap: boolean; a23: number }
  | { op: 'swd_write'; ap: boolean; a23: number; value: number }
  | { op: 'word_read'; address: number }
  | { op: 'word_write'; address: number; value: number }
  | { op: 'reg_get'; reg: number }
  | { op: 'reg_set'; reg: number; value: number }
  | { op: 'stop' | 'go' | 'step' | 'reset' | 'status' }
  | { op: 'info' }
  | { op: 'script_erase_all' }
  | { op: 'script_erase_block'; address: number }
  | { op: 'script_write_block'; address: number; data: Uint8Array };

/** What the loaded script and the core offer. */
export interface DebugInfo {
  /** The core has a floating-point unit. */
  hasFpu: boolean;
  /** The core is ARMv7-M (or later), not ARMv6-M. */
  isV7: boolean;
  /** The device script's staging buffer. */
  stagingAddr: number;
  /** SCRIPT_OP_FLAG_HAVE_ERASE_ALL 1 | _ERASE_BLOCK 2 | _WRITE_BLOCK 4. */
  supportedOps: number;
  /** The flash regions' block sizes. */
  blocks: { base: number; size: number; eraseSize: number; writeSize: number }[];
}

/** The answer to a {@link DebugRequest}: a number (a register, a word, a CPU_STAT mask) or info. */
export interface DebugResult {
  value?: number;
  info?: DebugInfo;
}

/** CortexProg's CPU_STAT codes (the same bits as DFSR). */
export const CPU_STAT = { HALT_OR_STEP: 0x01, BKPT: 0x02, DWPT: 0x04, VCATCH: 0x08, EXTERNAL: 0x10 } as const;
