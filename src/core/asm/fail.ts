/**
 * The assembler's internal failure: a code and a message without the source position, which
 * the assembler adds when it turns it into a {@link WebProgError}.
 */
import type { ErrorCode } from '../errors';

/** A failure inside one statement; the assembler adds file and line. */
export class AsmFail extends Error {
  /** The stable error code. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
