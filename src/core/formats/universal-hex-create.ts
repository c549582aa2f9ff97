/**
 * Builds a micro:bit Universal Hex from one Intel Hex per board, in the "sections" layout
 * (one 512-byte aligned section per board, the spec's recommendation) or the older "blocks"
 * layout (self-contained 512-byte blocks).
 *
 * The layout algorithm follows `@microbit/microbit-universal-hex` 0.2.2
 * (src/universal-hex.ts, iHexToCustomFormatSection / iHexToCustomFormatBlocks, MIT,
 * https://github.com/microbit-foundation/microbit-universal-hex). Differences: boards stay in
 * the order given, every input checksum is verified with its line, records longer than 32
 * bytes are split instead of refused, and in the blocks layout every board's last block is
 * padded to 512 bytes.
 */
import { WebProgError } from '../errors';
import {
  END_OF_FILE_RECORD,
  RecordType,
  changeRecordType,
  decodeRecord,
  extendedLinearAddressRecord,
  formatRecord,
  hexByte,
  numberedLines,
  recordScratch,
} from './hex-record';

const BLOCK_SIZE = 512;
/** DAPLink's largest data record. */
const MAX_RECORD_DATA = 32;
/** Board ids whose data stays in standard Data records (micro:bit V1). */
const V1_BOARD_IDS = [0x9900, 0x9901];
const BLOCK_END_EMPTY = formatRecord(RecordType.blockEnd, 0, []);

/** Layout of a Universal Hex. */
export type UniversalHexLayout = 'sections' | 'blocks';

/** Records of one board's hex, ready to lay out. */
interface BoardRecords {
  records: string[];
  /** Largest data record (16 at least): the size of padding records. */
  maxData: number;
}

/**
 * Creates a Universal Hex from `hexes` (in the order given). Throws `INVALID_ARGUMENT` for
 * no input or a bad board id, and a `FORMAT_*` error naming the board and line for a bad
 * input record, an input that is already a Universal Hex, or records after an end-of-file
 * record (MakeCode V1 hexes keep their project there).
 */
export function createUniversalHex(
  hexes: readonly { boardId: number; hex: string }[],
  layout: UniversalHexLayout = 'sections',
): string {
  if (hexes.length === 0)
    throw new WebProgError('INVALID_ARGUMENT', 'A Universal Hex needs at least one hex file.');
  let out = '';
  hexes.forEach(({ boardId, hex }, i) => {
    if (!Number.isInteger(boardId) || boardId < 0 || boardId > 0xffff) {
      throw new WebProgError('INVALID_ARGUMENT', `Board id ${boardId} is not a 16-bit number.`);
    }
    const board = boardRecords(hex, boardId);
    const lines = layout === 'blocks' ? blocksLayout(board, boardId) : sectionLayout(board, boardId);
    if (i === hexes.length - 1) lines.push(END_OF_FILE_RECORD);
    out += lines.join('\n') + '\n';
  });
  return out;
}

/** One section: address record, Block Start, all records, padding, Block End. */
function sectionLayout({ records, maxData }: BoardRecords, boardId: number): string[] {
  const lines: string[] = [];
  let length = 0;
  const add = (record: string): void => {
    lines.push(record);
    length += record.length + 1;
  };
  let first = 0;
  if (records.length > 0 && isAddressRecord(records[0])) add(records[first++]);
  else add(extendedLinearAddressRecord(0));
  add(blockStartRecord(boardId));
  for (let i = first; i < records.length; i++) add(records[i]);
  length += BLOCK_END_EMPTY.length + 1;
  const needed = (): number => (BLOCK_SIZE - (length % BLOCK_SIZE)) % BLOCK_SIZE;
  while (needed() > maxData * 2) {
    add(paddedDataRecord(Math.min((needed() - BLOCK_END_EMPTY.length - 1) >> 1, maxData)));
  }
  lines.push(blockEndRecord(needed() >> 1));
  return lines;
}

