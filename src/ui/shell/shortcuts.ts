/**
 * Keyboard shortcuts for the main actions. Ctrl+Shift with a letter that Chrome, Edge and
 * Firefox leave to the page on Windows, Linux and ChromeOS (not R, T, N, W, B, I, J, C, O, Q, U,
 * V, P, S, A, D, M, G, Z), so nothing the browser does is taken away.
 */

/** What a shortcut does. */
export type ShortcutAction = 'flash' | 'read' | 'verify' | 'compare' | 'theme' | 'cancel' | 'help';

/** One shortcut, for the handler and the help. */
export interface Shortcut {
  /** What it does. */
  action: ShortcutAction;
  /** The key as `KeyboardEvent.key` reports it (lower case for letters). */
  key: string;
  /** Needs Ctrl and Shift. */
  ctrlShift: boolean;
  /** How the help writes it. */
  keys: string;
  /** `aria-keyshortcuts` value. */
  aria: string;
  /** What the help says it does. */
  description: string;
}

/** Every shortcut, in the order the help lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  ctrlShift('flash', 'f', 'Flash the buffer to the selected device'),
  ctrlShift('read', 'l', 'Read (load) the chip into a new buffer'),
  ctrlShift('verify', 'y', 'Verify the chip against the buffer'),
  ctrlShift('compare', 'k', 'Compare the buffer with the chip'),
  ctrlShift('theme', 'x', 'Switch between the light and dark theme'),
  {
    action: 'cancel',
    key: 'Escape',
    ctrlShift: false,
    keys: 'Esc',
    aria: 'Escape',
    description: 'Cancel the running operation',
  },
  {
    action: 'help',
    key: '?',
    ctrlShift: false,
    keys: '?',
    aria: 'Shift+?',
    description: 'Show these shortcuts',
  },
];

function ctrlShift(action: ShortcutAction, key: string, description: string): Shortcut {
  const upper = key.toUpperCase();
  return {
    action,
    key,
    ctrlShift: true,
    keys: `Ctrl+Shift+${upper}`,
    aria: `Control+Shift+${upper}`,
    description,
  };
}

/** The keys of an action as the help writes them (`Ctrl+Shift+F`), if it has a shortcut. */
export function shortcutKeys(action: string): string | undefined {
  return SHORTCUTS.find((s) => s.action === action)?.keys;
}

/** The `aria-keyshortcuts` value of an action, if it has a shortcut. */
export function ariaShortcut(action: string): string | undefined {
  return SHORTCUTS.find((s) => s.action === action)?.aria;
}

/** The parts of a key event the shortcuts look at. */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey'>;

/**
 * The action a key press asks for. `typing` is true while focus is in a text field: then `?`
 * is a character, not a shortcut (Ctrl+Shift shortcuts still work).
 */
export function shortcutAction(event: KeyPress, typing: boolean): ShortcutAction | undefined {
  if (event.altKey || event.metaKey) return undefined;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const s of SHORTCUTS) {
    if (s.ctrlShift) {
      if (event.ctrlKey && event.shiftKey && key === s.key) return s.action;
    } else if (!event.ctrlKey && key === s.key && !(typing && s.key === '?')) {
      return s.action;
    }
  }
  return undefined;
}
