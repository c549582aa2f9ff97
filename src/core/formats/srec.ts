/**
 * Motorola S-records (S19 / S28 / S37): read and write.
 *
 * A record is `S`, a type digit, a byte count (address + data + checksum bytes), the address
 * (2, 3 or 4 bytes by type), the data and a checksum (ones' complement of the low byte of the
 * sum of count, address and data). Types: S0 header, S1/S2/S3 data with 16/24/32-bit
 * addresses, S5/S6 a 16/24-bit count of the data records before it, S7/S8/S9 the start
 * address with 32/24/16 bits, which ends the file. Format as documented in the srecord
 * package's srec_motorola(5) page and in Motorola's M68000 Family Programmer's Reference
 * Manual, appendix C.
 */
import { WebProgError, formatAddress } from '../errors';
import type { SparseData } from '../memory';
import { LineReader, hexByte, preview, recordBounds, type RecordSource } from './hex-record';
import { RunBuilder } from './run-builder';

const ADDRESS_LIMIT = 0x1_0000_0000;

/** Address bytes of each record type (-1: reserved type S4). */
const ADDRESS_BYTES = [2, 2, 3, 4, -1, 2, 3, 4, 3, 2] as const;

/** What {@link readSrec} read. */
export interface SrecContents {
  /** The data records' bytes at their absolute addresses. */
  data: SparseData;
  /** The S0 header's text (printable characters only), when the file has one. */
  header?: string;
  /** The start address of the termination record. */
  entry?: number;
  /** Things a person should know, e.g. text after the termination record. */
  warnings: string[];
}

/** How to write S-records. */
export interface SrecWriteOptions {
  /** Data bytes per record (default 16; at most 250 with 32-bit addresses). */
  recordSize?: number;
  /** Text of the S0 header record (default none written). */
  header?: string;
  /** Start address written in the termination record (default 0). */
  entry?: number;
  /**
   * Address width: 16 (S1/S9), 24 (S2/S8) or 32 (S3/S7) bits. Default: the narrowest that
   * holds every address of the data and the entry, as srec_cat and objcopy choose.
   */
  addressBits?: 16 | 24 | 32;
}

