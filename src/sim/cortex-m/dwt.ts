/**
 * Data Watchpoint and Trace unit (0xE0001000): the comparators that halt the core. Each
 * comparator is {COMP, MASK, FUNCTION} at 0x20 + 16·n; FUNCTION 4 = PC match, 5 = data read,
 * 6 = data write, 7 = read or write; MASK = number of low address bits ignored; FUNCTION
 * bit 24 (MATCHED) is set on a match and cleared when FUNCTION is read. The unit only acts when
 * DEMCR.DWTENA/TRCENA (bit 24) is set. On ARMv7-M parts CYCCNT (0x004) counts core cycles while
 * DWT_CTRL.CYCCNTENA (bit 0) and DEMCR.TRCENA are set.
 */
import { type BusDevice, type Master } from './bus';
import { idRegister, type ComponentId } from './coresight-ids';

const MATCHED = 1 << 24;

interface Comparator {
  comp: number;
  mask: number;
  func: number;
}

/** The DWT. `enabled()` reports DEMCR.DWTENA; `changed()` tells the runner to re-check. */
export class Dwt implements BusDevice {
  private readonly comparators: Comparator[];
  /** Armed flags, recomputed on every configuration change. */
  pcWatchArmed = false;
  dataWatchArmed = false;
  /** CYCCNT when the core's cycle count was `cyclesAtBase`. */
  private cyccntBase = 0;
  private cyclesAtBase = 0;
  private counting = false;
  private ctrlLow = 0;
  /** The PC-match comparators (FUNCTION 4) as index / ~ignored-bits / masked COMP triples. */
  private pcMatch = new Int32Array(0);

  constructor(
    readonly comparatorCount: number,
    private readonly id: ComponentId,
    private readonly enabled: () => boolean,
    private readonly changed: () => void,
    /** Returns the current PC for DWT_PCSR. */
    private readonly pcSample: () => number,
    private readonly maxMask = 31,
    /** The core's cycle count (ARMv7-M; without it CYCCNT keeps the value written). */
    private readonly cycles?: () => number,
  ) {
    this.comparators = Array.from({ length: comparatorCount }, () => ({ comp: 0, mask: 0, func: 0 }));
  }

  /** Re-evaluates the armed flags (e.g. after DEMCR changed). */
  refresh(): void {
    this.recount();
    const on = this.enabled();
    this.pcWatchArmed = on && this.comparators.some((c) => (c.func & 0xf) === 4);
    const pcMatch: number[] = [];
    this.comparators.forEach((c, i) => {
      if ((c.func & 0xf) !== 4) return;
      const care = ~ignoredBits(c.mask);
      pcMatch.push(i, care, c.comp & care);
    });
    this.pcMatch = Int32Array.from(pcMatch);
    this.dataWatchArmed = on && this.comparators.some((c) => (c.func & 0xf) >= 5 && (c.func & 0xf) <= 7);
    this.changed();
  }

  /**
   * The addresses PC comparators match, as `[start, end)` pairs (whether or not DWT is enabled:
   * a superset of where {@link pcWatchAt} can be true).
   */
  pcMatchRanges(): number[] {
    const ranges: number[] = [];
    for (const c of this.comparators) {
      if ((c.func & 0xf) !== 4) continue;
      const ignored = ignoredBits(c.mask);
      const start = (c.comp & ~ignored) >>> 0;
      ranges.push(start, start + ignored + 1);
    }
    return ranges;
  }

  /** True (and MATCHED set) if a PC comparator matches `pc`. */
  pcWatchAt(pc: number): boolean {
    // Checked before every instruction while a PC comparator is armed: only those, precomputed.
    const m = this.pcMatch;
    let hit = false;
    for (let i = 0; i < m.length; i += 3) {
      if ((pc & m[i + 1]) === m[i + 2]) {
        this.comparators[m[i]].func |= MATCHED;
        hit = true;
      }
    }
    return hit;
  }

  /** True (and MATCHED set) if a data comparator matches an access of `size` bytes. */
  dataWatch(address: number, size: number, write: boolean): boolean {
    let hit = false;
    for (const c of this.comparators) {
      const f = c.func & 0xf;
      if (f < 5 || f > 7 || (f === 5 && write) || (f === 6 && !write)) continue;
      const ignored = ignoredBits(c.mask);
      const start = (c.comp & ~ignored) >>> 0;
      const end = start + ignored + 1;
      if (address < end && address + size > start) {
        c.func |= MATCHED;
        hit = true;
      }
    }
    return hit;
  }

  private cycleCount(): number {
    if (!this.counting || this.cycles === undefined) return this.cyccntBase;
    return (this.cyccntBase + (this.cycles() - this.cyclesAtBase)) >>> 0;
  }

  /** Folds the cycles counted so far into the base and re-reads whether CYCCNT counts. */
  private recount(): void {
    this.cyccntBase = this.cycleCount();
    this.cyclesAtBase = this.cycles?.() ?? 0;
    this.counting = this.cycles !== undefined && (this.ctrlLow & 1) !== 0 && this.enabled();
  }

  read(offset: number, size: number): number {
    const word = this.readWord(offset & ~3);
    return size === 4 ? word : (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  private readWord(offset: number): number {
    if (offset === 0x000) return ((this.comparatorCount << 28) | this.ctrlLow) >>> 0;
    if (offset === 0x004) return this.cycleCount();
    if (offset === 0x01c) return this.pcSample() >>> 0;
    if (offset >= 0x20 && offset < 0x20 + 16 * this.comparatorCount) {
      const c = this.comparators[(offset - 0x20) >>> 4];
      switch (offset & 0xf) {
        case 0x0:
          return c.comp >>> 0;
        case 0x4:
          return c.mask;
        case 0x8: {
          const value = c.func >>> 0;
          c.func &= ~MATCHED;
          return value;
        }
        default:
          return 0;
      }
    }
    return idRegister(this.id, offset) ?? 0;
  }

  write(offset: number, value: number, size: number, _master: Master): void {
    if (size !== 4) return;
    if (offset === 0x000) {
      this.ctrlLow = value & 0x0fffffff;
      this.recount();
      return;
    }
    if (offset === 0x004) {
      this.recount();
      this.cyccntBase = value >>> 0;
      return;
    }
    if (offset >= 0x20 && offset < 0x20 + 16 * this.comparatorCount) {
      const c = this.comparators[(offset - 0x20) >>> 4];
      switch (offset & 0xf) {
        case 0x0:
          c.comp = value >>> 0;
          break;
        case 0x4:
          c.mask = Math.min(value & 0x1f, this.maxMask);
          break;
        case 0x8:
          c.func = (c.func & MATCHED) | (value & 0xf);
          break;
      }
      this.refresh();
    }
  }
}

/** The address bits a comparator with this MASK ignores, unsigned (MASK 31 ignores all but bit 31). */
function ignoredBits(mask: number): number {
  return mask >= 32 ? 0xffffffff : 2 ** mask - 1;
}
