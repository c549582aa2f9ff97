/**
 * MultiProg's path helpers over the files a run has. A browser run has no file system: the
 * files handed to it (opened in the app, picked, or saved by the script) form one flat folder,
 * and a MultiProg path such as "C:/fw.hex" names the file with that base name.
 */

/** The last part of `path`, splitting on both `/` and `\` ("C:\\a\\fw.hex" → "fw.hex"). */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}

/** Everything before the last `/` or `\` ("C:/a/fw.hex" → "C:/a"; "fw.hex" → "."; "/fw" → "/"). */
export function dirName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  return cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/** The extension of the base name without the dot ("fw.S19" → "S19"; none → ""). */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1);
}

/**
 * The name of the run's file that `path` means: the exact name, else the file with the same
 * base name (case-sensitive first, then ignoring case); undefined when there is none.
 */
export function resolveFileName(files: ReadonlyMap<string, unknown>, path: string): string | undefined {
  if (files.has(path)) return path;
  const base = baseName(path);
  if (files.has(base)) return base;
  const lower = base.toLowerCase();
  for (const name of files.keys()) if (baseName(name).toLowerCase() === lower) return name;
  return undefined;
}

/** True when `name` matches the glob `pattern` (`*` any run, `?` one character; ignoring case). */
export function matchesGlob(name: string, pattern: string): boolean {
  const source = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(name);
}
