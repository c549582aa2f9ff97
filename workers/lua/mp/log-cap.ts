/**
 * Caps what a run sends to the page's log: each line at {@link MAX_LOG_LINE} bytes and the
 * run at {@link MAX_LOG_TEXT}, always with a note of what was cut (60 prints of 20 MB sent
 * 1.2 GB of text before). Natives read only the part of a line that will be sent.
 */

/** Bytes (UTF-8) of one log line (print, mp.log.*) the page gets. */
export const MAX_LOG_LINE = 16 * 1024;
/** Characters of log text one run may send in all. */
export const MAX_LOG_TEXT = 4 * 1024 * 1024;

/** The log budget of one run. */
export class LogCap {
  private sent = 0;
  private droppedLines = 0;
  private droppedBytes = 0;

  /**
   * What to send for a line of which `text` was read and `rest` bytes were left out: the
   * text, with a note when cut; undefined once the run's log is full.
   */
  line(text: string, rest = 0): string | undefined {
    if (this.sent >= MAX_LOG_TEXT) {
      this.droppedLines++;
      this.droppedBytes += text.length + rest;
      return undefined;
    }
    let out = rest > 0 ? `${text}… [${rest.toLocaleString('en')} more bytes cut]` : text;
    this.sent += out.length;
    if (this.sent >= MAX_LOG_TEXT) {
      out += ` [the script's log reached ${MAX_LOG_TEXT / (1024 * 1024)} MiB of text: later lines are not shown]`;
    }
    return out;
  }

  /** A closing note when lines were left out, else undefined. */
  summary(): string | undefined {
    if (this.droppedLines === 0) return undefined;
    return `${this.droppedLines.toLocaleString('en')} more log lines (${this.droppedBytes.toLocaleString('en')} bytes) were not shown.`;
  }
}
