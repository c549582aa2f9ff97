/**
 * The project's files as an immutable name → content map: each change returns a new map (the
 * state holds it in `$state.raw` and replaces it), keeping the order files were added in.
 */

/** File contents by name. */
export type ProjectContents = ReadonlyMap<string, string>;

/** Contents holding exactly `entries`. */
export function contentsOf(entries: Iterable<readonly [string, string]>): ProjectContents {
  return new Map(entries);
}

/** `contents` with file `name` set to `content` (added at the end when new). */
export function withFile(contents: ProjectContents, name: string, content: string): ProjectContents {
  return new Map(contents).set(name, content);
}

/** `contents` without file `name`. */
export function withoutFile(contents: ProjectContents, name: string): ProjectContents {
  const next = new Map(contents);
  next.delete(name);
  return next;
}

/** `contents` with file `from` renamed to `to`, in the same place. */
export function withRenamedFile(contents: ProjectContents, from: string, to: string): ProjectContents {
  return new Map([...contents].map(([name, content]) => [name === from ? to : name, content] as const));
}

/** What is kept of a project between visits. */
export interface SavedProject {
  /** Project name. */
  name: string;
  /** The files. */
  contents: ProjectContents;
  /** The file shown. */
  selected: string;
}

const STORAGE_KEY = 'webprog.microbit-project.v1';

/** Keeps the project in `storage`; a full or disabled storage is ignored (the project still works). */
export function storeProject(storage: Pick<Storage, 'setItem'> | undefined, project: SavedProject): void {
  try {
    storage?.setItem(
      STORAGE_KEY,
      JSON.stringify({ name: project.name, files: [...project.contents], selected: project.selected }),
    );
  } catch {
    // Not kept: the next visit starts from the starter project.
  }
}

/**
 * The project kept in `storage`, or undefined when there is none or it is unreadable. A
 * `mainFile` is always present (empty when the stored project lacked it).
 */
export function loadStoredProject(
  storage: Pick<Storage, 'getItem'> | undefined,
  mainFile: string,
): Partial<SavedProject> | undefined {
  let saved: { name?: unknown; files?: unknown; selected?: unknown } | undefined;
  try {
    saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
  if (!saved || !Array.isArray(saved.files)) return undefined;
  const files = saved.files.filter(
    (f): f is [string, string] => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string',
  );
  const contents = files.some(([name]) => name === mainFile)
    ? contentsOf(files)
    : contentsOf([[mainFile, ''], ...files]);
  return {
    contents,
    name: typeof saved.name === 'string' && saved.name.trim() !== '' ? saved.name : undefined,
    selected: typeof saved.selected === 'string' && contents.has(saved.selected) ? saved.selected : undefined,
  };
}
