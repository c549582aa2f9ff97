/**
 * micro:bit Universal Hex (spec v0.4.0): detection, splitting into one Intel Hex per board,
 * and choosing the board a device needs. Every record's checksum is verified and errors name
 * the line of the Universal Hex. (`@microbit/microbit-universal-hex` is not used for reading:
 * it sorts boards by id, verifies no checksum and reports no lines.)
 */
import { WebProgError, formatAddress } from '../errors';
import type { SparseData } from '../memory';
import {
  END_OF_FILE_RECORD,
  RecordType,
  changeRecordType,
  decodeRecord,
  decodeRecordSpan,
  formatRecord,
  hexByte,
  LineReader,
  numberedLines,
  peekRecordType,
  recordBounds,
  recordScratch,
} from './hex-record';
import type { RecordSource } from './hex-record';
import { checkDataRange } from './intel-hex-strict';
import { RunBuilder } from './run-builder';

/** Most boards one Universal Hex may name (micro:bit has six board ids; files hold two or three). */
const MAX_BOARDS = 32;

/** One board's program inside a Universal Hex. */
export interface UniversalHexPart {
  /** Board id from the Block Start record, e.g. 0x9900/0x9901 (V1), 0x9903 (V2). */
  boardId: number;
  /** A plain Intel Hex holding this board's data. */
  hex: string;
}

/**
 * A board's program with its data already read. Its `hex` is written from the Universal Hex
 * text when first read (and then kept), so reading a file for its data holds no second copy.
 */
export interface UniversalHexBoard extends UniversalHexPart {
  /** The board's bytes at their absolute addresses. */
  data: SparseData;
}

/** Everything {@link readUniversalHex} found. */
export interface UniversalHexContents {
  /** The boards, in the order they first appear in the file. */
  boards: UniversalHexBoard[];
  /** E.g. "text after the EOF record was ignored (line 1234)". */
  warnings: string[];
}

/**
 * True when the text starts like a Universal Hex: an address record followed by a Block
 * Start record (a leading BOM, blank lines and CRLF line breaks are tolerated).
 */
export function isUniversalHex(text: string): boolean {
  const lines = numberedLines(text.slice(0, 2048));
  if (lines.length < 2) return false;
  const first = peekRecordType(lines[0].text);
  return (
    (first === RecordType.extendedLinearAddress || first === RecordType.extendedSegmentAddress) &&
    peekRecordType(lines[1].text) === RecordType.blockStart
  );
}

/** Splits a Universal Hex into one Intel Hex per board, in file order. */
export function splitUniversalHex(text: string, fileName?: string): UniversalHexPart[] {
  return readUniversalHex(text, fileName).boards.map(({ boardId, hex }) => ({ boardId, hex }));
}

/** Per-board state while reading. */
interface BoardBuilder {
  boardId: number;
  runs: RunBuilder;
}

/**
 * Reads a Universal Hex: each board's Intel Hex and data, in file order. Throws a
 * `WebProgError` with the line of the Universal Hex for a bad record, a checksum mismatch,
 * data outside any block, overlapping data of one board or a missing end-of-file record.
 */
export function readUniversalHex(text: string, fileName?: string): UniversalHexContents {
  const lines = new LineReader(text);
  const scratch = recordScratch();
  const boards = new Map<number, BoardBuilder>();
  let board: BoardBuilder | undefined;
  let base = 0;
  let last = 1;
  const source: RecordSource = { line: 0, file: fileName };
  while (lines.next()) {
    last = lines.line;
    source.line = lines.line;
    const count = decodeRecordSpan(text, lines.start, lines.end, source, scratch);
    const type = scratch[3];
    const offset = (scratch[1] << 8) | scratch[2];
    switch (type) {
      case RecordType.data:
      case RecordType.customData: {
        if (board === undefined)
          throw invalid(source, 'data record before any Block Start record (type 0x0A).');
        const address = base + offset;
        checkDataRange(address, offset, count, source);
        board.runs.add(address, scratch, source.line, 4, count);
        break;
      }
      case RecordType.extendedLinearAddress:
      case RecordType.extendedSegmentAddress:
        if (count !== 2) throw invalid(source, `a record of type 0x${hexByte(type)} must hold 2 data bytes.`);
        base = ((scratch[4] << 8) | scratch[5]) * (type === RecordType.extendedLinearAddress ? 0x10000 : 16);
        break;
      case RecordType.blockStart: {
        if (count < 2) throw invalid(source, 'the Block Start record must hold a 2-byte board id.');
        const boardId = (scratch[4] << 8) | scratch[5];
        board = boards.get(boardId);
        if (board === undefined) {
          if (boards.size === MAX_BOARDS) {
            throw new WebProgError(
              'FORMAT_UNSUPPORTED',
              `Line ${source.line}: this Universal Hex names more than ${MAX_BOARDS} boards; a real one holds a few.`,
              { line: source.line, file: fileName },
            );
          }
          // The first board's records can only be on the lines that follow, a byte per two
          // characters beyond a record's 11: its buffers are sized once.
          // Later boards start small and grow, so many boards cannot claim the text many times.
          const bounds = boards.size === 0 ? recordBounds(text, 11, lines.position) : undefined;
          const runs = bounds ? new RunBuilder(bounds.records, bounds.bytes) : new RunBuilder(4, 16);
          board = { boardId, runs };
          boards.set(boardId, board);
        }
        break;
      }
      case RecordType.endOfFile: {
        if (boards.size === 0)
          throw invalid(source, 'no Block Start record (type 0x0A) before the end: not a Universal Hex.');
        const warnings: string[] = [];
        if (lines.next()) warnings.push(`text after the EOF record was ignored (line ${lines.line})`);
        const result = [...boards.values()].map((b) => lazyHex(text, b.boardId, boardData(b, fileName)));
        return { boards: result, warnings };
      }
      case RecordType.startSegmentAddress:
      case RecordType.startLinearAddress:
      case RecordType.blockEnd:
      case RecordType.paddedData:
      case RecordType.otherData:
        break;
      default:
        throw invalid(source, `unknown record type 0x${hexByte(type)}.`);
    }
  }
  throw invalid(
    { line: last, file: fileName },
    'the file ends without an end-of-file record (:00000001FF); it may be cut short.',
  );
}

