/**
 * A NOR flash array: programming can only clear bits (the new value is ANDed in), erasing sets
 * a whole block back to 0xFF. The array itself has no rules about *when* it may be written:
 * that is the flash controller's job (see `nvmc.ts`, `stm32f4-flash.ts`), which also counts
 * the writes it ignored.
 */

/** The erased value of every byte. */
export const ERASED_BYTE = 0xff;

/** A NOR flash array of `size` bytes. */
export class NorFlash {
  /** The contents. Tests may read it directly; writes should go through {@link program}. */
  readonly data: Uint8Array;
  private readonly view: DataView;
  /** Word/halfword/byte program operations performed. */
  programCount = 0;
  /** Erase operations performed. */
  eraseCount = 0;

  constructor(readonly size: number) {
    this.data = new Uint8Array(size).fill(ERASED_BYTE);
    this.view = new DataView(this.data.buffer);
  }

  /** Reads `size` (1, 2 or 4) bytes, little-endian, at `offset`. */
  read(offset: number, size: number): number {
    if (size === 4) return this.view.getUint32(offset, true);
    if (size === 2) return this.view.getUint16(offset, true);
    return this.data[offset];
  }

  /** Programs `size` bytes at `offset`: each bit can only go from 1 to 0. */
  program(offset: number, value: number, size: number): void {
    for (let i = 0; i < size; i++) this.data[offset + i] &= (value >>> (8 * i)) & 0xff;
    this.programCount++;
  }

  /** Erases `[offset, offset + length)` to 0xFF. */
  erase(offset: number, length: number): void {
    this.data.fill(ERASED_BYTE, offset, offset + length);
    this.eraseCount++;
  }

  /** Copies `bytes` in at `offset` as a factory programmer would (no AND, no counters). */
  load(offset: number, bytes: Uint8Array): void {
    this.data.set(bytes, offset);
  }
}
