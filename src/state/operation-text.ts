/**
 * How the workflow writes progress and results: bytes, rate, time left, and the one-line
 * summary of what an operation did ("wrote 412 KiB in 7.9 s, verified; 37 blocks skipped as
 * unchanged").
 */
import type { OperationReport } from '../../workers/device/backend';
import { duration, plural, shortSize } from './text';

/** A progress snapshot as the progress bar shows it. */
export interface ProgressView {
  /** Stage name from the worker: "Flash", "Verify", "Read", "Erase"... */
  stage: string;
  /** Bytes done in this stage. */
  done: number;
  /** Bytes in this stage. */
  total: number;
  /** Bytes per second (0 until measured). */
  rate: number;
}

/** `52.3 KiB/s`; an empty string while the rate is unknown. */
export function rateText(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${shortSize(Math.round(bytesPerSecond))}/s` : '';
}

/** Milliseconds left at the current rate, or undefined while it cannot be estimated. */
export function timeLeftMs(p: ProgressView): number | undefined {
  if (p.rate <= 0 || p.total <= 0) return undefined;
  return (Math.max(0, p.total - p.done) / p.rate) * 1000;
}

/** `under 1 s left`, `8 s left`, `2 min 05 s left`. */
export function timeLeftText(ms: number | undefined): string {
  if (ms === undefined) return '';
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 1) return 'under 1 s left';
  if (seconds < 60) return `${seconds} s left`;
  return `${Math.floor(seconds / 60)} min ${(seconds % 60).toString().padStart(2, '0')} s left`;
}

/** `212 KiB of 412 KiB`. */
export function bytesText(p: ProgressView): string {
  return `${shortSize(p.done)} of ${shortSize(p.total)}`;
}

/** Whole percent done (0–100). */
export function percent(p: ProgressView): number {
  return p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
}

/** `wrote 412 KiB in 7.9 s, verified; 37 blocks skipped as unchanged`. */
export function flashSummary(report: OperationReport, elapsedMs: number): string {
  let text =
    report.bytesWritten > 0
      ? `wrote ${shortSize(report.bytesWritten)} in ${duration(elapsedMs)}`
      : `nothing to write (checked in ${duration(elapsedMs)})`;
  if (report.verified) text += ', verified';
  if (report.skippedBlocks > 0) text += `; ${plural(report.skippedBlocks, 'block')} skipped as unchanged`;
  return text;
}

/** `erased 128 blocks in 2.1 s`. */
export function eraseSummary(report: OperationReport, elapsedMs: number): string {
  return `erased ${plural(report.erasedBlocks, 'block')} in ${duration(elapsedMs)}`;
}
