/** Search in the hex view: a query, its matches in the range shown, and the current match. */
import type { SparseData } from '../core/memory/sparse-data';
import { findAll, parsePattern, type SearchMode } from './byte-search';
import type { FilesState } from './files.svelte';
import type { NavigationState } from './navigation.svelte';
import { groupDigits, plural } from './text';

/** The matches of one search, tied to the data and range they were found in. */
export interface SearchResult {
  /** File searched. */
  fileId: number;
  /** View range searched. */
  rangeKey: string;
  /** The data searched (a Universal Hex board switch makes the result stale). */
  data: SparseData;
  /** Length of the pattern in bytes. */
  length: number;
  /** Start address of every match. */
  addresses: number[];
  /** True when there were more matches than collected. */
  truncated: boolean;
}

/** Most matches collected per search. */
const MATCH_LIMIT = 10_000;

/** The search box of the hex view. */
export class SearchState {
  /** What the person typed. */
  query = $state('');
  /** How the query is read. */
  mode = $state<SearchMode>('hex');
  /** Why the query could not be searched, in plain words. */
  error = $state<string | undefined>();
  /** Index of the current match in the result. */
  index = $state(-1);
  private found = $state.raw<SearchResult | undefined>();

  /** The last result, while it still belongs to the file, data and range shown. */
  readonly result: SearchResult | undefined = $derived.by(() => {
    const file = this.files.selected;
    const r = this.found;
    if (!file || !r) return undefined;
    return r.fileId === file.id && r.rangeKey === file.range.key && r.data === file.data ? r : undefined;
  });

  /** "3 of 17", "No matches", or "" before a search. */
  readonly summary: string = $derived.by(() => {
    const r = this.result;
    if (!r) return '';
    if (r.addresses.length === 0) return 'No matches';
    const total = groupDigits(r.addresses.length) + (r.truncated ? '+' : '');
    return `${groupDigits(this.index + 1)} of ${total}`;
  });

  constructor(
    private readonly files: FilesState,
    private readonly navigation: NavigationState,
  ) {}

  /**
   * Searches the range shown and goes to the first match at or after the cursor (wrapping
   * round). Returns the number of matches, or undefined when the query cannot be read.
   */
  find(): number | undefined {
    const file = this.files.selected;
    if (!file) return undefined;
    const pattern = parsePattern(this.query, this.mode);
    if (typeof pattern === 'string') {
      this.error = pattern;
      this.found = undefined;
      return undefined;
    }
    this.error = undefined;
    const { start, end, key } = file.range;
    const matches = findAll(file.data, start, end, pattern, MATCH_LIMIT);
    this.found = { fileId: file.id, rangeKey: key, data: file.data, length: pattern.length, ...matches };
    if (matches.addresses.length === 0) {
      this.index = -1;
      this.error = `No ${plural(pattern.length, 'byte')} sequence like that in ${file.range.name}.`;
      return 0;
    }
    const after = matches.addresses.findIndex((a) => a >= file.cursor);
    this.show(after < 0 ? 0 : after);
    return matches.addresses.length;
  }

  /** Goes to the next match (wrapping round); searches first when there is no result. */
  next(): void {
    if (!this.result) this.find();
    else this.show(this.index + 1);
  }

  /** Goes to the previous match (wrapping round). */
  previous(): void {
    if (!this.result) this.find();
    else this.show(this.index - 1);
  }

  private show(index: number): void {
    const r = this.result;
    if (!r || r.addresses.length === 0) return;
    const n = r.addresses.length;
    this.index = ((index % n) + n) % n;
    const at = r.addresses[this.index];
    this.navigation.moveTo(at, { start: at, end: at + r.length }, true);
  }
}
