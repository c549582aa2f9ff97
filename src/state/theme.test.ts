import { describe, expect, it } from 'vitest';
import { THEME_KEY, ThemeState, type ThemeEnvironment } from './theme.svelte';

function environment(dark: boolean, saved?: string) {
  const store = new Map<string, string>(saved ? [[THEME_KEY, saved]] : []);
  const applied: ('light' | 'dark' | undefined)[] = [];
  let listener: (() => void) | undefined;
  const env: ThemeEnvironment & { dark: boolean } = {
    dark,
    prefersDark: () => env.dark,
    onSystemChange: (l) => ((listener = l), () => (listener = undefined)),
    apply: (t) => void applied.push(t),
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
  };
  return { env, applied, store, change: (d: boolean) => ((env.dark = d), listener?.()) };
}

describe('ThemeState', () => {
  it('follows the system until the person chooses, then remembers the choice', () => {
    const { env, applied, store, change } = environment(false);
    const theme = new ThemeState(env);
    theme.start();
    expect(theme.choice).toBe('system');
    expect(theme.effective).toBe('light');
    expect(applied).toEqual([undefined]);
    change(true);
    expect(theme.effective).toBe('dark');

    theme.toggle();
    expect(theme.effective).toBe('light');
    expect(applied.at(-1)).toBe('light');
    expect(store.get(THEME_KEY)).toBe('light');
    change(true);
    expect(theme.effective).toBe('light');
  });

  it('applies a remembered choice at start', () => {
    const { env, applied } = environment(false, 'dark');
    const theme = new ThemeState(env);
    theme.start();
    expect(theme.effective).toBe('dark');
    expect(applied).toEqual(['dark']);
    theme.set('system');
    expect(theme.effective).toBe('light');
    expect(applied.at(-1)).toBeUndefined();
  });
});