/** True when `text` (the start of a file) looks like S-records. */
export function looksLikeSrec(text: string): boolean {
  return /^\s*S[0-9][0-9A-Fa-f]{6}/.test(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** One decoded record. */
interface SrecRecord {
  type: number;
  address: number;
  data: Uint8Array;
}

/**
 * Reads S-record text (any line breaks, BOM, blank lines). Every record's syntax, byte count
 * and checksum is checked; a count record must match the data records before it; a file that
 * ends with neither a count nor a termination record is read with a warning that it may be
 * cut short (srec_cat leaves the termination out when there is no start address). Throws
 * `FORMAT_INVALID`, `FORMAT_CHECKSUM`, `FORMAT_RANGE` or `FORMAT_OVERLAP` with the 1-based line.
 */
export function readSrec(text: string, file?: string): SrecContents {
  const lines = new LineReader(text);
  if (!lines.next()) {
    throw new WebProgError('FORMAT_INVALID', 'Line 1: the file holds no S-records.', { line: 1, file });
  }
  // No more records than lines and no more data bytes than two characters each beyond the 10
  // of every record: the buffers are sized once.
  const bounds = recordBounds(text, 10);
  const runs = new RunBuilder(bounds.records, bounds.bytes);
  const warnings: string[] = [];
  let header: string | undefined;
  let dataRecords = 0;
  let countedAll = false;
  let first = true;
  const source: RecordSource = { line: 0, file };
  do {
    source.line = lines.line;
    const record = decodeSrecRecord(lines.text, source);
    switch (record.type) {
      case 0:
        if (first) header = printable(record.data);
        else
          warnings.push(`a header record (S0) in the middle of the file was ignored (line ${source.line})`);
        break;
      case 1:
      case 2:
      case 3: {
        const { address, data } = record;
        if (address + data.length > ADDRESS_LIMIT) {
          lineError(
            'FORMAT_RANGE',
            source,
            `${data.length} bytes at ${formatAddress(address)} run past 4 GiB.`,
          );
        }
        runs.add(address, data, source.line);
        dataRecords++;
        countedAll = false;
        break;
      }
      case 5:
      case 6:
        if (record.address !== dataRecords % (record.type === 5 ? 0x10000 : 0x1000000)) {
          lineError(
            'FORMAT_INVALID',
            source,
            `the count record says ${record.address} data records come before it, but there are ${dataRecords} (lines missing?).`,
          );
        }
        countedAll = true;
        break;
      default: {
        // S7, S8, S9: termination with the start address.
        if (lines.next()) warnings.push(`text after the termination record was ignored (line ${lines.line})`);
        const contents: SrecContents = { data: collected(runs, file), entry: record.address, warnings };
        if (header !== undefined) contents.header = header;
        return contents;
      }
    }
    first = false;
  } while (lines.next());
  // srec_cat leaves the termination record out when it has no start address; its count
  // record still proves the file complete.
  if (!countedAll) {
    warnings.push(
      `the file ends without a count (S5/S6) or termination (S7/S8/S9) record (line ${source.line}): it may be cut short`,
    );
  }
  const contents: SrecContents = { data: collected(runs, file), warnings };
  if (header !== undefined) contents.header = header;
  return contents;
}

/** The data collected, or the error naming the lines of the first two records that overlap. */
function collected(runs: RunBuilder, file: string | undefined): SparseData {
  const built = runs.finish();
  if (built.overlap === undefined) return built.data;
  const { address, tag, earlierTag } = built.overlap;
  throw new WebProgError(
    'FORMAT_OVERLAP',
    `Line ${tag}: data at ${formatAddress(address)} is also given on line ${earlierTag}.`,
    { line: tag, file, address },
  );
}

/** Decodes and checks one trimmed record line. */
function decodeSrecRecord(text: string, source: RecordSource): SrecRecord {
  if (text.charCodeAt(0) !== 0x53 && text.charCodeAt(0) !== 0x73) {
    lineError('FORMAT_INVALID', source, `expected a record starting with 'S' but found "${preview(text)}".`);
  }
  const type = text.charCodeAt(1) - 0x30;
  if (!(type >= 0 && type <= 9) || type === 4) {
    lineError('FORMAT_INVALID', source, `"${text.slice(0, 2)}" is not an S-record type (S0–S3, S5–S9).`);
  }
  for (let i = 2; i < text.length; i++) {
    if (nibble(text.charCodeAt(i)) < 0) {
      lineError('FORMAT_INVALID', source, `"${text[i]}" at column ${i + 1} is not a hexadecimal digit.`);
    }
  }
  if (text.length < 4) lineError('FORMAT_INVALID', source, 'the record has no byte count.');
  if (text.length % 2 !== 0) {
    lineError('FORMAT_INVALID', source, 'the record has an odd number of hex digits (cut short?).');
  }
  const bytes = new Uint8Array((text.length - 2) / 2);
  let sum = 0;
  for (let i = 0, p = 2; i < bytes.length; i++, p += 2) {
    bytes[i] = (nibble(text.charCodeAt(p)) << 4) | nibble(text.charCodeAt(p + 1));
    sum += bytes[i];
  }
  const count = bytes[0];
  if (count !== bytes.length - 1) {
    const cut = count > bytes.length - 1 ? ' (line cut short?)' : '';
    lineError(
      'FORMAT_INVALID',
      source,
      `the record says it holds ${count} bytes but has ${bytes.length - 1}${cut}.`,
    );
  }
  const addressBytes = ADDRESS_BYTES[type];
  if (count < addressBytes + 1) {
    lineError(
      'FORMAT_INVALID',
      source,
      `an S${type} record needs at least ${addressBytes + 1} bytes (address and checksum) but holds ${count}.`,
    );
  }
  if ((sum & 0xff) !== 0xff) {
    const stored = bytes[bytes.length - 1];
    const expected = ~(sum - stored) & 0xff;
    lineError(
      'FORMAT_CHECKSUM',
      source,
      `checksum 0x${hexByte(stored)} does not match the record (expected 0x${hexByte(expected)}).`,
    );
  }
  let address = 0;
  for (let i = 1; i <= addressBytes; i++) address = address * 256 + bytes[i];
  const data = bytes.subarray(1 + addressBytes, bytes.length - 1);
  if (type >= 5 && data.length > 0) {
    lineError(
      'FORMAT_INVALID',
      source,
      `an S${type} record carries no data, but this one has ${data.length} bytes.`,
    );
  }
  return { type, address, data };
}

/** Nibble value of an ASCII code, -1 where it is not a hex digit. */
function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** The header's bytes as text, without control characters. */
function printable(data: Uint8Array): string {
  let out = '';
  for (const b of data) if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
  return out;
}

function lineError(
  code: 'FORMAT_INVALID' | 'FORMAT_CHECKSUM' | 'FORMAT_RANGE' | 'FORMAT_OVERLAP',
  source: RecordSource,
  reason: string,
  address?: number,
): never {
  throw new WebProgError(code, `Line ${source.line}: ${reason}`, {
    line: source.line,
    file: source.file,
    address,
  });
}

/** Formats one record line from its type, address and data. */
function formatSrecRecord(type: number, address: number, data: Uint8Array | readonly number[]): string {
  const addressBytes = ADDRESS_BYTES[type];
  const count = addressBytes + data.length + 1;
  let sum = count;
  let out = 'S' + String(type) + hexByte(count);
  for (let i = addressBytes - 1; i >= 0; i--) {
    const byte = Math.floor(address / 2 ** (8 * i)) & 0xff;
    sum += byte;
    out += hexByte(byte);
  }
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    out += hexByte(data[i]);
  }
  return out + hexByte(~sum & 0xff);
}

/**
 * Writes sparse data as S-records: an optional S0 header, data records of `recordSize` bytes
 * (never crossing the address width), a count record (S5, or S6 past 65,535 records, left out
 * past 16,777,215) and the termination record with `entry`. Lines end with LF.
 */
export function writeSrec(data: SparseData, options: SrecWriteOptions = {}): string {
  const entry = options.entry ?? 0;
  const bits = options.addressBits ?? narrowestWidth(data, entry);
  const dataType = bits === 16 ? 1 : bits === 24 ? 2 : 3;
  const limit = 2 ** bits;
  const maxData = 255 - ADDRESS_BYTES[dataType] - 1;
  const recordSize = options.recordSize ?? 16;
  if (!Number.isInteger(recordSize) || recordSize < 1 || recordSize > maxData) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `S${dataType} records hold 1 to ${maxData} data bytes; ${recordSize} was asked for.`,
    );
  }
  const end = data.bounds()?.end ?? 0;
  if (end > limit || entry >= limit) {
    const address = end > limit ? end - 1 : entry;
    throw new WebProgError(
      'FORMAT_RANGE',
      `${formatAddress(address)} does not fit in ${bits}-bit S-record addresses.`,
      { address },
    );
  }
  const out: string[] = [];
  if (options.header !== undefined) {
    const header = Array.from(options.header.slice(0, 250), (c) => c.charCodeAt(0) & 0xff);
    out.push(formatSrecRecord(0, 0, header));
  }
  let records = 0;
  for (const segment of data.segments()) {
    for (let offset = 0; offset < segment.data.length; offset += recordSize) {
      const chunk = segment.data.subarray(offset, offset + recordSize);
      out.push(formatSrecRecord(dataType, segment.address + offset, chunk));
      records++;
    }
  }
  if (records <= 0xffff) out.push(formatSrecRecord(5, records, []));
  else if (records <= 0xffffff) out.push(formatSrecRecord(6, records, []));
  out.push(formatSrecRecord(10 - dataType, entry, []));
  return out.join('\n') + '\n';
}

/** The narrowest address width holding every data address and the entry. */
function narrowestWidth(data: SparseData, entry: number): 16 | 24 | 32 {
  const highest = Math.max((data.bounds()?.end ?? 0) - 1, entry, 0);
  if (highest < 0x10000) return 16;
  if (highest < 0x1000000) return 24;
  return 32;
}