/** A board whose `hex` is written from `text` when first read. */
function lazyHex(text: string, boardId: number, data: SparseData): UniversalHexBoard {
  let hex: string | undefined;
  return {
    boardId,
    data,
    get hex(): string {
      hex ??= boardHexText(text, boardId);
      return hex;
    },
  };
}

/**
 * The plain Intel Hex of one board of a Universal Hex that {@link readUniversalHex} has read
 * without error: its data records (custom data records 0x0D turned into data records 0x00),
 * each preceded by the address record in force where that differs from the last one written,
 * then the end-of-file record.
 */
function boardHexText(text: string, boardId: number): string {
  const lines = new LineReader(text);
  const scratch = recordScratch();
  const source: RecordSource = { line: 0 };
  const out: string[] = [];
  let inBoard = false;
  let addressRecord: string | undefined;
  let written: string | undefined;
  while (lines.next()) {
    source.line = lines.line;
    const { type, data } = decodeRecord(lines.text, source, scratch);
    if (type === RecordType.endOfFile) break;
    if (type === RecordType.blockStart) inBoard = ((data[0] << 8) | data[1]) === boardId;
    else if (type === RecordType.extendedLinearAddress || type === RecordType.extendedSegmentAddress)
      addressRecord = formatRecord(type, 0, data);
    else if (inBoard && (type === RecordType.data || type === RecordType.customData)) {
      if (written !== addressRecord) {
        out.push(addressRecord ?? formatRecord(RecordType.extendedLinearAddress, 0, [0, 0]));
        written = addressRecord;
      }
      const line = lines.text;
      out.push(
        type === RecordType.data ? line : changeRecordType(line, RecordType.customData, RecordType.data),
      );
    }
  }
  return out.join('\n') + (out.length > 0 ? '\n' : '') + END_OF_FILE_RECORD + '\n';
}

/** Boards that run the same programs: micro:bit V1 ids and V2 ids (0x9904–0x9906 are V2.2x). */
const BOARD_FAMILIES: readonly (readonly number[])[] = [
  [0x9900, 0x9901],
  [0x9903, 0x9904, 0x9905, 0x9906],
];

/**
 * The part of a Universal Hex for `boardId`: the exact id, else one of the same micro:bit
 * generation (V1: 0x9900/0x9901; V2: 0x9903–0x9906). Throws `FORMAT_UNSUPPORTED` if none fits.
 */
export function selectBoard<T extends UniversalHexPart>(parts: readonly T[], boardId: number): T {
  const exact = parts.find((p) => p.boardId === boardId);
  if (exact !== undefined) return exact;
  const family = BOARD_FAMILIES.find((f) => f.includes(boardId));
  const related = family === undefined ? undefined : parts.find((p) => family.includes(p.boardId));
  if (related !== undefined) return related;
  throw new WebProgError(
    'FORMAT_UNSUPPORTED',
    `This Universal Hex has no program for board 0x${boardHex(boardId)} (it has ${parts
      .map((p) => '0x' + boardHex(p.boardId))
      .join(', ')}).`,
  );
}

/** The board's data; throws `FORMAT_OVERLAP` naming both lines when two of its records overlap. */
function boardData(board: BoardBuilder, file: string | undefined): SparseData {
  const built = board.runs.finish();
  if (built.overlap === undefined) return built.data;
  const { tag: line, earlierTag, address } = built.overlap;
  throw new WebProgError(
    'FORMAT_OVERLAP',
    `Line ${line}: data for board 0x${boardHex(board.boardId)} at ${formatAddress(address)} overlaps earlier data for that board (line ${earlierTag}).`,
    { line, file, address },
  );
}

function boardHex(boardId: number): string {
  return boardId.toString(16).toUpperCase().padStart(4, '0');
}

function invalid(source: RecordSource, reason: string): WebProgError {
  return new WebProgError('FORMAT_INVALID', `Line ${source.line}: ${reason}`, {
    line: source.line,
    file: source.file,
  });
}
