import { describe, expect, it } from 'vitest';
import { SCRIPT_SHORTCUTS_KEY, storedShortcuts } from './script-shortcuts';

function memoryStorage(initial?: string) {
  const items = new Map<string, string>(initial === undefined ? [] : [[SCRIPT_SHORTCUTS_KEY, initial]]);
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('storedShortcuts', () => {
  it('keeps the list in storage across page loads', () => {
    const storage = memoryStorage();
    storedShortcuts(storage).save([{ name: 'Flash', path: 'flash.lua' }]);
    expect(JSON.parse(storage.items.get(SCRIPT_SHORTCUTS_KEY)!)).toEqual([
      { name: 'Flash', path: 'flash.lua' },
    ]);
    expect(storedShortcuts(storage).load()).toEqual([{ name: 'Flash', path: 'flash.lua' }]);
  });

  it('reads a damaged or foreign value as no shortcuts and drops malformed entries', () => {
    expect(storedShortcuts(memoryStorage('{not json')).load()).toEqual([]);
    expect(storedShortcuts(memoryStorage('{"a":1}')).load()).toEqual([]);
    expect(
      storedShortcuts(memoryStorage('[{"name":"A","path":"a.lua"},{"name":3},null,"x"]')).load(),
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
