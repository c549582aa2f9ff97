/** The last lines of a run's log, for `mp.app.log_tail` (a bounded ring: at most 200 KiB). */

/** Lines kept. */
export const LOG_TAIL_LINES = 200;
/** Characters kept of each line. */
export const LOG_TAIL_LINE = 1024;

/** A ring of the run's last {@link LOG_TAIL_LINES} log lines, each as "[level] text". */
export class LogTail {
  private readonly lines: string[] = [];

  /** Keeps a line (cut to {@link LOG_TAIL_LINE} characters), dropping the oldest beyond the limit. */
  add(level: string, text: string): void {
    const cut = text.length > LOG_TAIL_LINE ? `${text.slice(0, LOG_TAIL_LINE)}…` : text;
    this.lines.push(`[${level}] ${cut}`);
    if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
  }

  /** The last `n` lines, oldest first. */
  last(n: number): string[] {
    return n <= 0 ? [] : this.lines.slice(-n);
  }
}
