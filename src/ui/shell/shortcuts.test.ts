import { describe, expect, it } from 'vitest';
import { SHORTCUTS, ariaShortcut, shortcutAction, shortcutKeys, type KeyPress } from './shortcuts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('maps Ctrl+Shift+letter to the main actions, whatever the case of the key', () => {
    expect(shortcutAction(press('F', { ctrlKey: true, shiftKey: true }), false)).toBe('flash');
    expect(shortcutAction(press('f', { ctrlKey: true, shiftKey: true }), true)).toBe('flash');
    expect(shortcutAction(press('L', { ctrlKey: true, shiftKey: true }), false)).toBe('read');
    expect(shortcutAction(press('Y', { ctrlKey: true, shiftKey: true }), false)).toBe('verify');
    expect(shortcutAction(press('K', { ctrlKey: true, shiftKey: true }), false)).toBe('compare');
    expect(shortcutAction(press('X', { ctrlKey: true, shiftKey: true }), false)).toBe('theme');
  });

  it('leaves the browser its own shortcuts and plain typing alone', () => {
    for (const key of ['R', 'T', 'N', 'W', 'I', 'J']) {
      expect(shortcutAction(press(key, { ctrlKey: true, shiftKey: true }), false), key).toBeUndefined();
    }
    expect(shortcutAction(press('f', { ctrlKey: true }), false)).toBeUndefined();
    expect(shortcutAction(press('f'), false)).toBeUndefined();
    expect(
      shortcutAction(press('F', { ctrlKey: true, shiftKey: true, altKey: true }), false),
    ).toBeUndefined();
    expect(shortcutAction(press('F', { metaKey: true, shiftKey: true }), false)).toBeUndefined();
  });

  it('opens the help with ? except while typing, and cancels with Escape', () => {
    expect(shortcutAction(press('?', { shiftKey: true }), false)).toBe('help');
    expect(shortcutAction(press('?', { shiftKey: true }), true)).toBeUndefined();
    expect(shortcutAction(press('Escape'), true)).toBe('cancel');
  });

  it('lists every action once, with its keys for tooltips and aria-keyshortcuts', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(shortcutKeys('flash')).toBe('Ctrl+Shift+F');
    expect(ariaShortcut('flash')).toBe('Control+Shift+F');
    expect(shortcutKeys('erase')).toBeUndefined();
  });
});
