/**
 * The one place where error codes become words. Every panel and the log describe a failure
 * through {@link describeError}, so a code reads the same everywhere.
 */
import { WebProgError, formatAddress, type ErrorCode } from '../core/errors';

/** A short heading per error code, in plain words. */
const HEADINGS: Partial<Record<ErrorCode, string>> = {
  FORMAT_INVALID: 'The file is not in a format WebProg can read',
  FORMAT_CHECKSUM: 'A record in the file has a wrong checksum',
  FORMAT_OVERLAP: 'The file writes the same address twice',
  FORMAT_RANGE: 'The file holds data outside the allowed address range',
  FORMAT_UNSUPPORTED: 'This kind of file is not supported',
  ADDRESS_OUT_OF_RANGE: 'Address out of range',
  ADDRESS_MISALIGNED: 'Address not aligned',
  REGION_NOT_FOUND: 'No such memory region',
  INVALID_ARGUMENT: 'Invalid value',
  CANCELLED: 'Cancelled',
  TIMEOUT: 'The operation timed out',
  NOT_SUPPORTED: 'Not supported here',
  NOT_CONNECTED: 'No device connected',
  DEVICE_LOST: 'The device was disconnected',
  DEVICE_BUSY: 'The device is busy',
  DEVICE_PROTOCOL: 'The device answered something unexpected',
  DEVICE_FAULT: 'The device reported a fault',
  DEVICE_LOCKED: 'The device is locked (read protection)',
  CHIP_UNKNOWN: 'Unknown chip',
  FLASH_ERASE_FAILED: 'Erasing flash failed',
  FLASH_WRITE_FAILED: 'Writing flash failed',
  VERIFY_FAILED: 'Verify failed: the device holds different data',
  NOT_BLANK: 'The memory is not blank',
  WRITES_NOT_ALLOWED: 'Writing is not allowed',
  SCRIPT_ERROR: 'The script failed',
  SCRIPT_ENGINE_FAILED: 'The script engine failed and was restarted',
  WORKER_ERROR: 'A background worker failed',
  INTERNAL: 'Something went wrong inside WebProg',
  NOT_MICROPYTHON: 'The file is not a MicroPython firmware',
  MAKECODE_HEX: 'This is a MakeCode program, not a MicroPython firmware',
  FS_FULL: 'The micro:bit file system is full',
  FS_INVALID_NAME: 'Invalid file name for the micro:bit',
  FS_FILE_NOT_FOUND: 'No such file on the micro:bit file system',
  FS_CORRUPT: 'The micro:bit file system in this file is damaged',
  FS_FILE_EXISTS: 'A file of that name is already on the micro:bit',
  BOOT_MODE_REQUIRED: 'The board is not in its download mode',
  DOWNLOAD_FAILED: 'The download failed',
  ASM_SYNTAX: 'The assembly source has a syntax error',
  ASM_UNKNOWN_INSTRUCTION: 'Unknown instruction or directive',
  ASM_IMMEDIATE_RANGE: 'A value is out of range for the instruction',
  ASM_UNDEFINED_SYMBOL: 'The assembly source uses an undefined symbol',
  ASM_BRANCH_RANGE: 'A branch target is out of range',
  ASM_BAD_REGISTER: 'That register cannot be used in this instruction form',
  ASM_INCLUDE_MISSING: 'An included file was not found',
  ASM_MISALIGNED: 'A target is not aligned as the instruction requires',
};

/** An error ready to show: a heading, the detail, and one line joining both. */
export interface ErrorDescription {
  /** The stable code (`INTERNAL` for errors that are not `WebProgError`s). */
  code: ErrorCode;
  /** Plain-words heading for the code. */
  heading: string;
  /** The error's own message plus line/address where known. */
  detail: string;
  /** `heading: detail`, for the log and inline messages. */
  text: string;
}

/** The heading for `code`; codes added later without words fall back to a generic one. */
export function errorHeading(code: ErrorCode): string {
  return HEADINGS[code] ?? 'Error';
}

/** Describes any thrown value in plain words, with its line and address when present. */
export function describeError(error: unknown): ErrorDescription {
  const code: ErrorCode = error instanceof WebProgError ? error.code : 'INTERNAL';
  let detail = error instanceof Error ? error.message : String(error);
  if (error instanceof WebProgError) {
    const where: string[] = [];
    if (error.line !== undefined && !/\bline\b/i.test(detail)) where.push(`line ${error.line}`);
    if (error.address !== undefined && !detail.includes(formatAddress(error.address)))
      where.push(`address ${formatAddress(error.address)}`);
    if (where.length > 0) detail = `${detail.replace(/\.$/, '')} (${where.join(', ')}).`;
  }
  const heading = errorHeading(code);
  return { code, heading, detail, text: `${heading}: ${detail}` };
}
