/**
 * The classroom results as CSV (RFC 4180: comma-separated, CRLF line ends, fields with commas,
 * quotes or line breaks quoted, quotes doubled). Text a teacher typed is kept from being read as
 * a formula by spreadsheets (OWASP "CSV injection": a leading `=`, `+`, `-`, `@`, tab or CR gets
 * a `'` in front).
 */
import { csvField, safeText } from '../core/csv';
import { STATUS_LABELS, rowName, writtenSerialNumber, type ClassroomRow } from './classroom-rows';

/** The CSV's columns, in order. */
export const CSV_COLUMNS = [
  'Board',
  'Name',
  'Label',
  'Friendly name',
  'USB serial',
  'micro:bit',
  'Simulated',
  'Result',
  'Bytes written',
  'Blocks unchanged',
  'Time (s)',
  'Serial number written',
  'Attempts',
  'Error code',
  'Details',
  'Image',
] as const;

export { csvField, safeText };

/** The rows as a CSV document with a header line. */
export function classroomCsv(rows: readonly ClassroomRow[], imageName: string): string {
  const lines = [CSV_COLUMNS.map(csvField).join(',')];
  for (const row of rows) {
    const fields: (string | number | boolean | undefined)[] = [
      row.index,
      safeText(rowName(row)),
      safeText(row.label.trim()),
      row.friendlyName,
      row.serial,
      row.board,
      row.simulated ? 'yes' : 'no',
      STATUS_LABELS[row.status],
      row.bytesWritten,
      row.skippedBlocks,
      row.elapsedMs === undefined ? undefined : (row.elapsedMs / 1000).toFixed(2),
      writtenSerialNumber(row),
      row.attempts,
      row.errorCode,
      row.message === undefined ? undefined : safeText(row.message),
      safeText(imageName),
    ];
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** `classroom-blinky-2025-11-21-1504.csv`: the export's file name. */
export function csvFileName(imageName: string, epochMs: number): string {
  const stem =
    imageName
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-|-$/g, '') || 'image';
  const t = new Date(epochMs);
  const two = (n: number) => n.toString().padStart(2, '0');
  const stamp = `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}-${two(t.getHours())}${two(t.getMinutes())}`;
  return `classroom-${stem}-${stamp}.csv`;
}
