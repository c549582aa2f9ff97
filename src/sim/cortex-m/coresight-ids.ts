/**
 * CoreSight component identification: the Peripheral/Component ID block at the top of every
 * 4 KiB component (offsets 0xFD0–0xFFC), and ROM tables built from it.
 */
import type { BusDevice } from './bus';

/** Class 1 ROM table (bytes 0D 10 05 B1). */
export const CID_ROM_TABLE = 0xb105100d;
/** Class 0xE generic IP component (SCS, DWT, BPU/FPB, ITM). */
export const CID_GENERIC = 0xb105e00d;
/** Class 9 CoreSight component (TPIU, ETM). */
export const CID_CORESIGHT = 0xb105900d;

/** A component's identity: 64-bit PID as pyOCD builds it (`PID4<<32 | PID3..PID0`) and CID. */
export interface ComponentId {
  pid: number;
  cid: number;
}

/**
 * The ID register at `offset` inside a 4 KiB component, or undefined if `offset` is not in the
 * ID block. Only bits 7:0 of each word are used: PID4..PID7 at 0xFD0, PID0..PID3 at 0xFE0,
 * CID0..CID3 at 0xFF0.
 */
export function idRegister(id: ComponentId, offset: number): number | undefined {
  if (offset < 0xfd0 || offset > 0xffc || (offset & 3) !== 0) return undefined;
  const index = (offset - 0xfd0) >>> 2;
  const high = Math.floor(id.pid / 2 ** 32);
  const low = id.pid >>> 0;
  if (index < 4) return index === 0 ? high & 0xff : (high >>> (8 * index)) & 0xff;
  if (index < 8) return (low >>> (8 * (index - 4))) & 0xff;
  return (id.cid >>> (8 * (index - 8))) & 0xff;
}

/** Reads a 32-bit word from a component that has only its ID block (everything else RAZ). */
function sizedRead(word: number, offset: number, size: number): number {
  const shift = 8 * (offset & 3);
  if (size === 4) return word >>> 0;
  return (word >>> shift) & (size === 2 ? 0xffff : 0xff);
}

/** A component that is only its ID block: reads as zero elsewhere, ignores writes. */
export function idOnlyComponent(id: ComponentId): BusDevice {
  return {
    read: (offset, size) => sizedRead(idRegister(id, offset & ~3) ?? 0, offset, size),
    write: () => undefined,
  };
}

/**
 * A ROM table: `entries` (each `offset | format | present`, the signed offset from the table
 * base in bits 31:12) from the start of the table, then the zero end marker, and its ID block.
 */
export function romTable(id: ComponentId, entries: readonly number[]): BusDevice {
  return {
    read(offset, size) {
      const wordOffset = offset & ~3;
      const index = wordOffset >>> 2;
      const word = index < entries.length ? entries[index] : (idRegister(id, wordOffset) ?? 0);
      return sizedRead(word, offset, size);
    },
    write: () => undefined,
  };
}

/** The ROM table entry that points from `tableBase` to a component at `componentBase`. */
export function romEntry(tableBase: number, componentBase: number, present = true): number {
  const offset = (componentBase - tableBase) >>> 0;
  return ((offset & 0xfffff000) | 0x2 | (present ? 1 : 0)) >>> 0;
}
