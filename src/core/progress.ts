/**
 * Typed progress events for long operations.
 *
 * Order: exactly one `started`, then any number of `progress`, then exactly one of `finished`
 * or `failed`. `done` never decreases and never exceeds `total`. `rate` is bytes per second
 * measured since `started` (0 until it can be measured).
 */
import type { ErrorRecord } from './errors';

interface ProgressBase {
  /** Human-readable operation name: "Parse", "Erase", "Write", "Verify", ... */
  operation: string;
  /** Bytes done so far. */
  done: number;
  /** Bytes in the whole operation. */
  total: number;
  /** Bytes per second since the operation started. */
  rate: number;
}

/** The operation has begun. */
export interface ProgressStarted extends ProgressBase {
  kind: 'started';
}
/** Part of the work is done. */
export interface ProgressUpdate extends ProgressBase {
  kind: 'progress';
}
/** The operation completed; `elapsedMs` is its duration. */
export interface ProgressFinished extends ProgressBase {
  kind: 'finished';
  elapsedMs: number;
}
/** The operation failed with `error`. */
export interface ProgressFailed extends ProgressBase {
  kind: 'failed';
  error: ErrorRecord;
}

/** One progress event. */
export type ProgressEvent = ProgressStarted | ProgressUpdate | ProgressFinished | ProgressFailed;

/** Receives progress events. */
export type ProgressListener = (event: ProgressEvent) => void;

/** A clock in milliseconds; real (`performance.now`) by default, virtual in simulations. */
export type Clock = () => number;

/** Milliseconds from a monotonic clock where the platform has one. */
export const wallClock: Clock = () =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();

/**
 * Builds the event sequence of one operation and forwards it to a listener, dropping
 * `progress` events that arrive less than `intervalMs` after the last one forwarded
 * (`started`, `finished` and `failed` always pass).
 */
export class ProgressReporter {
  private startedAt = 0;
  private lastSent = -Infinity;
  private doneBytes = 0;

  constructor(
    private readonly operation: string,
    private readonly total: number,
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs = 50,
    private readonly clock: Clock = wallClock,
  ) {}

  /** Bytes reported so far. */
  get done(): number {
    return this.doneBytes;
  }

  /** Emits `started`. */
  start(): void {
    this.startedAt = this.clock();
    this.lastSent = this.startedAt;
    this.listener?.({ kind: 'started', operation: this.operation, done: 0, total: this.total, rate: 0 });
  }

  /** Records `done` bytes and emits `progress` if the throttle interval has passed. */
  update(done: number): void {
    this.doneBytes = Math.min(this.total, Math.max(this.doneBytes, done));
    const now = this.clock();
    if (now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    this.listener?.({ kind: 'progress', ...this.snapshot(now) });
  }

  /** Adds `bytes` to the done count (see {@link update}). */
  advance(bytes: number): void {
    this.update(this.doneBytes + bytes);
  }

  /** Emits `finished` with everything done. */
  finish(): void {
    const now = this.clock();
    this.doneBytes = this.total;
    this.listener?.({ kind: 'finished', ...this.snapshot(now), elapsedMs: now - this.startedAt });
  }

  /** Emits `failed` with the error's record. */
  fail(error: ErrorRecord): void {
    this.listener?.({ kind: 'failed', ...this.snapshot(this.clock()), error });
  }

  private snapshot(now: number): ProgressBase {
    const seconds = (now - this.startedAt) / 1000;
    return {
      operation: this.operation,
      done: this.doneBytes,
      total: this.total,
      rate: seconds > 0 ? this.doneBytes / seconds : 0,
    };
  }
}
