/**
 * How the UI writes numbers, addresses, sizes and formats, and how it reads addresses typed by
 * a person. One place, so every panel says the same thing the same way.
 */
import type { FileFormat } from '../core/formats';

/** Names of the file formats as a person reads them. */
export const FORMAT_LABELS: Readonly<Record<FileFormat, string>> = {
  'intel-hex': 'Intel Hex',
  'universal-hex': 'Universal Hex',
  srec: 'S-records',
  bin: 'Binary',
  uf2: 'UF2',
  elf: 'ELF',
};

/** `0x0001B5FF`: eight upper-case hex digits (addresses up to 4 GiB, where 2^32 prints as `0x100000000`). */
export function hex32(value: number): string {
  return '0x' + value.toString(16).toUpperCase().padStart(8, '0');
}

/** `0x12`, `0x1234`: a value padded to `digits` upper-case hex digits. */
export function hexValue(value: number, digits = 2): string {
  return '0x' + value.toString(16).toUpperCase().padStart(digits, '0');
}

/** `0x00000000–0x0001B5FF` for the half-open range `[start, end)` (the last byte is shown). */
export function hexRange(start: number, end: number): string {
  return `${hex32(start)}–${hex32(Math.max(start, end - 1))}`;
}

/** `1,239,726` with thousands separators, independent of the browser's locale. */
export function groupDigits(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1,239,726 bytes` / `1 byte`. */
export function byteCount(value: number): string {
  return `${groupDigits(value)} ${value === 1 ? 'byte' : 'bytes'}`;
}

/** A short size: `512 B`, `4 KiB`, `1.2 MiB`, `4 GiB`. */
export function shortSize(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  const text = Number.isInteger(v) ? v.toString() : v.toFixed(1);
  return `${text} ${units[unit]}`;
}

/** `6 ranges` / `1 range`. */
export function plural(count: number, word: string): string {
  return `${groupDigits(count)} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Reads an address or byte value typed by a person. Hex is the default (`1C000`, `0x1C000`,
 * `0x0001_C000`, `1C000h`); a `#` prefix means decimal (`#4096`). Returns `undefined` for
 * anything else, or for values outside `[0, max]`.
 */
export function parseAddress(text: string, max = 0xffff_ffff): number | undefined {
  const t = text.trim().replace(/_/g, '');
  let value: number;
  if (/^#\d+$/.test(t)) value = Number(t.slice(1));
  else if (/^0x[0-9a-f]+$/i.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^[0-9a-f]+h?$/i.test(t)) value = parseInt(t.replace(/h$/i, ''), 16);
  else return undefined;
  return Number.isSafeInteger(value) && value >= 0 && value <= max ? value : undefined;
}

/** `1.25 ms`, `180 ms`, `2.4 s`. */
export function duration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The name of a micro:bit board id as printed on the board (Universal Hex sections). */
export function boardName(boardId: number): string {
  if (boardId === 0x9900 || boardId === 0x9901) return 'micro:bit V1';
  if (boardId >= 0x9903 && boardId <= 0x9906) return 'micro:bit V2';
  return 'unknown board';
}

/** `name.hex` → `name.bin`: replaces (or adds) the extension. */
export function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extension}`;
}

/** `15:04:05.123`: a log line's time of day (local time). */
export function logTime(epochMs: number): string {
  const time = new Date(epochMs);
  const two = (n: number) => n.toString().padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${time
    .getMilliseconds()
    .toString()
    .padStart(3, '0')}`;
}
