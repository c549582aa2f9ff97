/**
 * Light and dark themes. The design tokens in `theme.css` follow the system unless the
 * `data-theme` attribute on `<html>` forces one; the person's choice is remembered.
 */

/** The person's choice: follow the system, or force one theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Where the theme state reads and applies the theme (the document in the app, fakes in tests). */
export interface ThemeEnvironment {
  /** True when the system prefers dark. */
  prefersDark(): boolean;
  /** Calls `listener` when the system preference changes; returns the unsubscribe function. */
  onSystemChange(listener: () => void): () => void;
  /** Forces `theme` on the page, or follows the system when undefined. */
  apply(theme: 'light' | 'dark' | undefined): void;
  /** Where the choice is remembered. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Storage key of the choice. */
export const THEME_KEY = 'webprog.theme';

/** The theme choice and the theme in effect. */
export class ThemeState {
  /** What the person chose. */
  choice = $state<ThemeChoice>('system');
  /** The system preference, kept up to date. */
  systemDark = $state(true);
  /** The theme in effect. */
  readonly effective: 'light' | 'dark' = $derived(
    this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice,
  );

  private unsubscribe: (() => void) | undefined;

  constructor(private readonly env: ThemeEnvironment) {
    const saved = env.storage?.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') this.choice = saved;
  }

  /** Applies the remembered choice and follows system changes. */
  start(): void {
    this.systemDark = this.env.prefersDark();
    this.env.apply(this.choice === 'system' ? undefined : this.choice);
    this.unsubscribe?.();
    this.unsubscribe = this.env.onSystemChange(() => (this.systemDark = this.env.prefersDark()));
  }

  /** Switches to the other theme (and stops following the system). */
  toggle(): void {
    this.set(this.effective === 'dark' ? 'light' : 'dark');
  }

  /** Sets the choice, applies and remembers it. */
  set(choice: ThemeChoice): void {
    this.choice = choice;
    this.env.apply(choice === 'system' ? undefined : choice);
    this.env.storage?.setItem(THEME_KEY, choice);
  }
}

/** The page's environment: `prefers-color-scheme`, `data-theme` on `<html>`, localStorage. */
export function browserThemeEnvironment(): ThemeEnvironment {
  const media = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  return {
    prefersDark: () => media?.matches ?? true,
    onSystemChange(listener) {
      media?.addEventListener('change', listener);
      return () => media?.removeEventListener('change', listener);
    },
    apply(theme) {
      const root = globalThis.document?.documentElement;
      if (!root) return;
      if (theme) root.dataset.theme = theme;
      else delete root.dataset.theme;
    },
    storage: safeStorage(),
  };
}

/** localStorage when the page may use it (it throws in some privacy modes). */
export function safeStorage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    const storage = globalThis.localStorage;
    storage?.getItem(THEME_KEY);
    return storage;
  } catch {
    return undefined;
  }
}
