import { describe, expect, it } from 'vitest';
import { SCRIPT_SHORTCUTS_KEY, storedShortcuts } from './script-shortcuts';
import { memoryStorage } from './testing/browser';

/** Storage holding `initial` as the stored shortcuts, if given. */
function shortcutStorage(initial?: string) {
  return memoryStorage(initial === undefined ? [] : [[SCRIPT_SHORTCUTS_KEY, initial]]);
}

describe('storedShortcuts', () => {
  it('keeps the list in storage across page loads', () => {
    const storage = shortcutStorage();
    storedShortcuts(storage).save([{ name: 'Flash', path: 'flash.lua' }]);
    expect(JSON.parse(storage.items.get(SCRIPT_SHORTCUTS_KEY)!)).toEqual([
      { name: 'Flash', path: 'flash.lua' },
    ]);
    expect(storedShortcuts(storage).load()).toEqual([{ name: 'Flash', path: 'flash.lua' }]);
  });

  it('reads a damaged or foreign value as no shortcuts and drops malformed entries', () => {
    expect(storedShortcuts(shortcutStorage('{not json')).load()).toEqual([]);
    expect(storedShortcuts(shortcutStorage('{"a":1}')).load()).toEqual([]);
    expect(
      storedShortcuts(shortcutStorage('[{"name":"A","path":"a.lua"},{"name":3},null,"x"]')).load(),
    ).toEqual([{ name: 'A', path: 'a.lua' }]);
  });

  it('still holds the list for the page when storage refuses to write', () => {
    const store = storedShortcuts({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    store.save([{ name: 'B', path: 'b.lua' }]);
    expect(store.load()).toEqual([{ name: 'B', path: 'b.lua' }]);
    expect(storedShortcuts(undefined).load()).toEqual([]);
  });
});
