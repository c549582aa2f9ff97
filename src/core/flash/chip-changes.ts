/**
 * What a destructive step (erase, flash) has changed on the chip so far, so that a step that
 * stops early (Stop, a time limit, a failure) says what it did: "cancelled" after a mass erase
 * must not read as "nothing happened". The error keeps its code; it gains
 * {@link WebProgError.changes} and a sentence saying what changed.
 */
import { WebProgError, formatAddress, toWebProgError, type ChipChanges } from '../errors';

/** Ranges listed in a message before "and N more". */
const LISTED_RANGES = 6;

/** Collects the changes of one destructive step. */
export class ChipChangeLog {
  private massErased = false;
  private readonly blocks = new Map<number, number>();

  /** Notes that the whole chip was erased. */
  massErase(): void {
    this.massErased = true;
  }

  /** Notes that the block at `address` is being erased or programmed (call before starting it). */
  block(address: number, size: number): void {
    this.blocks.set(address, Math.max(size, this.blocks.get(address) ?? 0));
  }

  /** True when nothing was changed. */
  get isEmpty(): boolean {
    return !this.massErased && this.blocks.size === 0;
  }

  /** The changes so far. */
  changes(): ChipChanges {
    const blocks = [...this.blocks]
      .map(([address, size]) => ({ address, size }))
      .sort((a, b) => a.address - b.address);
    return { massErased: this.massErased, blocks };
  }

  /**
   * `error` as a {@link WebProgError} carrying these changes (merged with any it carries
   * already) and saying them in its message; unchanged when nothing was changed.
   */
  annotate(error: unknown): WebProgError {
    const e = toWebProgError(error);
    if (this.isEmpty) return e;
    const merged = new ChipChangeLog();
    for (const source of [e.changes, this.changes()]) {
      if (!source) continue;
      if (source.massErased) merged.massErase();
      for (const b of source.blocks) merged.block(b.address, b.size);
    }
    const base =
      e.changes && e.message.endsWith(` ${describeChipChanges(e.changes)}`)
        ? e.message.slice(0, -describeChipChanges(e.changes).length - 1)
        : e.message;
    const changes = merged.changes();
    const annotated = new WebProgError(e.code, `${base} ${describeChipChanges(changes)}`, {
      address: e.address,
      line: e.line,
      file: e.file,
      cause: e.cause,
      changes,
    });
    if (e.stack !== undefined) annotated.stack = e.stack;
    return annotated;
  }
}

/** One sentence saying what was changed, e.g. "Before it stopped, the whole chip was erased." */
export function describeChipChanges(changes: ChipChanges): string {
  const ranges = mergeRanges(changes.blocks);
  const count = changes.blocks.length;
  const listed = ranges
    .slice(0, LISTED_RANGES)
    .map((r) => `${formatAddress(r.address)}..${formatAddress(r.address + r.size - 1)}`)
    .join(', ');
  const more = ranges.length > LISTED_RANGES ? ` and ${ranges.length - LISTED_RANGES} more ranges` : '';
  const blocks = `${count} erase block${count === 1 ? '' : 's'} (${listed}${more})`;
  if (changes.massErased) {
    return count > 0
      ? `Before it stopped, the whole chip was erased and ${blocks} programmed again; everything else on it is erased.`
      : 'Before it stopped, the whole chip was erased: everything on it is gone.';
  }
  return `Before it stopped, ${blocks} had been erased or programmed; the rest of the chip is unchanged.`;
}

/** Joins touching ranges. */
function mergeRanges(blocks: readonly { address: number; size: number }[]) {
  const out: { address: number; size: number }[] = [];
  for (const b of blocks) {
    const last = out.at(-1);
    if (last && last.address + last.size === b.address) last.size += b.size;
    else out.push({ ...b });
  }
  return out;
}

/**
 * `error` as a {@link WebProgError} that says `changes` (for code that rewraps an error which
 * carried them); unchanged when `changes` is undefined.
 */
export function withChipChanges(error: unknown, changes: ChipChanges | undefined): WebProgError {
  const log = new ChipChangeLog();
  if (changes?.massErased) log.massErase();
  for (const b of changes?.blocks ?? []) log.block(b.address, b.size);
  return log.annotate(error);
}
