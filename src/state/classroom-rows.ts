/**
 * Classroom mode's table: one row per micro:bit seen in the session (it stays after the board is
 * unplugged, with its result), the summary counts, and the words each row shows.
 */
import type { MicrobitVersion } from '../core/microbit/board';
import { duration, shortSize } from './text';

/** Where a board is in classroom mode. */
export type BoardStatus =
  'waiting' | 'connecting' | 'flashing' | 'flashed' | 'up-to-date' | 'failed' | 'cancelled';

/** Words for each status, as the table and the CSV say them. */
export const STATUS_LABELS: Readonly<Record<BoardStatus, string>> = {
  waiting: 'Waiting',
  connecting: 'Connecting',
  flashing: 'Flashing',
  flashed: 'Flashed',
  'up-to-date': 'Already up to date',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Progress of a row's flash. */
export interface BoardProgress {
  /** Stage from the worker: "Erase", "Write", "Verify"… */
  stage: string;
  /** Bytes done in the stage. */
  done: number;
  /** Bytes in the stage. */
  total: number;
}

/** One board in the classroom table: a micro:bit, or a Renesas RA board in boot mode (Uno R4). */
export interface ClassroomRow {
  /** Device id in the device worker. */
  id: string;
  /** 1, 2, 3… in the order the boards were first seen. */
  index: number;
  /** DAPLink USB serial number ("" for serial ports, which have none). */
  serial: string;
  /** "micro:bit V2.00", or the RA chip's name once connected. */
  board: string;
  /** micro:bit version (picks the image section); absent for RA boards (the whole file). */
  version?: MicrobitVersion;
  /** Five-letter name from FICR DEVICEID[1], once connected. */
  friendlyName?: string;
  /** The teacher's label ("" = none: the friendly name is shown). */
  label: string;
  /** True for simulated boards. */
  simulated: boolean;
  /** True while plugged in. */
  present: boolean;
  /** Where it is. */
  status: BoardStatus;
  /** Progress while flashing. */
  progress?: BoardProgress;
  /** Bytes written by the last flash (0: already up to date). */
  bytesWritten?: number;
  /** Blocks the last flash skipped as unchanged. */
  skippedBlocks?: number;
  /** True when the last flash rewrote the whole chip (another runtime was on it). */
  full?: boolean;
  /** Time of the last flash in ms (modelled for simulated boards). */
  elapsedMs?: number;
  /** Serial number written into flash, when that option is on. */
  serialNumber?: number;
  /** Flash attempts in this session. */
  attempts: number;
  /** Error code of the last failure. */
  errorCode?: string;
  /** The result in words ("wrote 452 KiB, verified", or what went wrong and what to do). */
  message?: string;
  /** The technical detail of a failure (error heading and message), shown on request. */
  detail?: string;
}

/** The counts above the table. */
export interface ClassroomSummary {
  /** Rows in the table. */
  boards: number;
  /** Boards plugged in now. */
  present: number;
  /** Flashed in this session. */
  flashed: number;
  /** Skipped because they already held the image. */
  upToDate: number;
  /** Last attempt failed. */
  failed: number;
  /** Connecting or flashing now. */
  active: number;
  /** Not flashed yet (or cancelled). */
  waiting: number;
}

/** Counts rows by status. */
export function summarise(rows: readonly ClassroomRow[]): ClassroomSummary {
  const count = (...statuses: BoardStatus[]) => rows.filter((r) => statuses.includes(r.status)).length;
  return {
    boards: rows.length,
    present: rows.filter((r) => r.present).length,
    flashed: count('flashed'),
    upToDate: count('up-to-date'),
    failed: count('failed'),
    active: count('connecting', 'flashing'),
    waiting: count('waiting', 'cancelled'),
  };
}

/** The name a row goes by: the teacher's label, else the friendly name, else "Board 3". */
export function rowName(row: ClassroomRow): string {
  return row.label.trim() || row.friendlyName || `Board ${row.index}`;
}

/** `Flashing · Write 42%`, `Flashed`, `Failed`… */
export function statusText(row: ClassroomRow): string {
  const label = STATUS_LABELS[row.status];
  const p = row.progress;
  if (row.status !== 'flashing' || !p) return label;
  const percent = p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 0;
  return `${label} · ${p.stage} ${percent}%`;
}

/** `wrote 452 KiB (full flash), verified; 12 blocks unchanged` for a finished flash. */
export function flashResultText(report: {
  bytesWritten: number;
  skippedBlocks: number;
  verified: boolean;
  full?: boolean;
}): string {
  const parts =
    report.bytesWritten === 0
      ? ['nothing to write: the board already holds the image']
      : [`wrote ${shortSize(report.bytesWritten)}${report.full ? ' (full flash)' : ''}`];
  if (report.verified) parts.push('verified');
  const text = parts.join(', ');
  return report.skippedBlocks > 0 && report.bytesWritten > 0
    ? `${text}; ${report.skippedBlocks} blocks unchanged`
    : text;
}

/** The serial number the board holds after its last flash, if that option was on and it succeeded. */
export function writtenSerialNumber(row: ClassroomRow): number | undefined {
  return row.status === 'flashed' || row.status === 'up-to-date' ? row.serialNumber : undefined;
}

/** The result column: what the last flash did, and the serial number it wrote. */
export function resultText(row: ClassroomRow): string {
  const serial = writtenSerialNumber(row);
  const parts = [row.message ?? '', serial === undefined ? '' : `serial number ${serial}`];
  return parts.filter((p) => p !== '').join(' · ');
}

/** `7.9 s`, or "" before the first flash finished. */
export function rowTime(row: ClassroomRow): string {
  return row.elapsedMs === undefined ? '' : duration(row.elapsedMs);
}

/** A failed board's problem as classroom mode gets it (see `deviceProblem`). */
export interface BoardProblem {
  /** Error code. */
  code?: string;
  /** Heading of the error. */
  title: string;
  /** The error's own message. */
  detail: string;
  /** What to try, first step first. */
  advice: readonly { text: string }[];
}

/**
 * What a teacher reads when a board failed: what happened and what to do, in plain words. The
 * technical detail stays in the row's `detail`, one click away.
 */
export function failureAdvice(problem: BoardProblem): string {
  switch (problem.code) {
    case 'DEVICE_PROTOCOL':
    case 'DEVICE_FAULT':
    case 'TIMEOUT':
    case 'CHIP_UNKNOWN':
      return 'The board did not answer: unplug it and plug it in again; check the cable.';
    case 'DEVICE_LOST':
      return 'The board was unplugged: plug it in again (with a cable that carries data).';
    case 'DEVICE_BUSY':
      return 'The board is in use by another tab or program: close it, then unplug the board and plug it in again.';
    case 'DEVICE_LOCKED':
      return 'The board is locked (read-protected): flash it once from the device panel, which unlocks it.';
    case 'INVALID_ARGUMENT':
    case 'FS_FULL':
    case 'FS_INVALID_NAME':
      // Problems with the image, already in plain words.
      return problem.detail;
    default: {
      const step = problem.advice[0]?.text;
      return step
        ? `${problem.title}: ${step}`
        : `${problem.title}. Try again; if it fails again, unplug the board and plug it in again.`;
    }
  }
}
