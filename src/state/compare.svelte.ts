/** "Compare with…": the bytes of the range shown that differ in a second opened file. */
import type { AddressRange } from '../core/memory/sparse-data';
import { diffRange } from '../core/memory/memory-image';
import type { FileEntry } from './file-entry.svelte';
import type { FilesState } from './files.svelte';
import type { LogState } from './log.svelte';
import type { NavigationState } from './navigation.svelte';
import { byteCount, plural } from './text';

/** Differences inside the range shown. */
export interface CompareResult {
  /** The file compared against. */
  other: FileEntry;
  /** Differing ranges, ascending (gaps read as the range's fill value in both files). */
  ranges: AddressRange[];
  /** Number of differing bytes. */
  byteCount: number;
}

/** Comparison of the file shown with another opened file. */
export class CompareState {
  /** Id of the file compared against, if any. */
  otherId = $state<number | undefined>();

  /** The file compared against, while it is open and is not the file shown. */
  readonly other: FileEntry | undefined = $derived.by(() =>
    this.files.files.find((f) => f.id === this.otherId && f.id !== this.files.selectedId),
  );

  /** Differences in the range shown (recomputed when the file, range, board or other file changes). */
  readonly result: CompareResult | undefined = $derived.by(() => {
    const file = this.files.selected;
    const other = this.other;
    if (!file || !other) return undefined;
    const { start, end, fill } = file.range;
    const ranges = diffRange(file.data, other.data, start, end, fill);
    return { other, ranges, byteCount: ranges.reduce((n, r) => n + r.end - r.start, 0) };
  });

  constructor(
    private readonly files: FilesState,
    private readonly navigation: NavigationState,
    private readonly log: LogState,
  ) {}

  /** Compares the file shown with file `id` (undefined stops comparing) and logs the outcome. */
  compareWith(id: number | undefined): void {
    this.otherId = id;
    const file = this.files.selected;
    const r = this.result;
    if (!file || !r) return;
    const where = `${file.range.name} of ${file.name} and ${r.other.name}`;
    if (r.ranges.length === 0) this.log.info(`Compared ${where}: identical.`);
    else
      this.log.info(
        `Compared ${where}: ${byteCount(r.byteCount)} differ in ${plural(r.ranges.length, 'range')}.`,
      );
  }

  /** Puts the cursor on the first byte of a differing range and highlights the range. */
  jumpTo(range: AddressRange): void {
    this.navigation.moveTo(range.start, range, true);
  }
}
