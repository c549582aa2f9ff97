import type { CancelSignal } from '../errors';

/**
 * What the flasher needs from a chip: the operations a device script (or any other flash
 * algorithm) provides. Implemented by the CMSIS-DAP backend; faked in tests.
 */

/** Result of an on-chip blank check. */
export interface BlankCheckResult {
  /** True when every byte is erased. */
  blank: boolean;
  /** First non-blank address when not blank. */
  firstNonBlank?: number;
}

/** One erase block's work in a streamed flash ({@link FlashAlgorithm.programStream}). */
export interface ProgramJob {
  /** The erase block. */
  block: { address: number; size: number };
  /** Erase it first (false when it is already erased). */
  erase: boolean;
  /** Write blocks to program in it, ascending; none when the block is to end up erased. */
  writes: { address: number; data: Uint8Array }[];
}

/**
 * What the chip's operations cost, for choosing between a chip erase and block erases the way
 * pyOCD weighs them (typical silicon figures of the chip the algorithm drives).
 */
export interface EraseCosts {
  /** Erase time of one erase block, µs. */
  blockEraseUs(block: { address: number; size: number }): number;
  /** Chip (mass) erase time, µs. */
  chipEraseUs: number;
  /** Programming time per byte of data that is not erased-value, µs. */
  programUsPerByte: number;
  /** Link time per byte moved to or from the chip, µs. */
  linkUsPerByte: number;
  /**
   * Names of the flash regions a chip erase leaves as they are (default: it clears every flash
   * region). STM32F1 MER and STM32G0 MER1 leave the option bytes: those blocks are erased block by
   * block when the image changes them, and need no restoring after a chip erase.
   */
  chipEraseKeeps?: readonly string[];
}

/** Flash operations on one connected chip. Every call may throw a `WebProgError`. */
export interface FlashAlgorithm {
  /** Erases the whole chip, when the chip can. */
  eraseAll?(): Promise<void>;
  /** Erases the erase block starting at `address`. */
  eraseBlock(address: number): Promise<void>;
  /** Programs the write block at `address` with `data` (exactly one write block). */
  writeBlock(address: number, data: Uint8Array): Promise<void>;
  /** CRC-32 (ISO-HDLC) of `[address, address+length)` computed on the chip, when supported. */
  blockChecksum?(address: number, length: number): Promise<number>;
  /**
   * CRC-32s of `count` consecutive blocks of `blockSize` bytes from `address`, computed on the
   * chip in as few calls as it can, when supported.
   */
  blockChecksums?(address: number, blockSize: number, count: number): Promise<number[]>;
  /**
   * Compares `[address, address+content.length)` with `content` on the chip (a CMSIS
   * algorithm's Verify), when supported: undefined when equal, else the first differing address
   * the chip reports. When present verify uses it before any on-chip checksum.
   */
  verifyBlock?(address: number, content: Uint8Array): Promise<number | undefined>;
  /** On-chip blank check of `[address, address+length)`, when supported. */
  blankCheck?(address: number, length: number): Promise<BlankCheckResult>;
  /** Reads memory. */
  read(address: number, length: number): Promise<Uint8Array>;
  /**
   * Erases one erase block and programs write blocks inside it, free to overlap the two (for
   * example uploading the first block's data while the erase runs). When absent the flasher
   * calls {@link eraseBlock} and {@link writeBlock}.
   */
  eraseAndWrite?(
    block: { address: number; size: number },
    writes: { address: number; data: Uint8Array }[],
  ): Promise<void>;
  /**
   * Erases (where asked) and programs `jobs` in order as one stream, free to upload the next
   * write block while the chip erases or programs (double-buffered staging where the chip has
   * room). With `eraseAll` it erases the whole chip first (staging the first blocks meanwhile).
   * Calls `onJobDone(i)` once job `i` is complete; checks `signal` between operations. When
   * absent the flasher calls {@link eraseAll}, {@link eraseAndWrite} or {@link eraseBlock} and
   * {@link writeBlock}.
   */
  programStream?(
    jobs: readonly ProgramJob[],
    options?: { onJobDone?: (index: number) => void; signal?: CancelSignal; eraseAll?: boolean },
  ): Promise<void>;
  /** What the chip's operations cost; with {@link eraseAll}, lets the flasher pick chip erase. */
  readonly costs?: EraseCosts;
  /**
   * Write blocks {@link programStream} can hold staged in the chip's RAM at once (1 when
   * absent): what the flasher's cost model lets a stream upload while the chip erases.
   */
  readonly stagingBuffers?: number;
}
