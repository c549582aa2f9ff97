/**
 * Every target the app can flash with: the built-in device scripts and the ones the person
 * loaded (device scripts and CMSIS algorithms), as entries a picker lists and searches, and
 * the loaded targets that fit a chip identification saw, ranked by its ROM table (PID masks and
 * values, JEP106 designer, part number) and by the name it was identified as.
 */
import { matchesRomTable, type DeviceScript } from '../device-script';
import { jep106OfVendor, romTableIdentity, type Jep106 } from './jep106';
import { partPrefixes } from './rom-parts';
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

/** A chip as identification saw it. */
export interface IdentifiedChip {
  /** ROM table PID4..PID7, PID0..PID3. */
  pids: readonly number[];
  /** The name it was identified as (the device script's family or the CMSIS target), if any. */
  name?: string;
}

/** A loaded target that fits an identified chip, with why. */
export interface TargetFit {
  /** The target. */
  entry: TargetEntry;
  /** Higher fits better. */
  score: number;
  /** Why it fits, in plain words ("designer Nordic Semiconductor", "part 0x00D is an nRF52833"). */
  reasons: string[];
}

/** Letters then digits (a part name such as nRF52833, STM32F4, SAMD21), lower case, no separators. */
function modelWords(name: string): string[] {
  return (name.match(/[A-Za-z]+\d[A-Za-z0-9]*/g) ?? [])
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 5);
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The loaded targets that fit a chip, best first: device scripts whose ROM-table masks and
 * values match its PIDs (50: masks often check the designer only), targets named like a chip of its ROM table part number (60:
 * ST's part 0x431 is STM32F411), or like the name it was identified as (40: the
 * identified "Nordic nRF52833" fits "nRF52833_xxAA"), and of its JEP106 designer (20). A CMSIS
 * target of another known designer never fits; one with no designer fits by name only.
 */
export function fitTargets(entries: readonly TargetEntry[], chip: IdentifiedChip): TargetFit[] {
  const { designer, designerName: dName, part } = romTableIdentity(chip.pids);
  const prefixes = partPrefixes(designer, part);
  const words = chip.name ? modelWords(chip.name) : [];
  const partText = `part 0x${part.toString(16).toUpperCase().padStart(3, '0')}`;
  const fits: TargetFit[] = [];
  for (const e of entries) {
    if (e.origin !== 'loaded' || e.problem) continue;
    const name = squash(e.name);
    let score = 0;
    const reasons: string[] = [];
    if (e.pids) {
      const s = { pidMasks: [...e.pids.masks], pidValues: [...e.pids.values], checkValues: [] };
      if (!matchesRomTable(s, chip.pids)) continue;
      score += 50;
      reasons.push('its ROM table masks and values match');
    } else if (designer && e.jep106) {
      if (e.jep106.cc !== designer.cc || e.jep106.id !== designer.id) continue;
      score += 20;
      reasons.push(`designer ${dName ?? `JEP106 ${e.jep106.cc}/0x${e.jep106.id.toString(16)}`}`);
    }
    const prefix = prefixes.find((p) => name.includes(squash(p)));
    if (prefix) {
      score += 60;
      reasons.push(`ROM table ${partText} is ${prefix}`);
    }
    const word = words.find((w) => name.includes(w));
    if (word) {
      score += 40;
      reasons.push(`named like the identified ${chip.name}`);
    }
    if (score > 0) fits.push({ entry: e, score, reasons });
  }
  return fits.sort((a, b) => b.score - a.score);
}

/**
 * Suggestions for a chip whose ROM table reads `pids` (`[PID4..PID7, PID0..PID3]`) among the
 * loaded targets, best first (see {@link fitTargets}).
 */
export function suggestTargets(
  entries: readonly TargetEntry[],
  pids: readonly number[],
  name?: string,
): TargetEntry[] {
  return fitTargets(entries, { pids, ...(name ? { name } : {}) }).map((f) => f.entry);
}
