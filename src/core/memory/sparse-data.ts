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

/**
 * Sparse byte data, the payload of every loaded file and memory image.
 *
 * Stored compactly whatever the number of runs: the runs' starts, lengths and offsets sit in
 * three typed arrays (12 bytes per run) and their bytes in one backing buffer that written
 * bytes are appended to (grown and compacted when full). Its own operations never overwrite
 * stored bytes, so a view {@link segments} handed out keeps what it showed (writing through
 * such a view changes the data in place, as before). A file of 75,000 one-byte runs so takes
 * about a megabyte, not the ~170 bytes per run a `{ address, data }` object each costs.
 */
export class SparseData {
  /** Number of runs. */
  private count = 0;
  /** Run starts, ascending; capacity `starts.length`. */
  private starts: Uint32Array = EMPTY;
  /** Run lengths (non-zero). */
  private lengths: Uint32Array = EMPTY;
  /** Where each run's bytes begin in `bytes`. */
  private offsets: Uint32Array = EMPTY;
  /** The backing buffer: runs' bytes, garbage left by replaced runs, then spare room. */
  private bytes: Uint8Array = new Uint8Array(0);
  /** Bytes of `bytes` in use (runs and garbage); appends go here. */
  private used = 0;
  /** Bytes the runs hold. */
  private live = 0;
  /** The segment {@link segmentAt} returned last (callers probe byte by byte), until a change. */
  private lastSegment: { index: number; segment: Segment } | undefined;

  /** Builds sparse data from segments (later ones win where they overlap). */
  static from(segments: Iterable<Segment>): SparseData {
    const sparse = new SparseData();
    for (const s of segments) sparse.write(s.address, s.data);
    return sparse;
  }

  /**
   * Sparse data over `segments`, which should be in ascending address order, non-empty, and
   * neither overlap nor touch; other segments are merged as {@link from} does. The bytes are
   * copied into one buffer.
   */
  static fromSorted(segments: readonly Segment[]): SparseData {
    let end = -1;
    let total = 0;
    for (const s of segments) {
      checkRange(s.address, s.data.length);
      if (s.data.length === 0 || s.address <= end) return SparseData.from(segments);
      end = segEnd(s);
      total += s.data.length;
    }
    const sparse = new SparseData();
    sparse.reserveRuns(segments.length);
    sparse.bytes = new Uint8Array(total);
    for (const s of segments) sparse.appendRun(s.address, s.data);
    return sparse;
  }

  /**
   * Sparse data over runs that are already sorted, merged and laid end to end in `bytes`
   * (run `i` is `lengths[i]` bytes at `starts[i]`, its bytes following run `i - 1`'s): what a
   * reader that collected its records produces. Takes the arrays over without copying; the
   * caller must not change them afterwards. The runs' offsets go into `spare` when it is given
   * and long enough (a buffer the caller has done with), else into a new array. Throws
   * `INVALID_ARGUMENT` when the runs are not so.
   */
  static fromRuns(
    starts: Uint32Array,
    lengths: Uint32Array,
    bytes: Uint8Array,
    spare?: Uint32Array,
  ): SparseData {
    if (starts.length !== lengths.length) {
      throw new WebProgError('INVALID_ARGUMENT', 'Run starts and lengths differ in number.');
    }
    const count = starts.length;
    const offsets =
      spare !== undefined && spare.length >= count && spare.length < count * 2
        ? spare.subarray(0, count)
        : new Uint32Array(count);
    let at = 0;
    let end = -1;
    for (let i = 0; i < count; i++) {
      const length = lengths[i];
      checkRange(starts[i], length);
      if (length === 0 || starts[i] <= end) {
        throw new WebProgError('INVALID_ARGUMENT', 'Runs must be non-empty, ascending and apart.', {
          address: starts[i],
        });
      }
      end = starts[i] + length;
      offsets[i] = at;
      at += length;
    }
    if (at !== bytes.length) {
      throw new WebProgError('INVALID_ARGUMENT', `Runs hold ${at} bytes but the buffer has ${bytes.length}.`);
    }
    const sparse = new SparseData();
    sparse.count = count;
    sparse.starts = starts;
    sparse.lengths = lengths;
    sparse.offsets = offsets;
    sparse.bytes = bytes;
    sparse.used = at;
    sparse.live = at;
    return sparse;
  }

  /**
   * The segments in ascending address order: new objects on every call (views of the stored
   * bytes, which must not be changed), so prefer {@link segmentCount}, {@link ranges} or
   * {@link read} where they do.
   */
  segments(): Segment[] {
    const out = new Array<Segment>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.segment(i);
    return out;
  }

