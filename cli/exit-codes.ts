/** The exit codes of `webprog`, as pyOCD and probe-rs users expect a tool to have them. */
import type { ErrorCode } from '../src/core/errors';

/** Exit codes. */
export const ExitCode = {
  /** The command did what was asked. */
  done: 0,
  /** The operation failed (verify mismatch, not blank, a bad file…). */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** No device (or not the one asked for) was found. */
  noDevice: 3,
  /** The device went away during the operation. */
  deviceLost: 4,
} as const;

/** The exit code for an error code. */
export function exitCodeFor(code: ErrorCode | 'USAGE' | 'NO_DEVICE'): number {
  switch (code) {
    case 'USAGE':
      return ExitCode.usage;
    case 'NO_DEVICE':
      return ExitCode.noDevice;
    case 'DEVICE_LOST':
      return ExitCode.deviceLost;
    default:
      return ExitCode.failed;
  }
}
