/**
 * Low-level debug access for CortexProg-style special scripts (`init()` / `main(step, …)`):
 * bring the connection up step by step, raw SW-DP/AP registers, target memory words, core
 * registers, run control, and the loaded device script's flash entries.
 */
import { formatAddress } from '../../src/core/errors';

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

/**
 * The confirmation a debug request asks for before it runs, where the caller gives a
 * `confirm` callback (as `mp.backend`'s erase operations do): a raw write (a target memory
 * word or an access-port register, which can reach a flash controller or Nordic's CTRL-AP and
 * erase or program the chip), the device script's mass erase, its block erase, or running the
 * core from registers a script set (asked only then; see {@link DebugWriteGate}).
 */
export type DebugConfirmation = 'raw_write' | 'erase_all' | 'erase_block' | 'run_code';

/**
 * True for requests that may change what the chip holds: they are refused unless hardware
 * writes are allowed (`mp.app.allow_hw_writes`), like `mp.backend`'s write operations.
 * Reads, core registers and run control stay allowed (but see {@link DebugWriteGate}: running
 * the core from registers a script set is gated), and so do writes to SW-DP registers
 * (SELECT, ABORT, CTRL/STAT): they reach no memory, and selecting an AP is part of reading it.
 */
export function debugRequestWrites(request: DebugRequest): boolean {
  switch (request.op) {
    case 'swd_write':
      return request.ap;
    case 'word_write':
    case 'script_erase_all':
    case 'script_erase_block':
    case 'script_write_block':
      return true;
    default:
      return false;
  }
}

/** The confirmation `request` asks for, if any (see {@link DebugConfirmation}). */
export function debugConfirmation(request: DebugRequest): DebugConfirmation | undefined {
  switch (request.op) {
    case 'swd_write':
      return request.ap ? 'raw_write' : undefined;
    case 'word_write':
      return 'raw_write';
    case 'script_erase_all':
      return 'erase_all';
    case 'script_erase_block':
      return 'erase_block';
    case 'go':
    case 'step':
      return 'run_code';
    default:
      return undefined;
  }
}

/** What a gated debug request does, as the subject of the "writes are not allowed" message. */
export function describeDebugWrite(request: DebugRequest): string {
  switch (request.op) {
    case 'swd_write':
      return 'A direct access-port write';
    case 'word_write':
      return `A direct memory write (at ${formatAddress(request.address)})`;
    case 'script_erase_all':
      return "The device script's mass erase";
    case 'script_erase_block':
      return "The device script's block erase";
    case 'go':
    case 'step':
      return 'Running the core from registers the script set (cpuRegSet)';
    default:
      return "The device script's block write";
  }
}
