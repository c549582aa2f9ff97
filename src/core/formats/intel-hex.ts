/**
 * Intel Hex read and written by the project's own record reader and formatter (nrf-intel-hex,
 * which the tests compare them with, reads ~6× and writes ~2.7× slower, stops at 2 GiB and
 * names no line in its errors).
 */
import type { SparseData } from '../memory';
import { END_OF_FILE_RECORD, RecordType, extendedLinearAddressRecord, formatRecord } from './hex-record';
import { parseIntelHexStrict } from './intel-hex-strict';

/** Intel Hex data and what a person should know about the file. */
export interface IntelHexResult {
  /** The data records' bytes at their absolute addresses. */
  data: SparseData;
  /** E.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/**
 * Parses Intel Hex text (any line breaks, a BOM, blank lines, text after the EOF record) into sparse data. Throws a `WebProgError`
 * (`FORMAT_INVALID`, `FORMAT_CHECKSUM`, `FORMAT_OVERLAP`, `FORMAT_RANGE`) whose `line` is the
 * line of the original text.
 */
export function parseIntelHex(text: string, fileName?: string): SparseData {
  return readIntelHex(text, fileName).data;
}

/**
 * Like {@link parseIntelHex}, also returning the warnings (text after the EOF record). The
 * project's record reader does the work: it gives every error its line, holds addresses up to
 * 4 GiB and reads a MicroPython hex about six times as fast as nrf-intel-hex's `fromHex` (a
 * test checks that both read the same data from the real files).
 */
export function readIntelHex(text: string, fileName?: string): IntelHexResult {
  return parseIntelHexStrict(text, fileName);
}

/**
 * Intel Hex text of `data`: an Extended Linear Address record wherever a record enters a new
 * 64 KiB segment (also first), data records of `recordSize` bytes (default 16) counted from each
 * segment's start and never crossing a 64 KiB boundary, `\n` line ends, the EOF record and a
 * final newline. The same records nrf-intel-hex's `asHexString` writes, about 2.7 times as
 * fast (a MicroPython export writes two 1 MB images), and up to the last byte below 4 GiB,
 * where nrf-intel-hex refuses a block that ends ("Data cannot be over 0xFFFFFFFF").
 */
export function writeIntelHex(data: SparseData, options: { recordSize?: 16 | 32 } = {}): string {
  const recordSize = options.recordSize ?? 16;
  const lines: string[] = [];
  let segment = -1; // upper 16 address bits in force
  for (const s of data.segments()) {
    for (let at = 0; at < s.data.length;) {
      const address = s.address + at;
      const upper = Math.floor(address / 0x10000);
      if (upper !== segment) {
        lines.push(extendedLinearAddressRecord(address));
        segment = upper;
      }
      const offset = address % 0x10000;
      const size = Math.min(recordSize, s.data.length - at, 0x10000 - offset);
      lines.push(formatRecord(RecordType.data, offset, s.data.subarray(at, at + size)));
      at += size;
    }
  }
  lines.push(END_OF_FILE_RECORD, '');
  return lines.join('\n');
}