  /** Number of segments (separate runs of bytes). */
  get segmentCount(): number {
    return this.count;
  }

  /** The ranges that hold data, in ascending order. */
  ranges(): AddressRange[] {
    const out = new Array<AddressRange>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = { start: this.starts[i], end: this.endOf(i) };
    return out;
  }

  /** Number of bytes that hold data. */
  get byteCount(): number {
    return this.live;
  }

  /** True when no byte holds data. */
  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Lowest and highest+1 address holding data, or undefined when empty. */
  bounds(): AddressRange | undefined {
    if (this.count === 0) return undefined;
    return { start: this.starts[0], end: this.endOf(this.count - 1) };
  }

  /** Writes `bytes` at `address` (copied), replacing what was there. */
  write(address: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    checkRange(address, bytes.length);
    const end = address + bytes.length;
    // Runs that overlap or touch [address, end) are merged into one.
    let first = this.lowerIndex(address);
    if (first > 0 && this.endOf(first - 1) >= address) first--;
    let last = first;
    while (last < this.count && this.starts[last] <= end) last++;
    const start = first === last ? address : Math.min(address, this.starts[first]);
    const mergedEnd = first === last ? end : Math.max(end, this.endOf(last - 1));
    const at = this.allocate(mergedEnd - start);
    for (let i = first; i < last; i++) {
      const from = this.offsets[i];
      this.bytes.copyWithin(at + this.starts[i] - start, from, from + this.lengths[i]);
      this.live -= this.lengths[i];
    }
    this.bytes.set(bytes, at + address - start);
    this.live += mergedEnd - start;
    this.replaceRuns(first, last, 1);
    this.starts[first] = start;
    this.lengths[first] = mergedEnd - start;
    this.offsets[first] = at;
  }

  /** Reads `length` bytes from `address`; bytes without data read as `fill`. */
  read(address: number, length: number, fill = 0xff): Uint8Array {
    checkRange(address, length);
    const out = new Uint8Array(length).fill(fill);
    const end = address + length;
    let i = this.lowerIndex(address);
    if (i > 0 && this.endOf(i - 1) > address) i--;
    for (; i < this.count && this.starts[i] < end; i++) {
      const s = this.starts[i];
      const from = Math.max(address, s);
      const to = Math.min(end, this.endOf(i));
      if (from < to) {
        const o = this.offsets[i] - s;
        out.set(this.bytes.subarray(o + from, o + to), from - address);
      }
    }
    return out;
  }

  /** True if every byte of `[address, address+length)` holds data. */
  covers(address: number, length: number): boolean {
    const i = this.indexAt(address);
    return i >= 0 && this.endOf(i) >= address + length;
  }

  /** True if any byte of `[start, end)` holds data. */
  intersects(start: number, end: number): boolean {
    const i = this.lowerIndex(start);
    if (i > 0 && this.endOf(i - 1) > start) return true;
    return i < this.count && this.starts[i] < end;
  }

  /** The segment containing `address`, if any. */
  segmentAt(address: number): Segment | undefined {
    const last = this.lastSegment;
    if (last !== undefined && address >= last.segment.address && address < this.endOf(last.index)) {
      return last.segment;
    }
    const i = this.indexAt(address);
    if (i < 0) return undefined;
    const segment = this.segment(i);
    this.lastSegment = { index: i, segment };
    return segment;
  }

  /** Removes data in `[start, end)`. */
  clear(start: number, end: number): void {
    if (start >= end) return;
    let first = this.lowerIndex(start);
    if (first > 0 && this.endOf(first - 1) > start) first--;
    let last = first;
    while (last < this.count && this.starts[last] < end) last++;
    if (first === last) return;
    // What is left of the first and last runs keeps its bytes where they are.
    const head = this.starts[first] < start ? start - this.starts[first] : 0;
    const lastEnd = this.endOf(last - 1);
    const tail = lastEnd > end ? lastEnd - end : 0;
    const tailOffset = this.offsets[last - 1] + this.lengths[last - 1] - tail;
    const headStart = this.starts[first];
    const headOffset = this.offsets[first];
    for (let i = first; i < last; i++) this.live -= this.lengths[i];
    this.live += head + tail;
    const kept = (head > 0 ? 1 : 0) + (tail > 0 ? 1 : 0);
    this.replaceRuns(first, last, kept);
    let k = first;
    if (head > 0) {
      this.starts[k] = headStart;
      this.lengths[k] = head;
      this.offsets[k++] = headOffset;
    }
    if (tail > 0) {
      this.starts[k] = end;
      this.lengths[k] = tail;
      this.offsets[k] = tailOffset;
    }
  }

