/** The session log: timestamped lines with a level, shown in the log panel. */
import { describeError } from './error-text';

/** How serious a log line is. */
export type LogLevel = 'info' | 'warn' | 'error';

/** One line of the log. */
export interface LogEntry {
  /** Increasing id, unique in the session (stable key for lists). */
  id: number;
  /** When it was written (milliseconds since 1970, as `Date.now()`). */
  time: number;
  /** Severity. */
  level: LogLevel;
  /** The line, in plain words. */
  text: string;
}

/** The log's lines, newest last, keeping at most `limit` of them. */
export class LogState {
  /** Lines, oldest first. Replaced (never mutated) on every change. */
  entries = $state.raw<readonly LogEntry[]>([]);
  private nextId = 1;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly limit = 2000,
  ) {}

  /** Adds a line. */
  add(level: LogLevel, text: string): LogEntry {
    const entry: LogEntry = { id: this.nextId++, time: this.now(), level, text };
    const kept = this.entries.length >= this.limit ? this.entries.slice(1 - this.limit) : this.entries;
    this.entries = [...kept, entry];
    return entry;
  }

  /** Adds an information line. */
  info(text: string): LogEntry {
    return this.add('info', text);
  }

  /** Adds a warning line. */
  warn(text: string): LogEntry {
    return this.add('warn', text);
  }

  /** Adds an error line. */
  error(text: string): LogEntry {
    return this.add('error', text);
  }

  /**
   * Logs a failure of `action` ("Open firmware.hex") in plain words and returns the text, for
   * showing next to the control that failed.
   */
  failure(action: string, error: unknown): string {
    const text = `${action} failed. ${describeError(error).text}`;
    this.error(text);
    return text;
  }

  /** Removes every line. */
  clear(): void {
    this.entries = [];
  }
}
