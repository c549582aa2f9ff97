/**
 * Every target the app can flash with: the built-in device scripts and the ones the person
 * loaded (device scripts and CMSIS algorithms), as entries a picker lists and searches, and
 * the suggestions for a chip from its ROM table: device scripts whose PID masks and values
 * match, CMSIS targets whose vendor is the ROM table's JEP106 designer.
 */
import { matchesRomTable, type DeviceScript } from '../device-script';
import { jep106OfVendor, romTableIdentity, type Jep106 } from './jep106';
import { userCmsisTarget, userScript, type UserTarget, type UserTargetKind } from './user-target';
import { parseProbeRsTarget } from '../cmsis/probe-rs';
import { decodeText } from '../formats/text-codec';

/** One target in the picker. */
export interface TargetEntry {
  /** Stable key. */
  id: string;
  /** Chip name (what connecting with `chip` names). */
  name: string;
  /** What flashes it. */
  kind: 'built-in-script' | UserTargetKind;
  /** Built into the app, or loaded by the person. */
  origin: 'built-in' | 'loaded';
  /** Source file. */
  file: string;
  /** Vendor, when known. */
  vendor?: string;
  /** The designer's JEP106 code, when known. */
  jep106?: Jep106;
  /** ROM-table masks and values (device scripts). */
  pids?: { masks: readonly number[]; values: readonly number[] };
  /** Set when the entry could not be read (a stored file that no longer parses). */
  problem?: string;
}

/** The entries of the built-in scripts and the user's targets (built-in first, then by name). */
export function targetEntries(
  builtIn: readonly Pick<DeviceScript, 'name' | 'file' | 'pidMasks' | 'pidValues'>[],
  loaded: readonly UserTarget[],
): TargetEntry[] {
  const out: TargetEntry[] = builtIn.map((s) => ({
    id: `built-in:${s.name.toLowerCase()}`,
    name: s.name,
    kind: 'built-in-script',
    origin: 'built-in',
    file: s.file,
    pids: { masks: s.pidMasks, values: s.pidValues },
  }));
  for (const t of [...loaded].sort((a, b) => a.name.localeCompare(b.name))) {
    const entry: TargetEntry = { id: t.id, name: t.name, kind: t.kind, origin: 'loaded', file: t.file };
    try {
      if (t.kind === 'device-script') {
        const s = userScript(t);
        entry.pids = { masks: s.pidMasks, values: s.pidValues };
      } else {
        const target = userCmsisTarget(t);
        if (target.vendor) entry.vendor = target.vendor;
        const jep =
          t.kind === 'probe-rs' ? parseProbeRsTarget(decodeText(t.bytes), t.file).manufacturer : undefined;
        const code = jep ?? (target.vendor ? jep106OfVendor(target.vendor) : undefined);
        if (code) entry.jep106 = code;
      }
    } catch (error) {
      entry.problem = (error as Error).message;
    }
    out.push(entry);
  }
  return out;
}

/**
 * The entries matching `query` (every word found in the name, vendor, file or kind; any
 * case), best first: names equal to the query, then names starting with it, then the rest in
 * their order. An empty query lists everything.
 */
export function searchTargets(entries: readonly TargetEntry[], query: string): TargetEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...entries];
  const words = q.split(/\s+/);
  const hay = (e: TargetEntry) => `${e.name} ${e.vendor ?? ''} ${e.file} ${e.kind}`.toLowerCase();
  const rank = (e: TargetEntry) =>
    e.name.toLowerCase() === q ? 0 : e.name.toLowerCase().startsWith(q) ? 1 : 2;
  return entries
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => words.every((w) => hay(e).includes(w)))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map(({ e }) => e);
}

/**
 * Suggestions for a chip whose ROM table reads `pids` (`[PID4..PID7, PID0..PID3]`): device
 * scripts whose masks and values match first, then CMSIS targets of the same JEP106 designer.
 */
export function suggestTargets(entries: readonly TargetEntry[], pids: readonly number[]): TargetEntry[] {
  const { designer } = romTableIdentity(pids);
  const scripts = entries.filter(
    (e) =>
      e.pids &&
      !e.problem &&
      matchesRomTable({ pidMasks: [...e.pids.masks], pidValues: [...e.pids.values], checkValues: [] }, pids),
  );
  const cmsis = entries.filter(
    (e) =>
      !e.pids &&
      !e.problem &&
      designer &&
      e.jep106 &&
      e.jep106.cc === designer.cc &&
      e.jep106.id === designer.id,
  );
  return [...scripts, ...cmsis];
}
