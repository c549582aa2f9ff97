/** One figure reported by `npm run bench`. */
export interface BenchResult {
  /** What was measured, e.g. "parse V2 MicroPython hex". */
  name: string;
  /** The measured value (a median where the work was repeated). */
  value: number;
  /** Unit of `value` and `target`: "ms", "s", "KiB/s", "instr/s", ... */
  unit: string;
  /** The figure the project aims for, in `unit`, with how it compares. */
  target?: { value: number; better: 'lower' | 'higher' };
  /** The physical limit for this work, in `unit`, where known. */
  limit?: number;
  /** The same work done by the tool people use today, measured in the same run. */
  peer?: { name: string; value: number };
  /** A short note: how it was measured, modeled vs wall time. */
  note?: string;
}

/** A bench module: `bench/*.bench.ts` files export `run`. */
export type BenchModule = { run(): Promise<BenchResult[]> };
