/**
 * A block of peripheral registers the model does not give behaviour to: reads return the last
 * value written (0 after reset), so firmware that configures clocks or GPIO runs on, and
 * `overrides` give fixed values to registers that firmware polls (e.g. the WDT REQSTATUS that
 * pyOCD's nRF flash algorithm reads).
 */
import type { BusDevice } from '../cortex-m/bus';

/** A register block of plain storage. */
export class RegisterFile implements BusDevice {
  private readonly words = new Map<number, number>();

  constructor(private readonly overrides: ReadonlyMap<number, number> = new Map()) {}

  read(offset: number, size: number): number {
    const aligned = offset & ~3;
    const word = this.overrides.get(aligned) ?? this.words.get(aligned) ?? 0;
    if (size === 4) return word >>> 0;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  write(offset: number, value: number, size: number): void {
    const aligned = offset & ~3;
    if (size === 4) {
      this.words.set(aligned, value >>> 0);
      return;
    }
    const shift = 8 * (offset & 3);
    const mask = (size === 2 ? 0xffff : 0xff) << shift;
    const old = this.words.get(aligned) ?? 0;
    this.words.set(aligned, ((old & ~mask) | ((value << shift) & mask)) >>> 0);
  }

  /** Plain storage: only a write changes what a read returns. */
  nextChangeUs(): number {
    return Infinity;
  }

  /** Clears every register (system reset). */
  reset(): void {
    this.words.clear();
  }
}

/** A read-only block of little-endian words (FICR, system memory, OTP). */
export function readOnlyWords(words: ReadonlyMap<number, number>, fill = 0xffffffff): BusDevice {
  return {
    read(offset, size) {
      const word = words.get(offset & ~3) ?? fill;
      if (size === 4) return word >>> 0;
      return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
    },
    write: () => undefined,
    nextChangeUs: () => Infinity,
  };
}
