/**
 * Sparse bytes over a 32-bit address space: sorted, non-overlapping, non-adjacent segments.
 * Writing over existing bytes replaces them; touching segments are merged.
 */
import { WebProgError, formatAddress } from '../errors';

/** A run of bytes at an absolute address. */
export interface Segment {
  /** Absolute start address. */
  address: number;
  /** The bytes; `address + data.length` is the end (exclusive). */
  data: Uint8Array;
}

/** An address range `[start, end)`. */
export interface AddressRange {
  /** First address. */
  start: number;
  /** One past the last address. */
  end: number;
}

const ADDRESS_LIMIT = 0x1_0000_0000;

/** Sparse byte data, the payload of every loaded file and memory image. */
export class SparseData {
  private segs: Segment[] = [];

  /** Builds sparse data from segments (later ones win where they overlap). */
  static from(segments: Iterable<Segment>): SparseData {
    const sparse = new SparseData();
    for (const s of segments) sparse.write(s.address, s.data);
    return sparse;
  }

  /**
   * Sparse data over `segments` as they are, without copying: they must be in ascending
   * address order, non-empty, and neither overlap nor touch (what a reader that sorted and
   * merged its records produces); they may share one buffer. Falls back to {@link from}
   * (copying and merging) when they are not so.
   */
  static fromSorted(segments: Segment[]): SparseData {
    let end = -1;
    for (const s of segments) {
      checkRange(s.address, s.data.length);
      if (s.data.length === 0 || s.address <= end) return SparseData.from(segments);
      end = segEnd(s);
    }
    const sparse = new SparseData();
    sparse.segs = segments;
    return sparse;
  }

  /** The segments in ascending address order. Treat them as read-only. */
  segments(): readonly Segment[] {
    return this.segs;
  }

  /** The ranges that hold data, in ascending order. */
  ranges(): AddressRange[] {
    return this.segs.map((s) => ({ start: s.address, end: s.address + s.data.length }));
  }

  /** Number of bytes that hold data. */
  get byteCount(): number {
    return this.segs.reduce((n, s) => n + s.data.length, 0);
  }

  /** True when no byte holds data. */
  get isEmpty(): boolean {
    return this.segs.length === 0;
  }

  /** Lowest and highest+1 address holding data, or undefined when empty. */
  bounds(): AddressRange | undefined {
    if (this.segs.length === 0) return undefined;
    const last = this.segs[this.segs.length - 1];
    return { start: this.segs[0].address, end: last.address + last.data.length };
  }

  /** Writes `bytes` at `address` (copied), replacing what was there. */
  write(address: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    checkRange(address, bytes.length);
    const end = address + bytes.length;
    // Segments that overlap or touch [address, end) are merged into one.
    let first = this.lowerIndex(address);
    if (first > 0 && segEnd(this.segs[first - 1]) >= address) first--;
    let last = first;
    while (last < this.segs.length && this.segs[last].address <= end) last++;
    if (first === last) {
      this.segs.splice(first, 0, { address, data: bytes.slice() });
      return;
    }
    const start = Math.min(address, this.segs[first].address);
    const mergedEnd = Math.max(end, segEnd(this.segs[last - 1]));
    const merged = new Uint8Array(mergedEnd - start);
    for (let i = first; i < last; i++) merged.set(this.segs[i].data, this.segs[i].address - start);
    merged.set(bytes, address - start);
    this.segs.splice(first, last - first, { address: start, data: merged });
  }

  /** Reads `length` bytes from `address`; bytes without data read as `fill`. */
  read(address: number, length: number, fill = 0xff): Uint8Array {
    checkRange(address, length);
    const out = new Uint8Array(length).fill(fill);
    const end = address + length;
    let i = this.lowerIndex(address);
    if (i > 0 && segEnd(this.segs[i - 1]) > address) i--;
    for (; i < this.segs.length && this.segs[i].address < end; i++) {
      const s = this.segs[i];
      const from = Math.max(address, s.address);
      const to = Math.min(end, segEnd(s));
      if (from < to) out.set(s.data.subarray(from - s.address, to - s.address), from - address);
    }
    return out;
  }

  /** True if every byte of `[address, address+length)` holds data. */
  covers(address: number, length: number): boolean {
    const s = this.segmentAt(address);
    return s !== undefined && segEnd(s) >= address + length;
  }

  /** True if any byte of `[start, end)` holds data. */
  intersects(start: number, end: number): boolean {
    const i = this.lowerIndex(start);
    if (i > 0 && segEnd(this.segs[i - 1]) > start) return true;
    return i < this.segs.length && this.segs[i].address < end;
  }

  /** The segment containing `address`, if any. */
  segmentAt(address: number): Segment | undefined {
    const i = this.lowerIndex(address + 1) - 1;
    if (i < 0) return undefined;
    const s = this.segs[i];
    return address < segEnd(s) ? s : undefined;
  }

  /** Removes data in `[start, end)`. */
  clear(start: number, end: number): void {
    const kept: Segment[] = [];
    for (const s of this.segs) {
      const sEnd = segEnd(s);
      if (sEnd <= start || s.address >= end) {
        kept.push(s);
        continue;
      }
      if (s.address < start) kept.push({ address: s.address, data: s.data.slice(0, start - s.address) });
      if (sEnd > end) kept.push({ address: end, data: s.data.slice(end - s.address) });
    }
    this.segs = kept;
  }

  /** A copy holding only the data inside `[start, end)`. */
  slice(start: number, end: number): SparseData {
    const out = new SparseData();
    for (const s of this.segs) {
      const from = Math.max(start, s.address);
      const to = Math.min(end, segEnd(s));
      if (from < to) out.segs.push({ address: from, data: s.data.slice(from - s.address, to - s.address) });
    }
    return out;
  }

  /** A deep copy. */
  clone(): SparseData {
    const out = new SparseData();
    out.segs = this.segs.map((s) => ({ address: s.address, data: s.data.slice() }));
    return out;
  }

  /** True when both hold data at exactly the same addresses with the same bytes. */
  equals(other: SparseData): boolean {
    const a = this.segs;
    const b = other.segs;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (a[i].address !== b[i].address || a[i].data.length !== b[i].data.length) return false;
      const x = a[i].data;
      const y = b[i].data;
      for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
    }
    return true;
  }

  /** Index of the first segment whose start is >= address. */
  private lowerIndex(address: number): number {
    let lo = 0;
    let hi = this.segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segs[mid].address < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function segEnd(s: Segment): number {
  return s.address + s.data.length;
}

function checkRange(address: number, length: number): void {
  if (!Number.isInteger(address) || !Number.isInteger(length) || address < 0 || length < 0) {
    throw new WebProgError('INVALID_ARGUMENT', `Invalid address range ${address} + ${length}.`);
  }
  if (address + length > ADDRESS_LIMIT) {
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `Range at ${formatAddress(address)} (+${length} bytes) passes 4 GiB.`,
      {
        address,
      },
    );
  }
}
