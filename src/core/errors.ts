/**
 * The one error type of WebProg. Every failure a person can see carries a stable `code`
 * (for the UI and scripts to branch on), a message a person understands, and where known
 * the address, line or block involved. Raw errors from libraries or the browser are turned
 * into a `WebProgError` in exactly one place per layer, with the original kept as `cause`.
 */

/** Stable error codes. Never rename one: scripts and the UI match on them. */
export const ErrorCodes = [
  'FORMAT_INVALID',
  'FORMAT_CHECKSUM',
  'FORMAT_OVERLAP',
  'FORMAT_RANGE',
  'FORMAT_UNSUPPORTED',
  'ADDRESS_OUT_OF_RANGE',
  'ADDRESS_MISALIGNED',
  'REGION_NOT_FOUND',
  'INVALID_ARGUMENT',
  'CANCELLED',
  'TIMEOUT',
  'NOT_SUPPORTED',
  'NOT_CONNECTED',
  'DEVICE_LOST',
  'DEVICE_BUSY',
  'DEVICE_PROTOCOL',
  'DEVICE_FAULT',
  'DEVICE_LOCKED',
  'CHIP_UNKNOWN',
  'FLASH_ERASE_FAILED',
  'FLASH_WRITE_FAILED',
  'VERIFY_FAILED',
  'NOT_BLANK',
  'WRITES_NOT_ALLOWED',
  'SCRIPT_ERROR',
  'SCRIPT_ENGINE_FAILED',
  'WORKER_ERROR',
  'INTERNAL',
  'NOT_MICROPYTHON',
  'MAKECODE_HEX',
  'FS_FULL',
  'FS_INVALID_NAME',
  'FS_FILE_NOT_FOUND',
  'FS_CORRUPT',
  'FS_FILE_EXISTS',
  'BOOT_MODE_REQUIRED',
  'DOWNLOAD_FAILED',
  'ASM_SYNTAX',
  'ASM_UNKNOWN_INSTRUCTION',
  'ASM_IMMEDIATE_RANGE',
  'ASM_UNDEFINED_SYMBOL',
  'ASM_BRANCH_RANGE',
  'ASM_BAD_REGISTER',
  'ASM_INCLUDE_MISSING',
  'ASM_MISALIGNED',
] as const;

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[number];

/**
 * What a destructive step (erase, flash) had done to the chip when it stopped early
 * (cancelled, timed out, failed): a `CANCELLED` is then not "nothing happened".
 */
export interface ChipChanges {
  /** The whole chip was erased (mass erase). */
  massErased: boolean;
  /** Erase blocks erased or programmed (or being so when the step stopped), in address order. */
  blocks: { address: number; size: number }[];
}

/** Context that helps a person find the problem. */
export interface ErrorContext {
  /** Absolute target address involved, if any. */
  address?: number;
  /** 1-based line number in a text file (hex, Lua script), if any. */
  line?: number;
  /** Name of the file involved, if any. */
  file?: string;
  /** The underlying error. */
  cause?: unknown;
  /** What the failed or cancelled step had already changed on the chip. */
  changes?: ChipChanges;
}

/** The plain-object form of a {@link WebProgError}, safe to structured-clone across workers. */
export interface ErrorRecord {
  name: 'WebProgError';
  code: ErrorCode;
  message: string;
  address?: number;
  line?: number;
  file?: string;
  changes?: ChipChanges;
  stack?: string;
  cause?: ErrorRecord | { name: string; message: string; stack?: string };
}

/** The error type every WebProg layer throws. */
export class WebProgError extends Error {
  override readonly name = 'WebProgError';
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Absolute target address involved, if any. */
  readonly address?: number;
  /** 1-based line number involved, if any. */
  readonly line?: number;
  /** File name involved, if any. */
  readonly file?: string;
  /** What the step had changed on the chip before it stopped, if anything. */
  readonly changes?: ChipChanges;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    if (context.address !== undefined) this.address = context.address;
    if (context.line !== undefined) this.line = context.line;
    if (context.file !== undefined) this.file = context.file;
    if (context.changes !== undefined) this.changes = context.changes;
  }

  /** Serialises this error (and its cause chain) into a structured-cloneable record. */
  toRecord(): ErrorRecord {
    const record: ErrorRecord = { name: 'WebProgError', code: this.code, message: this.message };
    if (this.address !== undefined) record.address = this.address;
    if (this.line !== undefined) record.line = this.line;
    if (this.file !== undefined) record.file = this.file;
    if (this.changes !== undefined)
      record.changes = {
        massErased: this.changes.massErased,
        blocks: this.changes.blocks.map((b) => ({ ...b })),
      };
    if (this.stack !== undefined) record.stack = this.stack;
    if (this.cause !== undefined) record.cause = causeToRecord(this.cause);
    return record;
  }

  /** Rebuilds an error from {@link WebProgError.toRecord}'s output. */
  static fromRecord(record: ErrorRecord): WebProgError {
    const cause =
      record.cause === undefined
        ? undefined
        : 'code' in record.cause
          ? WebProgError.fromRecord(record.cause)
          : Object.assign(new Error(record.cause.message), {
              name: record.cause.name,
              stack: record.cause.stack,
            });
    const error = new WebProgError(record.code, record.message, {
      address: record.address,
      line: record.line,
      file: record.file,
      changes: record.changes,
      cause,
    });
    if (record.stack !== undefined) error.stack = record.stack;
    return error;
  }
}

function causeToRecord(cause: unknown): ErrorRecord['cause'] {
  if (cause instanceof WebProgError) return cause.toRecord();
  if (cause instanceof Error) return { name: cause.name, message: cause.message, stack: cause.stack };
  return { name: 'Error', message: String(cause) };
}

/** True when `value` looks like an {@link ErrorRecord}. */
export function isErrorRecord(value: unknown): value is ErrorRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'WebProgError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Wraps any thrown value as a {@link WebProgError}: a `WebProgError` passes through, an abort
 * becomes `CANCELLED`, anything else gets `fallback` as its code with the original as cause.
 */
export function toWebProgError(
  error: unknown,
  fallback: ErrorCode = 'INTERNAL',
  context: ErrorContext = {},
): WebProgError {
  if (error instanceof WebProgError) return error;
  if (isAbortError(error))
    return new WebProgError('CANCELLED', 'The operation was cancelled.', { ...context, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new WebProgError(fallback, message, { ...context, cause: error });
}

/** True for the error an aborted `AbortSignal` raises. */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' ||
      (error instanceof WebProgError && error.code === 'CANCELLED'))
  );
}

/**
 * The part of `AbortSignal` the core needs (core code runs without DOM typings; a real
 * `AbortSignal` satisfies this).
 */
export interface CancelSignal {
  /** True once cancellation was requested. */
  readonly aborted: boolean;
  /** Why it was cancelled. */
  readonly reason?: unknown;
}

/** Throws a `CANCELLED` {@link WebProgError} if `signal` has been aborted. */
export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted)
    throw new WebProgError('CANCELLED', 'The operation was cancelled.', { cause: signal.reason });
}

/** Formats a byte the way error messages show it: `0x0A` (0 when undefined: past the data's end). */
export function formatByte(value: number | undefined): string {
  return '0x' + (value ?? 0).toString(16).toUpperCase().padStart(2, '0');
}

/** Formats an address the way error messages and the UI show it: `0x0001C000`. */
export function formatAddress(address: number): string {
  return '0x' + (address >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
