/** Errors of the command line itself: a wrong command line, or no device to work on. */

/** A usage error (exit 2) or a missing device (exit 3). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    /** `USAGE` or `NO_DEVICE`. */
    readonly code: 'USAGE' | 'NO_DEVICE',
    message: string,
  ) {
    super(message);
  }
}
