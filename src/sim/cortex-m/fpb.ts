/**
 * Flash Patch and Breakpoint unit (v7-M FPB) / Breakpoint Unit (v6-M BPU) at 0xE0002000.
 * FP_CTRL: bit 0 ENABLE, bit 1 KEY (a write only takes effect with KEY = 1), NUM_CODE in bits
 * 7:4 (and 14:12), NUM_LIT in 11:8. FP_COMPn at 0x008 + 4·n: bit 0 enable, bits 28:2 the
 * word address, bits 31:30 which halfword(s) match (01 lower, 10 upper, 11 both; 00 = remap,
 * which the model does not implement). Only Code-region addresses (below 0x20000000) match.
 */
import type { BusDevice, Master } from './bus';
import { idRegister, type ComponentId } from './coresight-ids';

/** The FPB/BPU. `changed()` tells the runner to re-check its armed flags. */
export class Fpb implements BusDevice {
  private enable = false;
  private readonly comps: Uint32Array;
  private remap = 0;
  breakpointsArmed = false;

  constructor(
    readonly codeComparators: number,
    readonly literalComparators: number,
    private readonly id: ComponentId,
    private readonly changed: () => void,
  ) {
    this.comps = new Uint32Array(codeComparators + literalComparators);
  }

  /** True if an enabled code comparator matches the halfword at `pc`. */
  breakpointAt(pc: number): boolean {
    for (let i = 0; i < this.codeComparators; i++) {
      const c = this.comps[i];
      if ((c & 1) === 0) continue;
      const word = c & 0x1ffffffc;
      const match = c >>> 30;
      if ((match & 1) !== 0 && pc === word) return true;
      if ((match & 2) !== 0 && pc === word + 2) return true;
    }
    return false;
  }

  /**
   * The halfwords enabled code comparators match, as `[start, end)` pairs (enabled or not by
   * FP_CTRL: a superset of where {@link breakpointAt} can be true).
   */
  matchRanges(): number[] {
    const ranges: number[] = [];
    for (let i = 0; i < this.codeComparators; i++) {
      const c = this.comps[i];
      if ((c & 1) === 0) continue;
      const word = c & 0x1ffffffc;
      ranges.push(word, word + 4);
    }
    return ranges;
  }

  /** Clears all comparators and the enable bit (power-on state). */
  reset(): void {
    this.enable = false;
    this.comps.fill(0);
    this.refresh();
  }

  private refresh(): void {
    let armed = false;
    for (let i = 0; i < this.codeComparators; i++) armed ||= (this.comps[i] & 1) !== 0;
    this.breakpointsArmed = this.enable && armed;
    this.changed();
  }

  read(offset: number, size: number): number {
    const word = this.readWord(offset & ~3);
    return size === 4 ? word : (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  private readWord(offset: number): number {
    if (offset === 0x000) {
      const code = this.codeComparators;
      return (
        (((code >>> 4) & 7) << 12) |
        ((this.literalComparators & 0xf) << 8) |
        ((code & 0xf) << 4) |
        (this.enable ? 1 : 0)
      );
    }
    if (offset === 0x004) return this.remap;
    const index = (offset - 0x008) >>> 2;
    if (offset >= 0x008 && index < this.comps.length) return this.comps[index];
    return idRegister(this.id, offset) ?? 0;
  }

  write(offset: number, value: number, size: number, _master: Master): void {
    if (size !== 4) return;
    if (offset === 0x000) {
      if ((value & 2) === 0) return; // KEY must be written as 1
      this.enable = (value & 1) !== 0;
    } else if (offset === 0x004) {
      this.remap = value & 0x1fffffe0;
    } else {
      const index = (offset - 0x008) >>> 2;
      if (offset < 0x008 || index >= this.comps.length) return;
      this.comps[index] = value >>> 0;
    }
    this.refresh();
  }
}
