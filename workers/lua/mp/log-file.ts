/**
 * "Today's log" of a run with a workspace folder (`mp.app.log_path`): like MultiProg's daily
 * log file, `webprog-YYYY-MM-DD.log` in the folder, to which each run appends its log lines
 * (`mp.log.*`, `print`) as "YYYY-MM-DD HH:MM:SS [level] text". Lines wait here and reach the
 * file (and so the folder, as the script's own saved files do) before the next `mp.file` call
 * and when the run ends, one version at a time.
 */

/** Key of the waiting lines in the run's memory budget (held as UTF-16: two bytes a character). */
export const LOG_FILE_WAITING = 'log-file-waiting';

/** Characters of log text one run adds to the file (as much as it may send to the page). */
export const MAX_LOG_FILE_RUN = 4 * 1024 * 1024;
/** A day's log this big or bigger is continued in the next part (`webprog-YYYY-MM-DD-2.log`…). */
export const MAX_LOG_FILE = 8 * 1024 * 1024;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** The local date as YYYY-MM-DD. */
export function localDate(time: Date): string {
  return `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())}`;
}

function stamp(time: Date): string {
  return `${localDate(time)} ${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}`;
}

/**
 * The name of the day's log: `webprog-YYYY-MM-DD.log`, or the first of its parts
 * (`webprog-YYYY-MM-DD-2.log`, `-3`…) that is not yet {@link MAX_LOG_FILE} big among `files`.
 */
export function logFileName(day: Date, files: ReadonlyMap<string, Uint8Array>): string {
  const base = `webprog-${localDate(day)}`;
  for (let part = 1; ; part++) {
    const name = part === 1 ? `${base}.log` : `${base}-${part}.log`;
    if ((files.get(name)?.length ?? 0) < MAX_LOG_FILE) return name;
  }
}

/** The path of `name` in the workspace folder `folder` (with the folder's own separator). */
export function pathInFolder(folder: string, name: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`;
}

/** The lines a run adds to today's log, waiting to be written. */
export class RunLogFile {
  /** The file's path (`mp.app.log_path`). */
  readonly path: string;
  private pending: string[] = [];
  private pendingChars = 0;
  private added = 0;
  private full = false;
  private started = false;

  constructor(
    /** The file's name in the workspace folder. */
    readonly name: string,
    folder: string,
    /** The script's name, on the line that opens the run's part of the file. */
    private readonly chunkName: string,
  ) {
    this.path = pathInFolder(folder, name);
  }

  /** Characters waiting to be written. */
  get waiting(): number {
    return this.pendingChars;
  }

  /** Adds a log line of `level` at `time` (ms since the epoch); past {@link MAX_LOG_FILE_RUN} one note, then nothing. */
  add(level: string, text: string, time: number): void {
    if (this.full) return;
    const at = new Date(time);
    if (!this.started) {
      this.started = true;
      this.push(`${stamp(at)} [run] ${this.chunkName}\n`);
    }
    if (this.added + text.length > MAX_LOG_FILE_RUN) {
      this.full = true;
      this.push(
        `${stamp(at)} [warn] The run's log reached ${MAX_LOG_FILE_RUN / (1024 * 1024)} MiB of text: later lines are not in this file.\n`,
      );
      return;
    }
    this.added += text.length;
    this.push(`${stamp(at)} [${level}] ${text}\n`);
  }

  /** The waiting lines as UTF-8, and forgets them; undefined when none wait. */
  take(): Uint8Array | undefined {
    if (this.pending.length === 0) return undefined;
    const bytes = new TextEncoder().encode(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
    return bytes;
  }

  private push(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
  }
}
