/**
 * The one interface every device backend implements (CMSIS-DAP now; ESP, ST-Link and Renesas
 * later), with MultiProg's semantics: each operation succeeds or throws a `WebProgError` with a
 * code; nothing erases or programs unless the caller allows hardware writes; what a backend
 * cannot do throws `NOT_SUPPORTED` with a message starting "Not Supported: ".
 */
import type { CancelSignal } from '../../src/core/errors';
import type { MemoryImage } from '../../src/core/memory/memory-image';
import type { Region } from '../../src/core/memory/region';
import type { DebugRequest, DebugResult } from './debug-api';
import type { Clock, ProgressListener } from '../../src/core/progress';

/** Per-call context. */
export interface OperationContext {
  /** Erasing and programming are refused unless true (`mp.app.allow_hw_writes`). */
  allowWrites?: boolean;
  /** Cancels the operation between blocks or transfers. */
  signal?: CancelSignal;
  /** Receives progress events. */
  onProgress?: ProgressListener;
  /** Overall time limit in ms (the `_timeout(ms)` forms). */
  timeoutMs?: number;
  /** Asks the person to confirm a destructive step (erase_segment, mass erase). */
  confirm?: (message: string) => Promise<boolean>;
  /** Clock for progress rates (virtual in simulations). */
  clock?: Clock;
  /**
   * connect: the chip the person named (a device script's family name, or part of it), taken
   * when identification by ids finds no script (`webprog --chip`, pyOCD's `--target`).
   */
  chip?: string;
  /**
   * connect (Renesas boot mode): the chip's 16-byte ID code as 32 hex digits, typed by the person
   * or given by a script. A wrong code is an error, never retried (the chip counts attempts).
   */
  idCode?: string;
}

/** What `get_target_info()` returns. */
export interface TargetInfo {
  /** Chip name, e.g. "nRF52833". */
  name: string;
  /** More lines: flash size, regions, ids. */
  additional: string[];
  /**
   * The CoreSight ROM table's PID4..PID7, PID0..PID3 (low bytes) when the backend read them
   * (CMSIS-DAP): the picker ranks loaded targets that fit the chip by them.
   */
  romTablePids?: number[];
}

/** What connecting found. */
export interface ConnectResult {
  /** The chip. */
  target: TargetInfo;
  /** Its memory regions. */
  regions: Region[];
}

/** What `get_programmer_info()` returns. */
export interface ProgrammerInfo {
  name: string;
  serial: string;
  connected: boolean;
  /** Backend kind, e.g. "cmsis-dap", "esp". */
  type: string;
  /** Probe firmware version as the probe reports it (DAPLink: "0257"), when known. */
  firmware?: string;
}

/** One entry of `read_checksums()`. */
export interface BlockChecksum {
  /** Block number (0-based over the flash regions). */
  blockN: number;
  /** Block start address. */
  address: number;
  /** Checksum of the whole block (CRC-32 for CMSIS-DAP, MD5 prefix for ESP). */
  baseChecksum: number;
  /** Checksums of the block's sub-blocks (write blocks), when it has several. */
  subChecksums: number[];
}

/** What write/flash/erase did, for the result line. */
export interface OperationReport {
  /** Bytes programmed. */
  bytesWritten: number;
  /** Erase blocks erased. */
  erasedBlocks: number;
  /** Blocks skipped because they already held the right data. */
  skippedBlocks: number;
  /** True when the result was verified. */
  verified: boolean;
  /** True when a flash was done in full (mass erase first) rather than page by page. */
  full?: boolean;
}

/** Options of {@link Backend.flash}. */
export interface FlashOperationOptions {
  /**
   * A range that identifies the firmware (e.g. the MicroPython runtime). When the chip's copy
   * differs from the image's, the flash is done in full (mass erase, everything written)
   * instead of page by page: a different firmware is not patched.
   */
  fullWhenDiffers?: { address: number; size: number };
}

/** Power settings (`set_power`). */
export type PowerSetting = '3v3' | '5v' | 'off';

