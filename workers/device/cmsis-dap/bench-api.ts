/**
 * What the device worker offers the device-script workbench (the page's "Chip workbench"): the
 * chip's ids and every script's match result, a script uploaded from the page and its entry
 * points run one at a time with their syscall traps, time and return registers, and an erase /
 * write / read-back test of one flash block. Plain data only: it crosses comlink.
 */
import type { FlashArea } from '../../../src/core/device-script';
import type { BackendCallOptions } from '../device-api';

/** A syscall trap as it was serviced (for the device-script workbench's trace). */
export type SyscallEvent =
  | { kind: 'watchpoint-set'; address: number; mask: number; fn: number }
  | { kind: 'watchpoint-cleared' }
  | { kind: 'safe-read'; address: number; value?: number }
  | { kind: 'watchpoint-hit'; pc: number }
  | { kind: 'unknown'; number: number };

/** Where a script offered to identification comes from. */
export type BenchScriptSource = 'built-in' | 'loaded' | 'workbench';

/** Why one script matches the chip or not, step by step as identification tries it. */
export interface BenchScriptMatch {
  /** The script's family name. */
  name: string;
  /** Built into the app, loaded by the person, or the workbench's own. */
  source: BenchScriptSource;
  /** True when the script passes every step. */
  matched: boolean;
  /** True for the first script that matches: the one identification takes. */
  chosen: boolean;
  /** The step that decided: the ROM table ids, a check value, the cpuid entry. */
  step: 'pid' | 'check-value' | 'cpuid' | 'matched';
  /** In plain words: what was read against what the script wants. */
  reason: string;
}

/** CortexProg's "info": the chip's ids and every script's match result. */
export interface BenchInfo {
  /** The debug port's DPIDR. */
  dpidr: number;
  /** The MEM-AP's IDR. */
  apIdr: number;
  /** ROM table base (the AP's BASE with the format bits cleared). */
  romTable: number;
  /** PID4..PID7, PID0..PID3: the eight words scripts match. */
  pids: number[];
  /** CID0..CID3 (the ROM table's component id: 0x0D 0x10 0x05 0xB1 for a ROM table). */
  cids: number[];
  /** SCS CPUID, undefined when unreadable. */
  cpuid?: number;
  /** Every script, in the order identification tries them (loaded ones first). */
  scripts: BenchScriptMatch[];
}

/** An entry point the workbench runs on its own. */
export type BenchStage = 'cpuid' | 'init1' | 'init2' | 'init3';

/** A syscall trap with the modeled (or wall) time it was serviced, from the entry's start. */
export type BenchTrap = SyscallEvent & { atMs: number };

/** One entry call as the workbench shows it. */
export interface BenchEntryRun {
  /** The entry's name (cpuid, init stage 1, pageErase...). */
  entry: string;
  /** R0–R3 after it returned. */
  registers: [number, number, number, number];
  /** How long it ran, in ms (modeled time on a simulated probe). */
  timeMs: number;
  /** The syscalls it made, in order. */
  traps: BenchTrap[];
  /** What the result means in words ("cpuid accepts the core", "FlashInfoRaw at 0x…"). */
  verdict: string;
  /** True when the entry reported success. */
  ok: boolean;
}

/** The result of a stage: the entry's run and, after the last init stage, the flash it describes. */
export interface BenchStageResult extends BenchEntryRun {
  /** The decoded FlashInfoRaw / FlashNamesRaw (last init stage only, when it decoded). */
  flash?: FlashArea[];
  /** Why FlashInfoRaw did not decode (last init stage only). */
  flashProblem?: string;
}

/** The script the workbench uploads: the bytes of a `.swds` (assembled in the page or loaded). */
export interface BenchScriptFile {
  /** File name (messages). */
  file: string;
  /** The `.swds` bytes. */
  bytes: Uint8Array;
}

/** What the script's header offers, once uploaded. */
export interface BenchLoaded {
  /** The family name from the footer. */
  name: string;
  /** Load and staging addresses. */
  loadAddr: number;
  stagingAddr: number;
  /** Uploaded bytes. */
  size: number;
  /** The stages present, in the order to run them. */
  stages: BenchStage[];
  /** Which flash entries are present. */
  entries: { allErase: boolean; pageErase: boolean; pageWrite: boolean };
}

/** A data pattern for the block test. */
export type BenchPattern = 'zeros' | 'ones-zeros' | 'counter' | 'address';

/** Which steps of the block test to run. */
export interface BenchBlockRequest {
  /** Start of one erase block of the decoded flash. */
  address: number;
  /** The data written. */
  pattern: BenchPattern;
  /** Run pageErase first (default true). */
  erase?: boolean;
  /** Program the pattern (default true). */
  write?: boolean;
}

/** What the block test found. */
export interface BenchBlockResult {
  /** The block tested. */
  address: number;
  size: number;
  /** pageErase's run, when erased. */
  erase?: BenchEntryRun;
  /** True when every byte read 0xFF after the erase. */
  blankAfterErase?: boolean;
  /** Each pageWrite run (one per write block). */
  writes: BenchEntryRun[];
  /** True when the block reads back as written (or as erased when nothing was written). */
  readBackMatches: boolean;
  /** The first address that read back wrong, with what it held and what was expected. */
  firstDifference?: { address: number; actual: number; expected: number };
  /** The first 64 bytes read back. */
  head: Uint8Array;
}

/** The workbench part of the device worker's API. */
export interface WorkbenchWorkerApi {
  /**
   * CortexProg's info on CMSIS-DAP device `deviceId`: ids, and each script's match result (the
   * built-in and loaded ones, then `extra` when given). Runs cpuid entries; writes no flash.
   */
  benchInfo(deviceId: string, extra?: BenchScriptFile, options?: BackendCallOptions): Promise<BenchInfo>;
  /** Halts the core and uploads `script` to its load address (the next operation reconnects). */
  benchLoad(deviceId: string, script: BenchScriptFile, options?: BackendCallOptions): Promise<BenchLoaded>;
  /** Runs one entry of the uploaded script (NOT_SUPPORTED when the header lacks it). */
  benchStage(deviceId: string, stage: BenchStage, options?: BackendCallOptions): Promise<BenchStageResult>;
  /**
   * Erases, writes and reads back one block of the flash the last init stage described. A
   * write to the device: refused without `options.allowWrites`, asked through `options.confirm`.
   */
  benchBlock(
    deviceId: string,
    request: BenchBlockRequest,
    options?: BackendCallOptions,
  ): Promise<BenchBlockResult>;
}
