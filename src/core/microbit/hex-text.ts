/**
 * Intel Hex and Universal Hex text ⇄ `SparseData` for the micro:bit module: a thin layer over
 * the project's formats module (`src/core/formats`), adding what MicroPython hexes need — the
 * legacy editors' ":::…" insertion line is dropped, an `nrf-intel-hex` `MemoryMap` can be
 * read, and hex text is produced in pieces (no EOF record) so that cached parts of an image
 * can be concatenated with freshly encoded filesystem pages.
 */
import type MemoryMap from 'nrf-intel-hex';
import { WebProgError } from '../errors';
import {
  createUniversalHex,
  isUniversalHex,
  parseIntelHex,
  readUniversalHex,
  writeIntelHex,
} from '../formats';
import { SparseData } from '../memory';

/** The data of one board inside a Universal Hex. */
export interface BoardHexData {
  /** Board id from the Block Start record, e.g. 0x9900 or 0x9903. */
  boardId: number;
  /** That board's bytes. */
  data: SparseData;
}

/** The Intel Hex end-of-file record. */
const EOF_RECORD = ':00000001FF';
/** The end-of-file record with its line end. */
export const INTEL_HEX_EOF = EOF_RECORD + '\n';
/** Ten colons: the start of the marker the first web editors left where the script was to go. */
const LEGACY_MARKER = '::::::::::';

/** Text with a BOM, leading white space and the legacy ":::…" insertion line removed. */
export function normaliseHexText(text: string): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutLegacyInsertionLine(t).trimStart();
}

/**
 * `text` without its first line of ten or more colons (and its line break), as
 * `replace(/^:{10,}\r?\n/m, '')` would, scanning with indexOf: a regex over a 1.6 MB hex slows
 * many-fold where a library has patched RegExp (core-js in microbit-universal-hex's bundle).
 */
function withoutLegacyInsertionLine(text: string): string {
  for (let at = text.indexOf(LEGACY_MARKER); at >= 0; at = text.indexOf(LEGACY_MARKER, at + 1)) {
    const before = at === 0 ? 0x0a : text.charCodeAt(at - 1);
    if (before !== 0x0a && before !== 0x0d && before !== 0x2028 && before !== 0x2029) continue;
    let end = at + LEGACY_MARKER.length;
    while (text.charCodeAt(end) === 0x3a) end++;
    if (text.charCodeAt(end) === 0x0d) end++;
    if (text.charCodeAt(end) === 0x0a) return text.slice(0, at) + text.slice(end + 1);
  }
  return text;
}

/** True when `text` starts like an Intel Hex file: a ':' record. */
export function looksLikeIntelHex(text: string): boolean {
  return /^:[0-9A-Fa-f]{10}/.test(normaliseHexText(text));
}

/** True when `text` is a Universal Hex (an address record, then a Block Start record). */
export function isUniversalHexText(text: string): boolean {
  return isUniversalHex(normaliseHexText(text));
}

/** Copies an nrf-intel-hex `MemoryMap` into `SparseData`. */
export function memoryMapToSparse(map: MemoryMap): SparseData {
  const data = new SparseData();
  for (const [address, bytes] of map) data.write(address, bytes);
  return data;
}

/**
 * Parses one (non-universal) Intel Hex into sparse bytes; data after the EOF record (MakeCode
 * V1 hexes keep their project there) is ignored.
 *
 * @throws WebProgError `FORMAT_INVALID` for text that is not an Intel Hex, `FORMAT_*` with
 *   the line for a bad record, `FORMAT_UNSUPPORTED` for a Universal Hex.
 */
export function parseIntelHexText(text: string): SparseData {
  if (!looksLikeIntelHex(text)) {
    throw new WebProgError('FORMAT_INVALID', 'This file is not an Intel Hex file.');
  }
  if (isUniversalHexText(text)) {
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      'This is a Universal Hex; it holds several boards and must be split first.',
    );
  }
  return parseIntelHex(normaliseHexText(text));
}

/** Each board's bytes in a Universal Hex, in file order. */
export function parseUniversalHexText(text: string): BoardHexData[] {
  return readUniversalHex(normaliseHexText(text)).boards.map(({ boardId, data }) => ({ boardId, data }));
}

/**
 * Intel Hex records (`recordSize` data bytes each, LF line ends) for `data`, starting with an Extended
 * Linear Address record and without the EOF record, so pieces in ascending address order
 * can be concatenated. Empty data gives "".
 */
export function intelHexRecords(data: SparseData, recordSize: 16 | 32 = 16): string {
  if (data.isEmpty) return '';
  const text = writeIntelHex(data, { recordSize });
  return text.slice(0, text.length - INTEL_HEX_EOF.length);
}

/**
 * One Universal Hex "section" (spec v0.4.0) for `data`: ELA + Block Start for `boardId`,
 * 32-byte records (the size the spec recommends, DAPLink's largest), padding to a 512-byte boundary and Block End, without an EOF record.
 * Sections of several boards (or several ascending sections of one board) are concatenated
 * and end with {@link INTEL_HEX_EOF}.
 */
export function universalHexSection(data: SparseData, boardId: number): string {
  const hex = intelHexRecords(data, 32) + INTEL_HEX_EOF;
  const section = createUniversalHex([{ boardId, hex }]);
  return section.endsWith(INTEL_HEX_EOF) ? section.slice(0, -INTEL_HEX_EOF.length) : section;
}
