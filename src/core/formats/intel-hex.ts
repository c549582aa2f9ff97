/**
 * Intel Hex read and write through nrf-intel-hex's `MemoryMap`, with the project's
 * normalisation in front and the strict line-by-line reader behind it for errors.
 */
import MemoryMap from 'nrf-intel-hex';
import { SparseData } from '../memory';
import type { Segment } from '../memory';
import { END_OF_FILE_RECORD, RecordType, extendedLinearAddressRecord, formatRecord } from './hex-record';
import { normaliseHex } from './normalise-hex';
import { parseIntelHexStrict } from './intel-hex-strict';

/** Intel Hex data and what a person should know about the file. */
export interface IntelHexResult {
  /** The data records' bytes at their absolute addresses. */
  data: SparseData;
  /** E.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/**
 * Parses Intel Hex text (normalising it first) into sparse data. Throws a `WebProgError`
 * (`FORMAT_INVALID`, `FORMAT_CHECKSUM`, `FORMAT_OVERLAP`, `FORMAT_RANGE`) whose `line` is the
 * line of the original text.
 */
export function parseIntelHex(text: string, fileName?: string): SparseData {
  return readIntelHex(text, fileName).data;
}

/** Like {@link parseIntelHex}, also returning the warnings of normalisation. */
export function readIntelHex(text: string, fileName?: string): IntelHexResult {
  const normalised = normaliseHex(text);
  let blocks: MemoryMap;
  try {
    blocks = MemoryMap.fromHex(normalised.text);
  } catch {
    // nrf-intel-hex names no line and cannot hold addresses >= 2 GiB: the strict reader
    // either reads such a file or throws the error with its line and reason.
    return parseIntelHexStrict(text, fileName);
  }
  return { data: memoryMapToSparseData(blocks), warnings: normalised.warnings };
}

/**
 * Sparse data from a `MemoryMap`. `fromHex` returns joined, ascending, non-touching blocks,
 * so each one becomes one segment without byte-wise merging.
 */
export function memoryMapToSparseData(blocks: MemoryMap): SparseData {
  const segments: Segment[] = [];
  for (const [address, data] of blocks) segments.push({ address, data });
  return SparseData.from(segments);
}

const ADDRESS_LIMIT = 0x1_0000_0000;

/**
 * Writes sparse data as Intel Hex text: LF line breaks, Extended Linear Address records,
 * `recordSize` (16 or 32, default 16) data bytes per record, a final end-of-file record and
 * line break.
 */
export function writeIntelHex(data: SparseData, options: { recordSize?: 16 | 32 } = {}): string {
  const recordSize = options.recordSize ?? 16;
  const segments = [...data.segments()];
  // nrf-intel-hex refuses a block that ends exactly at 4 GiB ("Data cannot be over
  // 0xFFFFFFFF"): the top 64 KiB of such a block is written here instead.
  let tail: Segment | undefined;
  const last = segments[segments.length - 1];
  if (last !== undefined && last.address + last.data.length === ADDRESS_LIMIT) {
    const tailStart = Math.max(last.address, ADDRESS_LIMIT - 0x10000);
    tail = { address: tailStart, data: last.data.subarray(tailStart - last.address) };
    segments.pop();
    if (tailStart > last.address)
      segments.push({ address: last.address, data: last.data.subarray(0, tailStart - last.address) });
  }
  const map = new MemoryMap();
  for (const s of segments) map.set(s.address, s.data);
  const text = map.asHexString(recordSize);
  if (tail === undefined) return text + '\n';
  const head = text.slice(0, text.length - END_OF_FILE_RECORD.length); // '' or ends with '\n'
  const lines = [extendedLinearAddressRecord(tail.address)];
  for (let i = 0; i < tail.data.length; i += recordSize) {
    const offset = (tail.address + i) % 0x10000;
    lines.push(formatRecord(RecordType.data, offset, tail.data.subarray(i, i + recordSize)));
  }
  lines.push(END_OF_FILE_RECORD, '');
  return head + lines.join('\n');
}
