/**
 * Finds where a MicroPython traceback points: the last `File "name", line N` of the last
 * "Traceback (most recent call last):" in a console's text (the innermost frame is the last).
 */

/** A file and line a traceback names. */
export interface TracebackLocation {
  file: string;
  line: number;
  /** The error line that follows the frames ("NameError: name 'x' isn't defined"). */
  error?: string;
}

const START = 'Traceback (most recent call last):';
const FRAME = /^\s*File "([^"]+)", line (\d+)/;

/** The location of the console's last traceback, if any. */
export function lastTraceback(text: string): TracebackLocation | undefined {
  const start = text.lastIndexOf(START);
  if (start < 0) return undefined;
  const lines = text.slice(start + START.length).split('\n');
  let found: TracebackLocation | undefined;
  for (const line of lines) {
    const frame = FRAME.exec(line);
    if (frame) {
      found = { file: frame[1], line: Number(frame[2]) };
      continue;
    }
    if (found && line.trim() !== '') {
      found.error = line.trim();
      break;
    }
  }
  return found;
}
