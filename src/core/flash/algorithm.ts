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
}
