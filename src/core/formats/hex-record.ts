/**
 * One Intel Hex record at a time: split text into lines with their original line numbers,
 * decode and check a record line, and format a record. Shared by the strict Intel Hex
 * parser and the Universal Hex reader and writer.
 */
import { WebProgError } from '../errors';

/** Record types of Intel Hex (0x00–0x05) and micro:bit Universal Hex (0x0A–0x0E). */
export const RecordType = {
  data: 0x00,
  endOfFile: 0x01,
  extendedSegmentAddress: 0x02,
  startSegmentAddress: 0x03,
  extendedLinearAddress: 0x04,
  startLinearAddress: 0x05,
  blockStart: 0x0a,
  blockEnd: 0x0b,
  paddedData: 0x0c,
  customData: 0x0d,
  otherData: 0x0e,
} as const;

/** The end-of-file record every Intel Hex ends with. */
export const END_OF_FILE_RECORD = ':00000001FF';

/** A non-blank line of a text file, trimmed, with its 1-based line number. */
export interface NumberedLine {
  /** The line without line break or surrounding white space. */
  text: string;
  /** 1-based line number in the original text. */
  line: number;
}

/**
 * The non-blank lines of `text`, trimmed, with their original 1-based line numbers.
 * Accepts LF, CRLF and CR line breaks and a leading byte order mark, and skips the line of
 * colons the first micro:bit web editors left where a script was to be inserted.
 */
export function numberedLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  for (const reader = new LineReader(text); reader.next();)
    out.push({ text: reader.text, line: reader.line });
  return out;
}

/** Upper bounds on the records of a record text and the data bytes they hold. */
export interface RecordBounds {
  /** Records: lines holding anything. */
  records: number;
  /** Data bytes, each two characters of a record beyond its `minChars`. */
  bytes: number;
}

/**
 * Bounds on the records and data bytes in `text` from offset `from`, for a format whose
 * records are at least `minChars` characters and carry one data byte per two characters
 * more: one scan, so a reader sizes its buffers to the file rather than to a guess. (Lines of
 * only spaces or colons can make `bytes` too low; a reader's buffers then grow.)
 */
export function recordBounds(text: string, minChars: number, from = 0): RecordBounds {
  let lines = 0;
  let inLine = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isBreak = c === 0x0a || c === 0x0d;
    if (!isBreak && !inLine) lines++;
    inLine = !isBreak;
  }
  return { records: lines, bytes: Math.max(0, Math.ceil((text.length - from - lines * minChars) / 2)) };
}

/**
 * Walks the lines {@link numberedLines} returns one at a time, without building the list (a
 * reader then holds one line, not an object per line of the file).
 */
export class LineReader {
  /** Its 1-based line number in the original text. */
  line = 0;
  /** Where the current line (trimmed) starts in the text. */
  start = 0;
  /** Where it ends (exclusive). */
  end = 0;
  private at: number;
  private number = 0;

  constructor(private readonly source: string) {
    this.at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  }

  /** The current line, trimmed (valid after `next()` returned true); a new string each time. */
  get text(): string {
    return this.source.slice(this.start, this.end);
  }

  /** Offset in the text just past the current line (and its line break). */
  get position(): number {
    return this.at;
  }

  /**
   * Moves to the next non-blank line; false at the end of the text. The line is found as a
   * span of the text (`start`, `end`), without a string per line.
   */
  next(): boolean {
    // A scan rather than split(/\r\n|\r|\n/): the regex path slows ~40-fold once anything in
    // the page or process (core-js in @microbit/microbit-universal-hex's bundle) patches RegExp.
    const text = this.source;
    const end = text.length;
    let start = this.at;
    for (let i = start; i <= end; i++) {
      if (start > end) break;
      const c = i < end ? text.charCodeAt(i) : 0x0a;
      if (c !== 0x0a && c !== 0x0d) continue;
      this.number++;
      let from = start;
      let to = i;
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      start = i + 1;
      if (to === from) continue;
      if (isSpace(text.charCodeAt(from)) || isSpace(text.charCodeAt(to - 1))) {
        while (from < to && isWhitespace(text.charCodeAt(from))) from++;
        while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--;
      }
      // Skips blank lines and the legacy editors' ":::…" marker.
      if (to > from && !(to - from > 1 && onlyColons(text, from, to))) {
        this.at = start;
        this.start = from;
        this.end = to;
        this.line = this.number;
        return true;
      }
    }
    this.at = end + 1;
    return false;
  }
}

/** True when every character of `text` in `[from, to)` is a colon. */
function onlyColons(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) !== 0x3a) return false;
  return true;
}

/** The characters `String.prototype.trim` removes. */
function isWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0xa0;
}

/** Nibble value of each ASCII code, -1 where the character is not a hex digit. */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x41 + i] = 10 + i;
  NIBBLE[0x61 + i] = 10 + i;
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);

/** A byte as two upper-case hex digits. */
export function hexByte(value: number): string {
  return HEX_BYTE[value & 0xff];
}

/**
 * A decoded record. `bytes` is a scratch buffer reused by the next call to
 * {@link decodeRecord}: copy `data` if it must outlive the loop.
 */
export interface DecodedRecord {
  /** Record type (see {@link RecordType}). */
  type: number;
  /** The 16-bit address field. */
  offset: number;
  /** The data bytes (a view into the scratch buffer). */
  data: Uint8Array;
}

