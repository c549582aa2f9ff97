/** Searching sparse data for a byte sequence typed as hex (`de ad be ef`) or as text. */
import type { SparseData } from '../core/memory/sparse-data';

/** How a search query is read. */
export type SearchMode = 'hex' | 'text';

/** Matches found, ascending; `truncated` when the limit cut the list short. */
export interface SearchMatches {
  /** Start address of every match. */
  addresses: number[];
  /** True when more matches exist than were collected. */
  truncated: boolean;
}

/**
 * The bytes a query stands for, or a message saying why it cannot be read. Hex queries accept
 * spaces, commas and `0x` prefixes between bytes: `de ad be ef`, `DEADBEEF`, `0xDE,0xAD`.
 * Text queries are encoded as UTF-8.
 */
export function parsePattern(query: string, mode: SearchMode): Uint8Array | string {
  if (mode === 'text') {
    if (query.length === 0) return 'Type the text to look for.';
    return new TextEncoder().encode(query);
  }
  const digits = query.replace(/0x/gi, '').replace(/[\s,]+/g, '');
  if (digits.length === 0) return 'Type the bytes to look for, e.g. de ad be ef.';
  if (!/^[0-9a-f]+$/i.test(digits)) return `"${query.trim()}" is not a hex byte sequence.`;
  if (digits.length % 2 !== 0) return 'Give every byte as two hex digits, e.g. 0a 1b.';
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * Start addresses of every occurrence of `pattern` in the bytes of `data` that lie in
 * `[start, end)`. Only bytes that hold data are searched (gaps are not matched as fill);
 * overlapping matches count. Stops after `limit` matches.
 */
export function findAll(
  data: SparseData,
  start: number,
  end: number,
  pattern: Uint8Array,
  limit = 10_000,
): SearchMatches {
  const addresses: number[] = [];
  if (pattern.length === 0) return { addresses, truncated: false };
  const first = pattern[0];
  for (const segment of data.slice(start, end).segments()) {
    const bytes = segment.data;
    const last = bytes.length - pattern.length;
    for (let i = bytes.indexOf(first); i >= 0 && i <= last; i = bytes.indexOf(first, i + 1)) {
      let j = 1;
      while (j < pattern.length && bytes[i + j] === pattern[j]) j++;
      if (j < pattern.length) continue;
      if (addresses.length === limit) return { addresses, truncated: true };
      addresses.push(segment.address + i);
    }
  }
  return { addresses, truncated: false };
}
