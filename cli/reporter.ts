/**
 * What `webprog` prints. For people (a terminal): a progress bar with rate and time left on
 * stderr, then a result line on stdout. For programs (`--json`): one JSON object per line on
 * stdout — the typed progress events (`{"type":"progress", "kind":"started"…}`), messages,
 * results (`{"type":"result", …}`) and errors (`{"type":"error", "code", "message",
 * "address"…}`), in the order they happen.
 */
import type { ErrorRecord } from '../src/core/errors';
import type { ProgressEvent } from '../src/core/progress';

/** Where output goes (process.stdout/stderr, or a buffer in tests). */
export interface Output {
  write(text: string): unknown;
  /** True for a terminal (progress bars redraw in place). */
  isTTY?: boolean;
  /** Columns of the terminal. */
  columns?: number;
}

/** What every command reports through. */
export interface Reporter {
  /** A progress event of an operation; `device` names the board when several work at once. */
  progress(event: ProgressEvent, device?: string): void;
  /** A line of information. */
  info(text: string, fields?: Record<string, unknown>): void;
  /** A warning. */
  warn(text: string): void;
  /** The result of the command (or of one board in classroom mode): a line for people, an object for programs. */
  result(line: string, fields: Record<string, unknown>): void;
  /** An error. */
  error(error: ErrorRecord | { code: string; message: string }, device?: string): void;
}

/** JSON lines for programs. */
export class JsonReporter implements Reporter {
  constructor(private readonly out: Output) {}

  private line(object: Record<string, unknown>): void {
    this.out.write(JSON.stringify(object) + '\n');
  }

  progress(event: ProgressEvent, device?: string): void {
    this.line({ type: 'progress', ...(device ? { device } : {}), ...event });
  }

  info(text: string, fields: Record<string, unknown> = {}): void {
    this.line({ type: 'info', message: text, ...fields });
  }

  warn(text: string): void {
    this.line({ type: 'warning', message: text });
  }

  result(_line: string, fields: Record<string, unknown>): void {
    this.line({ type: 'result', ...fields });
  }

  error(error: ErrorRecord | { code: string; message: string }, device?: string): void {
    const { code, message } = error;
    const record = error as Partial<ErrorRecord>;
    this.line({
      type: 'error',
      ...(device ? { device } : {}),
      code,
      message,
      ...(record.address !== undefined ? { address: record.address } : {}),
      ...(record.line !== undefined ? { line: record.line } : {}),
      ...(record.file !== undefined ? { file: record.file } : {}),
    });
  }
}

/** Bytes per second as a person reads them. */
function rateText(rate: number): string {
  if (rate >= 1024 * 1024) return `${(rate / 1024 / 1024).toFixed(1)} MiB/s`;
  return `${(rate / 1024).toFixed(1)} KiB/s`;
}

/** Progress bars and result lines for people. */
export class HumanReporter implements Reporter {
  private barShown = false;

  constructor(
    private readonly out: Output,
    private readonly err: Output,
  ) {}

  progress(event: ProgressEvent, device?: string): void {
    const who = device ? `${device}: ` : '';
    if (!this.err.isTTY) {
      // A log file or pipe gets one line per operation, not a redrawn bar.
      if (event.kind === 'finished') {
        this.err.write(
          `${who}${event.operation}: ${event.total} bytes in ${(event.elapsedMs / 1000).toFixed(2)} s\n`,
        );
      }
      return;
    }
    const width = Math.max(10, Math.min(40, (this.err.columns ?? 80) - 60));
    const fraction =
      event.total > 0 ? Math.min(1, event.done / event.total) : event.kind === 'finished' ? 1 : 0;
    const filled = Math.round(fraction * width);
    const left = event.rate > 0 ? (event.total - event.done) / event.rate : undefined;
    const tail =
      event.kind === 'finished'
        ? `done in ${(event.elapsedMs / 1000).toFixed(2)} s`
        : `${rateText(event.rate)}${left !== undefined ? `, ${left.toFixed(1)} s left` : ''}`;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    this.err.write(
      `\r\x1b[2K${who}${event.operation.padEnd(8)} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${tail}`,
    );
    this.barShown = event.kind !== 'finished' && event.kind !== 'failed';
    if (!this.barShown) this.err.write('\n');
  }

  private endBar(): void {
    if (this.barShown) this.err.write('\n');
    this.barShown = false;
  }

  info(text: string): void {
    this.endBar();
    this.out.write(text + '\n');
  }

  warn(text: string): void {
    this.endBar();
    this.err.write(`warning: ${text}\n`);
  }

  result(line: string): void {
    this.endBar();
    this.out.write(line + '\n');
  }

  error(error: ErrorRecord | { code: string; message: string }, device?: string): void {
    this.endBar();
    this.err.write(`${device ? `${device}: ` : ''}error [${error.code}]: ${error.message}\n`);
  }
}