/** The target's serial port, reached through the programmer (DAPLink's USB-UART bridge). */
export interface TargetUart {
  /** Sets the baud rate (the bridge empties its buffers). */
  configure(baud: number): Promise<void>;
  /** What the bridge received since the last read (empty when nothing). */
  read(): Promise<Uint8Array>;
  /** Sends bytes to the target. */
  write(bytes: Uint8Array): Promise<void>;
}

/** A connected programmer + target. */
export interface Backend {
  /** Backend kind: "cmsis-dap", "esp", ... */
  readonly type: string;
  /** Identifies the chip and prepares flash access; returns its identity and memory regions. */
  connect(ctx?: OperationContext): Promise<ConnectResult>;
  /** The chip's regions (after connect). */
  regions(): readonly Region[];
  /** Releases the device. */
  disconnect(): Promise<void>;
  /** True while connected. */
  isConnected(): boolean;
  /** Reads every flash region of the chip into the image. */
  read(image: MemoryImage, ctx?: OperationContext): Promise<void>;
  /** Writes the image (blank check first: refuses non-blank target blocks). */
  write(image: MemoryImage, ctx?: OperationContext): Promise<OperationReport>;
  /** Writes the image without the blank check (NOR semantics). */
  writeNoBlank(image: MemoryImage, ctx?: OperationContext): Promise<OperationReport>;
  /** Compares the chip with the image; throws VERIFY_FAILED naming the first difference. */
  verify(image: MemoryImage, ctx?: OperationContext): Promise<void>;
  /** Erases the chip (mass erase when available, else every block). */
  erase(ctx?: OperationContext): Promise<OperationReport>;
  /**
   * Erases block by block, never mass erase: only `region` (by default the chip's main flash
   * region), so the other regions stay intact.
   */
  eraseBlocks(ctx?: OperationContext, region?: string): Promise<OperationReport>;
  /** Throws NOT_BLANK naming the first non-blank block of `region` (default: main flash). */
  blankCheck(ctx?: OperationContext, region?: string): Promise<void>;
  /** Connect → erase → write → verify, skipping blocks already right. */
  flash(
    image: MemoryImage,
    ctx?: OperationContext,
    options?: FlashOperationOptions,
  ): Promise<OperationReport>;
  /** Chip-side checksums per block. */
  readChecksums(ctx?: OperationContext): Promise<BlockChecksum[]>;
  /** Reads one absolute range into the image. */
  readSegment(image: MemoryImage, address: number, size: number, ctx?: OperationContext): Promise<void>;
  /** Compares one absolute range of the chip with the image. */
  verifySegment(image: MemoryImage, address: number, size: number, ctx?: OperationContext): Promise<void>;
  /** Writes one absolute range of the image to the chip. */
  writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx?: OperationContext,
  ): Promise<OperationReport>;
  /** Erases the blocks covering one absolute range. */
  eraseSegment(address: number, size: number, ctx?: OperationContext): Promise<OperationReport>;
  /** The identified chip. */
  targetInfo(): TargetInfo;
  /** The programmer. */
  programmerInfo(): ProgrammerInfo;
  /** Low-level debug access for special scripts, where the backend has it. */
  debug?(request: DebugRequest, ctx?: OperationContext): Promise<DebugResult>;
  /** Unlocks a read-protected chip by mass erase, then connects (where the chip allows it). */
  unlock?(ctx?: OperationContext): Promise<ConnectResult>;
  /**
   * Reads raw target memory outside the flash regions (identity registers such as the nRF
   * FICR), after connect. Optional: backends that cannot leave it out.
   */
  readMemory?(address: number, length: number): Promise<Uint8Array>;
  /**
   * Serial backends: the port in use now. A board on its own USB port is a new port object
   * after each reset, and the backend moves to it; the device keeps its id.
   */
  readonly serialPort?: SerialPort;
  /**
   * The target's UART through the programmer, where it bridges one. No session needed: the
   * commands go to the probe, not the chip. Callers run them in the device's queue.
   */
  uart?(): TargetUart;
  /** Switches target power; throws NOT_SUPPORTED where the probe cannot. */
  setPower(setting: PowerSetting | 'toggle'): Promise<void>;
}
