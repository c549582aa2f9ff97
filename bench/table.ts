/** Formats bench results as a fixed-width text table. */
import type { BenchResult } from './types';

/** Renders results with target, verdict, limit and peer columns. */
export function formatTable(results: (BenchResult & { suite?: string })[]): string {
  const rows = results.map((r) => [
    r.suite ?? '',
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.target ? `${r.target.better === 'lower' ? '≤' : '≥'} ${fmt(r.target.value)}` : '',
    verdict(r),
    r.limit !== undefined ? fmt(r.limit) : '',
    r.peer ? `${r.peer.name}: ${fmt(r.peer.value)}` : '',
    r.note ?? '',
  ]);
  const header = ['suite', 'figure', 'value', 'target', 'ok', 'limit', 'peer', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** "yes"/"NO" against the target, or "" when there is none. */
export function verdict(r: BenchResult): string {
  if (!r.target) return '';
  const ok = r.target.better === 'lower' ? r.value <= r.target.value : r.value >= r.target.value;
  return ok ? 'yes' : 'NO';
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e6) return n.toExponential(2);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}