  /** A copy holding only the data inside `[start, end)`. */
  slice(start: number, end: number): SparseData {
    const out = new SparseData();
    if (start >= end) return out;
    let first = this.lowerIndex(start);
    if (first > 0 && this.endOf(first - 1) > start) first--;
    let last = first;
    let total = 0;
    for (; last < this.count && this.starts[last] < end; last++) {
      total += Math.min(end, this.endOf(last)) - Math.max(start, this.starts[last]);
    }
    out.reserveRuns(last - first);
    out.bytes = new Uint8Array(total);
    for (let i = first; i < last; i++) {
      const from = Math.max(start, this.starts[i]);
      const to = Math.min(end, this.endOf(i));
      const o = this.offsets[i] - this.starts[i];
      out.appendRun(from, this.bytes.subarray(o + from, o + to));
    }
    return out;
  }

  /** A deep copy. */
  clone(): SparseData {
    const out = new SparseData();
    out.reserveRuns(this.count);
    out.bytes = new Uint8Array(this.live);
    for (let i = 0; i < this.count; i++) out.appendRun(this.starts[i], this.view(i));
    return out;
  }

  /** True when both hold data at exactly the same addresses with the same bytes. */
  equals(other: SparseData): boolean {
    if (this.count !== other.count || this.live !== other.live) return false;
    for (let i = 0; i < this.count; i++) {
      if (this.starts[i] !== other.starts[i] || this.lengths[i] !== other.lengths[i]) return false;
      const x = this.view(i);
      const y = other.view(i);
      for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
    }
    return true;
  }

  private endOf(i: number): number {
    return this.starts[i] + this.lengths[i];
  }

  private view(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i], this.offsets[i] + this.lengths[i]);
  }

  private segment(i: number): Segment {
    return { address: this.starts[i], data: this.view(i) };
  }

  /** Index of the run holding `address`, or -1. */
  private indexAt(address: number): number {
    const i = this.lowerIndex(address + 1) - 1;
    return i >= 0 && address < this.endOf(i) ? i : -1;
  }

  /** Index of the first run whose start is >= address. */
  private lowerIndex(address: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Room for `n` runs in total (used while the runs are empty). */
  private reserveRuns(n: number): void {
    this.starts = new Uint32Array(n);
    this.lengths = new Uint32Array(n);
    this.offsets = new Uint32Array(n);
  }

  /** Appends a run after the last one, its bytes copied to the end of `bytes` (room reserved). */
  private appendRun(address: number, data: Uint8Array): void {
    const i = this.count++;
    this.starts[i] = address;
    this.lengths[i] = data.length;
    this.offsets[i] = this.used;
    this.bytes.set(data, this.used);
    this.used += data.length;
    this.live += data.length;
  }

  /** Replaces runs `[first, last)` by `n` runs whose fields the caller then sets. */
  private replaceRuns(first: number, last: number, n: number): void {
    this.lastSegment = undefined;
    const newCount = this.count - (last - first) + n;
    if (newCount > this.starts.length) {
      const capacity = Math.max(newCount, this.starts.length * 2, 8);
      for (const key of ['starts', 'lengths', 'offsets'] as const) {
        const grown = new Uint32Array(capacity);
        grown.set(this[key].subarray(0, this.count));
        this[key] = grown;
      }
    }
    if (last - first !== n) {
      for (const a of [this.starts, this.lengths, this.offsets]) a.copyWithin(first + n, last, this.count);
    }
    this.count = newCount;
  }

  /**
   * Offset of `size` free bytes at the end of `bytes`. When there is no room, the runs are
   * first copied into a new buffer with room for them twice over plus `size` (dropping the
   * garbage), so appends cost amortised O(1) per byte and the buffer stays at most about
   * twice the data. The old buffer is left as it was for any views still held.
   */
  private allocate(size: number): number {
    if (this.used + size <= this.bytes.length) {
      const at = this.used;
      this.used += size;
      return at;
    }
    this.lastSegment = undefined;
    const grown = new Uint8Array(this.live * 2 + size);
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      grown.set(this.view(i), at);
      this.offsets[i] = at;
      at += this.lengths[i];
    }
    this.bytes = grown;
    this.used = at + size;
    return at;
  }
}

const EMPTY = new Uint32Array(0);

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
