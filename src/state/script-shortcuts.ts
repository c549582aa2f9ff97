/**
 * The saved-script shortcuts a script manages with `mp.app.add_script_shortcut` and
 * `remove_script_shortcut`, kept in the browser's storage so they outlive the run and the visit,
 * as MultiProg keeps them in its settings.
 */
import type { ScriptShortcut } from '../../workers/lua/api';
import type { ScriptShortcutStore } from './script.svelte';

/** Storage key of the shortcut list. */
export const SCRIPT_SHORTCUTS_KEY = 'webprog.scripts.shortcuts';

/** Most shortcuts kept (the Lua side refuses more). */
const MAX_KEPT = 100;

/**
 * Shortcuts in `storage` (JSON under {@link SCRIPT_SHORTCUTS_KEY}); a damaged or foreign value
 * reads as no shortcuts, and a storage that refuses to write keeps them for this page only.
 */
export function storedShortcuts(
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
): ScriptShortcutStore {
  let current = parse(readItem(storage));
  return {
    load: () => current.map((s) => ({ ...s })),
    save: (list) => {
      current = list.slice(0, MAX_KEPT).map((s) => ({ name: String(s.name), path: String(s.path) }));
      try {
        storage?.setItem(SCRIPT_SHORTCUTS_KEY, JSON.stringify(current));
      } catch {
        // Storage full or blocked: the list still holds for this page.
      }
    },
  };
}

function readItem(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(SCRIPT_SHORTCUTS_KEY) ?? null;
  } catch {
    return null;
  }
}

function parse(text: string | null): ScriptShortcut[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value
      .filter(
        (s): s is ScriptShortcut =>
          typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.path === 'string',
      )
      .slice(0, MAX_KEPT)
      .map((s) => ({ name: s.name, path: s.path }));
  } catch {
    return [];
  }
}