/** 512-byte blocks, each: address record, Block Start, records, padding, Block End. */
function blocksLayout({ records, maxData }: BoardRecords, boardId: number): string[] {
  const lines: string[] = [];
  const start = blockStartRecord(boardId);
  let address = extendedLinearAddressRecord(0);
  let i = 0;
  while (i < records.length) {
    if (isAddressRecord(records[i])) address = records[i++];
    lines.push(address, start);
    let length = address.length + 1 + start.length + 1 + BLOCK_END_EMPTY.length + 1;
    while (i < records.length && length + records[i].length + 1 <= BLOCK_SIZE) {
      const record = records[i++];
      if (isAddressRecord(record)) address = record;
      lines.push(record);
      length += record.length + 1;
    }
    while (BLOCK_SIZE - length > maxData * 2) {
      const padding = paddedDataRecord(
        Math.min((BLOCK_SIZE - length - BLOCK_END_EMPTY.length - 1) >> 1, maxData),
      );
      lines.push(padding);
      length += padding.length + 1;
    }
    lines.push(blockEndRecord((BLOCK_SIZE - length) >> 1));
  }
  return lines;
}

/**
 * The address and data records of one board's Intel Hex: Extended Segment Address records
 * become Extended Linear Address records, start records are dropped, data records of
 * boards other than V1 become Custom Data (0x0D), records over 32 bytes are split.
 */
function boardRecords(hex: string, boardId: number): BoardRecords {
  const file = `hex for board 0x${boardId.toString(16).toUpperCase().padStart(4, '0')}`;
  const customData = !V1_BOARD_IDS.includes(boardId);
  const dataType = customData ? RecordType.customData : RecordType.data;
  const lines = numberedLines(hex);
  const scratch = recordScratch();
  const records: string[] = [];
  let maxData = 16;
  for (let i = 0; i < lines.length; i++) {
    const { text, line } = lines[i];
    const source = { line, file };
    const { type, offset, data } = decodeRecord(text, source, scratch);
    switch (type) {
      case RecordType.data:
        if (data.length <= MAX_RECORD_DATA) {
          if (data.length > 0)
            records.push(customData ? changeRecordType(text, RecordType.data, dataType) : text);
        } else {
          for (let k = 0; k < data.length; k += MAX_RECORD_DATA) {
            records.push(formatRecord(dataType, offset + k, data.subarray(k, k + MAX_RECORD_DATA)));
          }
        }
        maxData = Math.max(maxData, Math.min(data.length, MAX_RECORD_DATA));
        break;
      case RecordType.extendedLinearAddress:
        if (data.length !== 2)
          throw formatError('FORMAT_INVALID', source, 'an address record must hold 2 data bytes.');
        records.push(formatRecord(type, 0, data));
        break;
      case RecordType.extendedSegmentAddress: {
        const segment = (data[0] << 8) | data[1];
        if (data.length !== 2 || (segment & 0xfff) !== 0) {
          throw formatError(
            'FORMAT_UNSUPPORTED',
            source,
            'only segment addresses on a 64 KiB boundary can be converted.',
          );
        }
        records.push(extendedLinearAddressRecord(segment * 16));
        break;
      }
      case RecordType.startSegmentAddress:
      case RecordType.startLinearAddress:
        break;
      case RecordType.endOfFile:
        if (i + 1 < lines.length) {
          throw formatError(
            'FORMAT_UNSUPPORTED',
            { line: lines[i + 1].line, file },
            'records after the end-of-file record (a MakeCode V1 hex keeps its project there; ' +
              'open it in MakeCode to make a Universal Hex).',
          );
        }
        return { records, maxData };
      default:
        if (type >= RecordType.blockStart && type <= RecordType.otherData) {
          throw formatError('FORMAT_INVALID', source, 'this hex is already a Universal Hex.');
        }
        throw formatError('FORMAT_INVALID', source, `unknown record type 0x${hexByte(type)}.`);
    }
  }
  const last = lines.length > 0 ? lines[lines.length - 1].line : 1;
  throw formatError('FORMAT_INVALID', { line: last, file }, 'the hex ends without an end-of-file record.');
}

function isAddressRecord(record: string): boolean {
  return record.charCodeAt(7) === 0x30 && record.charCodeAt(8) === 0x34; // type "04"
}

function blockStartRecord(boardId: number): string {
  return formatRecord(RecordType.blockStart, 0, [(boardId >> 8) & 0xff, boardId & 0xff, 0xc0, 0xde]);
}

function blockEndRecord(padding: number): string {
  return formatRecord(RecordType.blockEnd, 0, new Uint8Array(padding).fill(0xff));
}

function paddedDataRecord(padding: number): string {
  return formatRecord(RecordType.paddedData, 0, new Uint8Array(padding).fill(0xff));
}

function formatError(
  code: 'FORMAT_INVALID' | 'FORMAT_UNSUPPORTED',
  source: { line: number; file: string },
  reason: string,
): WebProgError {
  return new WebProgError(code, `Line ${source.line} of the ${source.file}: ${reason}`, source);
}
