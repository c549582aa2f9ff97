/**
 * Collects data records (in any address order) into sorted, merged runs of bytes, detects
 * overlaps, and hands the result over as {@link SparseData}.
 *
 * Memory stays proportional to the data and time O(n log n) whatever the record order: the
 * records are appended to flat, doubling typed arrays (12 bytes of bookkeeping per record,
 * the bytes themselves copied once), and sorted only at the end when they did not arrive in
 * ascending order (a radix sort, linear in the records). The result holds its runs in typed
 * arrays and one buffer of exactly the data's size (see {@link SparseData.fromRuns}).
 */
import { SparseData } from '../memory';

/** Two records that hold data at the same address. */
export interface RunOverlap {
  /** The lowest address both records hold. */
  address: number;
  /** Tag of the later record (in the order they were added): the one to blame. */
  tag: number;
  /** Tag of the earlier record it overlaps. */
  earlierTag: number;
}

/** What {@link RunBuilder.finish} gives: the data, or the first overlap. */
export type RunResult = { data: SparseData; overlap?: undefined } | { overlap: RunOverlap; data?: undefined };

const INITIAL_RECORDS = 64;
const INITIAL_BYTES = 1024;

/**
 * Collects data records into contiguous runs. Each record carries a tag chosen by the caller
 * (a line number, a segment or block index) that an overlap report names.
 */
export class RunBuilder {
  private starts: Uint32Array;
  private lengths: Uint32Array;
  private tags: Uint32Array;
  private bytes: Uint8Array;
  private count = 0;
  private used = 0;
  /** True while every record started at or after the end of the one before. */
  private ascending = true;
  private lastEnd = 0;

  /**
   * `maxRecords` and `maxBytes`, when the reader knows them (lines of a hex, program headers
   * of an ELF, blocks of a UF2), size the buffers once; beyond them (or without them) the
   * buffers double as needed.
   */
  constructor(maxRecords = INITIAL_RECORDS, maxBytes = INITIAL_BYTES) {
    const records = Math.max(1, Math.min(maxRecords, 1 << 26));
    this.starts = new Uint32Array(records);
    this.lengths = new Uint32Array(records);
    this.tags = new Uint32Array(records);
    this.bytes = new Uint8Array(Math.max(1, Math.min(maxBytes, 1 << 30)));
  }

  /**
   * Adds a copy of `data` at `address` (an unsigned 32-bit address; the caller has checked that
   * `address + length` stays within 4 GiB): `length` bytes of `data` from `from` (all of it by
   * default), copied (short records byte by byte, without making a view). Empty records are ignored.
   */
  add(address: number, data: Uint8Array, tag = 0, from = 0, length = data.length - from): void {
    if (length === 0) return;
    if (this.count === this.starts.length) this.growRecords();
    if (this.used + length > this.bytes.length) this.growBytes(this.used + length);
    const i = this.count++;
    this.starts[i] = address;
    this.lengths[i] = length;
    this.tags[i] = tag;
    const bytes = this.bytes;
    if (length > 32) bytes.set(data.subarray(from, from + length), this.used);
    else for (let j = 0, at = this.used; j < length; j++) bytes[at + j] = data[from + j];
    this.used += length;
    if (address < this.lastEnd) this.ascending = false;
    this.lastEnd = address + length;
  }

  /** Bytes the builder holds in its buffers now (bookkeeping and data, with spare capacity). */
  get allocatedBytes(): number {
    return this.starts.byteLength * 3 + this.bytes.byteLength;
  }

  /** Data bytes added so far. */
  get byteCount(): number {
    return this.used;
  }

