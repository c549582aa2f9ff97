/**
 * Cleans Intel Hex text so that strict parsers (nrf-intel-hex) accept it: no byte order mark,
 * no blank lines or surrounding white space, no ":::…" marker line of the first micro:bit
 * web editors, LF line breaks, nothing after the first end-of-file record. Text that is already clean is returned as is, without a copy.
 */
import { END_OF_FILE_RECORD, numberedLines } from './hex-record';

/** Clean Intel Hex text and what was changed that a person should know about. */
export interface NormalisedHex {
  /** The cleaned text: one record per line, LF line breaks. */
  text: string;
  /** E.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/** Cleans Intel Hex text (see the module comment); copies it at most once. */
export function normaliseHex(text: string): NormalisedHex {
  if (isCleanHex(text)) return { text, warnings: [] };
  const lines = numberedLines(text);
  const warnings: string[] = [];
  let kept = lines.length;
  for (let i = 0; i < lines.length; i++) {
    if (isEndOfFileRecord(lines[i].text)) {
      kept = i + 1;
      if (kept < lines.length)
        warnings.push(`text after the EOF record was ignored (line ${lines[kept].line})`);
      break;
    }
  }
  let out = '';
  for (let i = 0; i < kept; i++) out += lines[i].text + '\n';
  return { text: out, warnings };
}

/**
 * True when `text` needs no cleaning: it starts with a record, has no CR, tab, space or blank
 * line, and ends with the first end-of-file record (plus at most one LF). Runs a handful of
 * native string searches, no per-character loop in JavaScript.
 */
export function isCleanHex(text: string): boolean {
  if (text.charCodeAt(0) !== 0x3a) return false;
  if (text.includes('\r') || text.includes('\n\n') || text.includes(' ') || text.includes('\t')) return false;
  if (text.includes('::')) return false; // the legacy ":::…" marker line
  const eof = findEndOfFileRecord(text);
  if (eof < 0) return false;
  const end = eof + END_OF_FILE_RECORD.length;
  return end === text.length || (end === text.length - 1 && text.charCodeAt(end) === 0x0a);
}

/** True for the end-of-file record line (either case). */
export function isEndOfFileRecord(line: string): boolean {
  return line.length === END_OF_FILE_RECORD.length && line.toUpperCase() === END_OF_FILE_RECORD;
}

/** Index of the first end-of-file record in `text` (upper or lower case), or -1. */
function findEndOfFileRecord(text: string): number {
  const upper = text.indexOf(END_OF_FILE_RECORD);
  const lower = text.indexOf(':00000001ff');
  if (upper < 0) return lower;
  return lower < 0 ? upper : Math.min(upper, lower);
}
