/**
 * Builds the rows the hex view renders: 16 bytes each, with what every byte looks like (data
 * or gap, differing from the compared file, highlighted, a search match, under the cursor).
 * Only the visible rows are ever built, so a 4 GiB range costs no more than a 4 KiB one.
 */
import type { SparseData } from '../../core/memory/sparse-data';

/** Bytes per row. */
export const ROW_BYTES = 16;

/** One byte as shown. */
export interface HexCell {
  /** Absolute address. */
  address: number;
  /** Two hex digits (blank past the end of the range). */
  hex: string;
  /** Printable ASCII or `.` (blank past the end of the range). */
  char: string;
  /** No data at this address: the fill value is shown, dimmed. */
  gap: boolean;
  /** Past the end of the range (the last row of a range whose size is not a multiple of 16). */
  outside: boolean;
  /** Differs from the compared file. */
  diff: boolean;
  /** Inside the highlighted bytes (go to / current match / jumped-to difference). */
  mark: boolean;
  /** Inside any search match. */
  match: boolean;
  /** Under the cursor. */
  cursor: boolean;
}

/** One row as shown. */
export interface HexRow {
  /** Address of the first byte. */
  address: number;
  /** The 16 cells. */
  cells: HexCell[];
  /** The row as a screen reader reads it: `0x0001C000: 00 20 … text …`. */
  label: string;
}

/** What to build rows of and what to highlight. */
export interface RowSource {
  /** The data shown. */
  data: SparseData;
  /** The compared file's data, if comparing. */
  other?: SparseData;
  /** First address of the range (a multiple of 16). */
  start: number;
  /** One past the last address of the range. */
  end: number;
  /** Value shown for gaps. */
  fill: number;
  /** Cursor address. */
  cursor: number;
  /** Highlighted bytes `[start, end)`. */
  mark?: { start: number; end: number };
  /** Search matches: ascending start addresses, each `length` bytes. */
  matches?: { addresses: readonly number[]; length: number };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** The printable-ASCII form of a byte, `.` for anything else. */
export function asciiChar(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Builds rows `firstRow … firstRow + count - 1` of the range (rows past its end are left out). */
export function buildRows(source: RowSource, firstRow: number, count: number): HexRow[] {
  const { data, other, start, end, fill } = source;
  const from = start + firstRow * ROW_BYTES;
  const to = Math.min(end, from + count * ROW_BYTES);
  if (from >= to) return [];
  const length = to - from;
  const bytes = data.read(from, length, fill);
  const present = presence(data, from, length);
  const otherBytes = other?.read(from, length, fill);
  const matched = matchMask(source.matches, from, length);
  const rows: HexRow[] = [];
  for (let rowStart = from; rowStart < to; rowStart += ROW_BYTES) {
    const cells: HexCell[] = [];
    for (let address = rowStart; address < rowStart + ROW_BYTES; address++) {
      const i = address - from;
      const outside = address >= to;
      const byte = bytes[i];
      cells.push({
        address,
        hex: outside ? '  ' : HEX[byte],
        char: outside ? ' ' : asciiChar(byte),
        gap: !outside && present[i] === 0,
        outside,
        diff: !outside && otherBytes !== undefined && otherBytes[i] !== byte,
        mark:
          !outside && source.mark !== undefined && address >= source.mark.start && address < source.mark.end,
        match: !outside && matched[i] === 1,
        cursor: address === source.cursor,
      });
    }
    rows.push({ address: rowStart, cells, label: rowLabel(rowStart, cells) });
  }
  return rows;
}

/** 1 where `data` holds a byte in `[from, from+length)`, else 0. */
function presence(data: SparseData, from: number, length: number): Uint8Array {
  const mask = new Uint8Array(length);
  for (const s of data.slice(from, from + length).segments())
    mask.fill(1, s.address - from, s.address - from + s.data.length);
  return mask;
}

/** 1 where a search match covers `[from, from+length)`, else 0. */
function matchMask(matches: RowSource['matches'], from: number, length: number): Uint8Array {
  const mask = new Uint8Array(length);
  if (!matches || matches.addresses.length === 0) return mask;
  const { addresses, length: size } = matches;
  // Binary search for the first match that ends after `from`.
  let lo = 0;
  let hi = addresses.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (addresses[mid] + size <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < addresses.length && addresses[k] < from + length; k++) {
    mask.fill(1, Math.max(0, addresses[k] - from), Math.min(length, addresses[k] + size - from));
  }
  return mask;
}

function rowLabel(address: number, cells: HexCell[]): string {
  const shown = cells.filter((c) => !c.outside);
  const hex = shown.map((c) => c.hex).join(' ');
  const text = shown.map((c) => c.char).join('');
  const head = '0x' + address.toString(16).toUpperCase().padStart(8, '0');
  const gaps = shown.every((c) => c.gap) ? ' (no data)' : '';
  return `${head}: ${hex}, text ${text}${gaps}`;
}