  /**
   * The collected data as sorted, merged segments, or the overlap of the first record (in the
   * order added) that overlaps an earlier one.
   */
  finish(): RunResult {
    const { starts, lengths, count } = this;
    // Records in ascending address order: as added, or sorted (then `spare`, the sort's second
    // buffer, is free and holds where each record's bytes are in `bytes`).
    let order: Uint32Array | undefined;
    let where: Uint32Array | undefined;
    if (!this.ascending) {
      const sorted = this.sort();
      if (hasOverlap(sorted.order, starts, lengths, count))
        return { overlap: this.firstOverlap(sorted.order) };
      order = sorted.order;
      where = sorted.spare;
      for (let i = 0, at = 0; i < count; i++) {
        where[i] = at;
        at += lengths[i];
      }
    }
    // One pass counts the merged runs, so their arrays are allocated at their exact size.
    let runs = 0;
    let runEnd = -1;
    for (let k = 0; k < count; k++) {
      const i = order === undefined ? k : order[k];
      if (starts[i] !== runEnd) runs++;
      runEnd = starts[i] + lengths[i];
    }
    // The sorted order is read front to back and run r is found no later than record r, so
    // the runs' starts can take the order's place; the sort's spare buffer then holds the
    // runs' offsets.
    const runStarts = order ?? new Uint32Array(runs);
    const runLengths = new Uint32Array(runs);
    const data = where === undefined ? this.bytes.slice(0, this.used) : new Uint8Array(this.used);
    const bytes = this.bytes;
    let at = 0;
    let run = -1;
    runEnd = -1;
    for (let k = 0; k < count; k++) {
      const i = order === undefined ? k : order[k];
      const start = starts[i];
      const length = lengths[i];
      if (start !== runEnd) runStarts[++run] = start;
      runLengths[run] += length;
      if (where !== undefined) {
        const from = where[i];
        if (length > 32) data.set(bytes.subarray(from, from + length), at);
        else for (let j = 0; j < length; j++) data[at + j] = bytes[from + j];
      }
      at += length;
      runEnd = start + length;
    }
    return { data: SparseData.fromRuns(fitted(runStarts, runs), runLengths, data, where) };
  }

  /**
   * Record indexes in ascending address order (the order added among equal addresses), and
   * the sort's second buffer, free afterwards.
   */
  private sort(): { order: Uint32Array; spare: Uint32Array } {
    const count = this.count;
    let order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    // A stable least-significant-digit radix sort on the 32-bit start address, a byte per
    // pass: O(n), and records at equal addresses keep the order they were added in.
    let spare = new Uint32Array(count);
    const starts = this.starts;
    const offsets = new Uint32Array(257);
    for (let shift = 0; shift < 32; shift += 8) {
      offsets.fill(0);
      for (let k = 0; k < count; k++) offsets[((starts[order[k]] >>> shift) & 0xff) + 1]++;
      for (let b = 1; b <= 256; b++) offsets[b] += offsets[b - 1];
      for (let k = 0; k < count; k++) {
        const i = order[k];
        spare[offsets[(starts[i] >>> shift) & 0xff]++] = i;
      }
      [order, spare] = [spare, order];
    }
    return { order, spare };
  }

  /**
   * The overlap of the first record that overlaps an earlier one: the shortest prefix of the
   * records that holds an overlap is found by bisection (each test is one O(n) sweep of the
   * sorted order), then its last record is compared with those before it.
   */
  private firstOverlap(order: Uint32Array): RunOverlap {
    let lo = 2; // a prefix of one record cannot overlap
    let hi = this.count; // the whole set does
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hasOverlap(order, this.starts, this.lengths, mid)) hi = mid;
      else lo = mid + 1;
    }
    const k = lo - 1;
    const start = this.starts[k];
    const end = start + this.lengths[k];
    let address = Infinity;
    let earlier = 0;
    for (let i = 0; i < k; i++) {
      const s = this.starts[i];
      const e = s + this.lengths[i];
      if (s < end && e > start && Math.max(s, start) < address) {
        address = Math.max(s, start);
        earlier = i;
      }
    }
    return { address, tag: this.tags[k], earlierTag: this.tags[earlier] };
  }

  private growRecords(): void {
    const grow = (a: Uint32Array): Uint32Array => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.tags = grow(this.tags);
  }

  private growBytes(needed: number): void {
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }
}

/** The first `n` entries of `a`: a view when that is most of it, else a copy (not to hold on to the rest). */
function fitted(a: Uint32Array, n: number): Uint32Array {
  if (n === a.length) return a;
  return n * 2 > a.length ? a.subarray(0, n) : a.slice(0, n);
}

/** True when two of the records with index below `limit` overlap (one sweep of `order`). */
function hasOverlap(order: Uint32Array, starts: Uint32Array, lengths: Uint32Array, limit: number): boolean {
  let maxEnd = -1;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (i >= limit) continue;
    if (starts[i] < maxEnd) return true;
    const end = starts[i] + lengths[i];
    if (end > maxEnd) maxEnd = end;
  }
  return false;
}