/** Where a problem was found, for error messages. */
export interface RecordSource {
  /** 1-based line number in the original file. */
  line: number;
  /** File name, if known. */
  file?: string;
}

/** A 260-byte buffer big enough for any record (count, address, type, 255 data bytes, checksum). */
export function recordScratch(): Uint8Array {
  return new Uint8Array(260);
}

/**
 * Decodes one record line (already trimmed) into `scratch` and checks its syntax, length and
 * checksum. Throws `FORMAT_INVALID` or `FORMAT_CHECKSUM` naming the line and the reason.
 * The record type is not checked here.
 */
export function decodeRecord(text: string, source: RecordSource, scratch: Uint8Array): DecodedRecord {
  const count = decodeRecordSpan(text, 0, text.length, source, scratch);
  return { type: scratch[3], offset: (scratch[1] << 8) | scratch[2], data: scratch.subarray(4, 4 + count) };
}

/**
 * {@link decodeRecord} for the record in `text` from `start` to `end` (a line a
 * {@link LineReader} found), allocating nothing: returns the number of data bytes and leaves
 * the record's bytes in `scratch` (count, address high and low, type at 3, data from 4, checksum).
 */
export function decodeRecordSpan(
  text: string,
  start: number,
  end: number,
  source: RecordSource,
  scratch: Uint8Array,
): number {
  if (text.charCodeAt(start) !== 0x3a) {
    recordError(
      'FORMAT_INVALID',
      source,
      `expected a record starting with ':' but found "${preview(text.slice(start, end))}".`,
    );
  }
  const length = end - start;
  for (let i = start + 1; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || NIBBLE[code] < 0) {
      recordError(
        'FORMAT_INVALID',
        source,
        `"${text[i]}" at column ${i - start + 1} is not a hexadecimal digit.`,
      );
    }
  }
  if (length < 11) {
    recordError(
      'FORMAT_INVALID',
      source,
      `the record is too short (${length} characters, at least 11 needed).`,
    );
  }
  if ((length & 1) === 0)
    recordError('FORMAT_INVALID', source, 'the record has an odd number of hex digits (cut short?).');
  const byteLength = (length - 1) >> 1;
  let sum = 0;
  for (let i = 0, p = start + 1; i < byteLength; i++, p += 2) {
    const value = (NIBBLE[text.charCodeAt(p)] << 4) | NIBBLE[text.charCodeAt(p + 1)];
    scratch[i] = value;
    sum += value;
  }
  const count = scratch[0];
  if (count + 5 !== byteLength) {
    const cut = count + 5 > byteLength ? ' (line cut short?).' : '.';
    recordError(
      'FORMAT_INVALID',
      source,
      `the record says it holds ${count} data bytes but has ${byteLength - 5}${cut}`,
    );
  }
  if ((sum & 0xff) !== 0) {
    const stored = scratch[byteLength - 1];
    const expected = (stored - sum) & 0xff;
    recordError(
      'FORMAT_CHECKSUM',
      source,
      `checksum 0x${hexByte(stored)} does not match the record (expected 0x${hexByte(expected)}).`,
    );
  }
  return count;
}

function recordError(
  code: 'FORMAT_INVALID' | 'FORMAT_CHECKSUM',
  source: RecordSource,
  reason: string,
): never {
  throw new WebProgError(code, `Line ${source.line}: ${reason}`, { line: source.line, file: source.file });
}

/** Formats a record line (without line break) from its type, 16-bit offset and data. */
export function formatRecord(type: number, offset: number, data: Uint8Array | readonly number[]): string {
  let sum = data.length + (offset >> 8) + (offset & 0xff) + type;
  let out =
    ':' + HEX_BYTE[data.length] + HEX_BYTE[(offset >> 8) & 0xff] + HEX_BYTE[offset & 0xff] + HEX_BYTE[type];
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    out += HEX_BYTE[data[i]];
  }
  return out + HEX_BYTE[-sum & 0xff];
}

/** An Extended Linear Address record setting the upper 16 bits of `address`. */
export function extendedLinearAddressRecord(address: number): string {
  const upper = Math.floor(address / 0x10000);
  return formatRecord(RecordType.extendedLinearAddress, 0, [(upper >> 8) & 0xff, upper & 0xff]);
}

/**
 * Rewrites a valid record line with another record type (fixing the checksum), e.g. Universal
 * Hex Custom Data (0x0D) to Data (0x00).
 */
export function changeRecordType(text: string, oldType: number, newType: number): string {
  const checksum = parseInt(text.slice(-2), 16);
  return (
    text.slice(0, 7) + HEX_BYTE[newType] + text.slice(9, -2) + HEX_BYTE[(checksum + oldType - newType) & 0xff]
  );
}

/** The record type of a record line, without checking the rest (-1 if it cannot be read). */
export function peekRecordType(text: string): number {
  if (text.length < 11 || text.charCodeAt(0) !== 0x3a) return -1;
  const hi = nibble(text.charCodeAt(7));
  const lo = nibble(text.charCodeAt(8));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

function nibble(code: number): number {
  return code < 128 ? NIBBLE[code] : -1;
}

/** The start of a line, shortened for an error message. */
export function preview(text: string): string {
  return text.length > 24 ? text.slice(0, 24) + '…' : text;
}
