/**
 * MultiProg's checksum scripts and checksum profiles, kept in the browser's storage.
 *
 * A Lua script is a checksum script when the marker `-- @checksum-script` appears in its first
 * 512 bytes; it computes over the buffer (the file shown) and reports with
 * `mp.ui.set_statusbar(label, value)`. A profile maps a target name pattern to a checksum (a
 * built-in or a script), in the shape of MultiProg's `checksum_profiles.json`
 * (`[{target_pattern, checksum_name, script_name}]`), so a profile list can be brought over.
 */

/** The marker that makes a Lua file a checksum script. */
export const CHECKSUM_MARKER = '-- @checksum-script';
/** How far into the file the marker is looked for, in bytes (as MultiProg). */
const MARKER_WINDOW = 512;

/** Storage key of the kept checksum scripts. */
export const CHECKSUM_SCRIPTS_KEY = 'webprog.checksum.scripts';
/** Storage key of the checksum profiles. */
export const CHECKSUM_PROFILES_KEY = 'webprog.checksum.profiles';

/** A kept checksum script. */
export interface ChecksumScript {
  /** Its name (the file name it was kept under, e.g. "renesas_nec_checksum.lua"). */
  name: string;
  /** The Lua code. */
  code: string;
}

/** One checksum profile, as MultiProg's `checksum_profiles.json` holds it. */
export interface ChecksumProfile {
  /** Target names it applies to: `*` any run of characters, `?` one; case is ignored. */
  target_pattern: string;
  /** The built-in checksum's id ("crc32", "sum16"…), or the script's name for a script. */
  checksum_name: string;
  /** The checksum script's name, or "" for a built-in. */
  script_name: string;
}

type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'> | undefined;

/** True when `code` is a checksum script (the marker in its first 512 bytes). */
export function isChecksumScript(code: string): boolean {
  const head = new TextEncoder().encode(code).subarray(0, MARKER_WINDOW);
  return new TextDecoder().decode(head).includes(CHECKSUM_MARKER);
}

/** True when the target name matches the profile's pattern (glob, ignoring case). */
export function targetMatches(pattern: string, target: string): boolean {
  const source = [...pattern.trim()]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(target.trim());
}

/** The first profile whose pattern matches `target` (MultiProg's order: first match wins). */
export function profileFor(
  profiles: readonly ChecksumProfile[],
  target: string,
): ChecksumProfile | undefined {
  return profiles.find((p) => targetMatches(p.target_pattern, target));
}

/**
 * Reads a profile list in MultiProg's JSON form. Entries without a pattern or a checksum are
 * dropped; anything that is not such a list gives an error naming what is wrong.
 */
export function parseProfiles(text: string): ChecksumProfile[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The profile list is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(value))
    throw new Error('The profile list must be a JSON array of {target_pattern, checksum_name, script_name}.');
  return value
    .filter(
      (p): p is Record<string, unknown> =>
        typeof p === 'object' &&
        p !== null &&
        typeof p.target_pattern === 'string' &&
        p.target_pattern.trim() !== '',
    )
    .map((p) => ({
      target_pattern: String(p.target_pattern).trim(),
      checksum_name: typeof p.checksum_name === 'string' ? p.checksum_name : '',
      script_name: typeof p.script_name === 'string' ? p.script_name : '',
    }))
    .filter((p) => p.checksum_name !== '' || p.script_name !== '');
}

/** Kept checksum scripts and profiles in `storage` (best effort: a refusing storage keeps them for the page). */
export class ChecksumLibrary {
  private scriptList: ChecksumScript[];
  private profileList: ChecksumProfile[];

  constructor(private readonly storage: KeyValueStorage) {
    this.scriptList = readJson(storage, CHECKSUM_SCRIPTS_KEY, (v) =>
      Array.isArray(v)
        ? v
            .filter(
              (s) => typeof s?.name === 'string' && typeof s?.code === 'string' && isChecksumScript(s.code),
            )
            .map((s) => ({ name: s.name as string, code: s.code as string }))
        : [],
    );
    this.profileList = readJson(storage, CHECKSUM_PROFILES_KEY, (v) => {
      try {
        return parseProfiles(JSON.stringify(v));
      } catch {
        return [];
      }
    });
  }

  /** The kept checksum scripts, by name. */
  get scripts(): readonly ChecksumScript[] {
    return this.scriptList;
  }

  /** The profiles, in order. */
  get profiles(): readonly ChecksumProfile[] {
    return this.profileList;
  }

  /** Keeps a checksum script under `name` (replacing one of that name); refuses code without the marker. */
  keepScript(name: string, code: string): void {
    if (!isChecksumScript(code))
      throw new Error(
        `${name} is not a checksum script: "${CHECKSUM_MARKER}" must be in its first ${MARKER_WINDOW} bytes.`,
      );
    this.scriptList = [...this.scriptList.filter((s) => s.name !== name), { name, code }].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    this.write(CHECKSUM_SCRIPTS_KEY, this.scriptList);
  }

  /** Removes a kept script. */
  removeScript(name: string): void {
    this.scriptList = this.scriptList.filter((s) => s.name !== name);
    this.write(CHECKSUM_SCRIPTS_KEY, this.scriptList);
  }

  /** Replaces the profile list. */
  setProfiles(profiles: readonly ChecksumProfile[]): void {
    this.profileList = profiles.map((p) => ({ ...p }));
    this.write(CHECKSUM_PROFILES_KEY, this.profileList);
  }

  private write(key: string, value: unknown): void {
    try {
      this.storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or blocked: kept for this page.
    }
  }
}

function readJson<T>(storage: KeyValueStorage, key: string, shape: (value: unknown) => T[]): T[] {
  try {
    const text = storage?.getItem(key);
    return text ? shape(JSON.parse(text)) : [];
  } catch {
    return [];
  }
}
