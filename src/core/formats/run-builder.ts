/**
 * Collects data records into contiguous runs of bytes, detecting overlaps, and hands the
 * result over as {@link SparseData}.
 */
import { SparseData } from '../memory';

/** A contiguous run of data being collected. */
interface Run {
  address: number;
  length: number;
  bytes: Uint8Array;
}

/**
 * Collects data records into contiguous runs, kept sorted by address. Records that continue
 * the current run are appended (the usual case: ascending records); anything else is placed
 * by binary search and checked against its neighbours for overlap.
 */
export class RunBuilder {
  private runs: Run[] = [];
  private current = -1;

  /** Adds `data` at `address`; returns the first overlapping address instead if it overlaps. */
  add(address: number, data: Uint8Array): number | undefined {
    const end = address + data.length;
    if (data.length === 0) return undefined;
    let index = this.current;
    const cur = index >= 0 ? this.runs[index] : undefined;
    if (cur === undefined || cur.address + cur.length !== address) {
      index = this.upperIndex(address) - 1;
      const prev = index >= 0 ? this.runs[index] : undefined;
      if (prev !== undefined && prev.address + prev.length > address) return address;
      if (prev === undefined || prev.address + prev.length !== address) {
        const next = this.runs[index + 1];
        if (next !== undefined && next.address < end) return next.address;
        index++;
        this.runs.splice(index, 0, {
          address,
          length: 0,
          bytes: new Uint8Array(Math.max(4096, data.length)),
        });
      }
    }
    const next = this.runs[index + 1];
    if (next !== undefined && next.address < end) return next.address;
    const run = this.runs[index];
    if (run.length + data.length > run.bytes.length) {
      const grown = new Uint8Array(Math.max(run.bytes.length * 2, run.length + data.length));
      grown.set(run.bytes.subarray(0, run.length));
      run.bytes = grown;
    }
    run.bytes.set(data, run.length);
    run.length += data.length;
    this.current = index;
    return undefined;
  }

  /** The collected data. */
  finish(): SparseData {
    return SparseData.from(
      this.runs.map((r) => ({ address: r.address, data: r.bytes.subarray(0, r.length) })),
    );
  }

  /** Index of the first run starting after `address`. */
  private upperIndex(address: number): number {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.runs[mid].address <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
