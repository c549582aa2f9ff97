/**
 * CSV fields (RFC 4180: fields with commas, quotes or line breaks quoted, quotes doubled), and
 * text a person typed kept from being read as a formula by spreadsheets (OWASP "CSV
 * injection": a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` in front).
 */

/** One CSV field, quoted when needed. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Free text a person typed, made safe to open in a spreadsheet. */
export function safeText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
