/**
 * The flash of a simulated RL78: code flash from 0x00000 and data flash from 0xF1000, erased to
 * 0xFF in 1 KiB blocks, programmed with NOR rules (a program can only clear bits: a 1 written
 * over a 0 leaves the 0, which only a later Verify shows), and the security flags the boot
 * firmware keeps in the extra area.
 */
import { BLOCK_SIZE, DATA_FLASH_BASE, type Rl78ChipSpec } from './chips';

/**
 * Security flags as Security Get / Set carry them (FLG byte; a 0 bit means "prohibited", the
 * other bits read 1): bit 1 boot cluster 0 rewrite, bit 2 block erase, bit 4 programming
 * (write). The same byte the RL78 flash self-programming library's FSL_GetSecurityFlags returns
 * (Renesas fsl.h: "bit_1 = 0 -> boot-area re-programming disabled, bit_2 = 0 -> block erase
 * command disabled, bit_4 = 0 -> write command disabled, other bits = 1").
 */
export const SecurityFlag = {
  bootClusterProhibited: 0x02,
  blockEraseProhibited: 0x04,
  programmingProhibited: 0x10,
} as const;

/** The security settings of a chip. */
export interface SecuritySettings {
  /** FLG: all bits 1 when nothing is prohibited. */
  flags: number;
  /** BOT: the boot block cluster's last block number. */
  bootBlock: number;
  /** Flash shield window start and end block. */
  windowStart: number;
  windowEnd: number;
}

/** A flash area of the chip. */
export interface FlashArea {
  readonly base: number;
  readonly data: Uint8Array;
}

/** The code and data flash of one simulated part. */
export class Rl78Flash {
  /** Code flash contents (live). */
  readonly code: Uint8Array;
  /** Data flash contents (live). */
  readonly dataFlash: Uint8Array;
  /** Security settings. */
  security: SecuritySettings;

  constructor(readonly chip: Rl78ChipSpec) {
    this.code = new Uint8Array(chip.codeFlashSize).fill(0xff);
    this.dataFlash = new Uint8Array(chip.dataFlashSize).fill(0xff);
    this.security = {
      flags: 0xff,
      bootBlock: chip.bootClusterSize / BLOCK_SIZE - 1,
      windowStart: 0,
      windowEnd: chip.codeFlashSize / BLOCK_SIZE - 1,
    };
  }

  /** Last code flash address (the signature's field). */
  get codeEnd(): number {
    return this.chip.codeFlashSize - 1;
  }

  /** Last data flash address (the signature's field). */
  get dataEnd(): number {
    return DATA_FLASH_BASE + this.chip.dataFlashSize - 1;
  }

  /** The area holding `[start, end]` entirely, if one does. */
  area(start: number, end: number): FlashArea | undefined {
    if (start <= end && end <= this.codeEnd) return { base: 0, data: this.code };
    if (start >= DATA_FLASH_BASE && start <= end && end <= this.dataEnd)
      return { base: DATA_FLASH_BASE, data: this.dataFlash };
    return undefined;
  }

  /** True when `[start, end]` touches boot cluster 0. */
  inBootCluster(start: number): boolean {
    return start < this.chip.bootClusterSize;
  }

  /** Erases the 1 KiB block at `address` (must be a block start). */
  eraseBlock(address: number): void {
    const area = this.area(address, address + BLOCK_SIZE - 1)!;
    area.data.fill(0xff, address - area.base, address - area.base + BLOCK_SIZE);
  }

  /** Programs bytes with NOR rules (AND into the cells). */
  program(address: number, bytes: Uint8Array): void {
    const area = this.area(address, address + bytes.length - 1)!;
    const offset = address - area.base;
    for (let i = 0; i < bytes.length; i++) area.data[offset + i] &= bytes[i];
  }

  /** Reads `[start, end]`. */
  read(start: number, end: number): Uint8Array {
    const area = this.area(start, end)!;
    return area.data.slice(start - area.base, end - area.base + 1);
  }

  /** Writes bytes directly (test preloading, no NOR rule). */
  load(address: number, bytes: Uint8Array): void {
    const area = this.area(address, address + bytes.length - 1);
    if (!area) throw new RangeError(`No flash at 0x${address.toString(16)}+${bytes.length}`);
    area.data.set(bytes, address - area.base);
  }
}
