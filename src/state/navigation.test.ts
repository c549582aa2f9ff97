import { describe, expect, it } from 'vitest';
import type { ParsedFileDto } from '../../workers/device/api';
import { CompareState } from './compare.svelte';
import { FileEntry } from './file-entry.svelte';
import { FilesState } from './files.svelte';
import { LogState } from './log.svelte';
import { NavigationState } from './navigation.svelte';
import { SearchState } from './search.svelte';
import { fakeDevice } from './testing/fake-workers';

const text = (s: string) => new TextEncoder().encode(s);

function dto(name: string, segments: { address: number; data: Uint8Array }[]): ParsedFileDto {
  return { name, format: 'intel-hex', segments, warnings: [], parseMs: 0 };
}

/** Files state with two nRF52833 files already open; `a` is shown. */
function setup() {
  const log = new LogState();
  const files = new FilesState(fakeDevice(), log, () => 0);
  const a = new FileEntry(
    1,
    dto('a.hex', [
      { address: 0x100, data: text('..MicroPython..MicroPython..') },
      { address: 0x7e000, data: new Uint8Array(16) },
      { address: 0x1000_1014, data: new Uint8Array([0, 0, 0, 0]) },
    ]),
    100,
  );
  const changed = text('..MicroPython..MicroPython..');
  changed[4] = 0x21;
  changed.set([0x21, 0x21], 20);
  const b = new FileEntry(2, dto('b.hex', [{ address: 0x100, data: changed }]), 100);
  files.files = [a, b];
  files.selectedId = 1;
  const navigation = new NavigationState(files);
  return {
    log,
    files,
    a,
    b,
    navigation,
    search: new SearchState(files, navigation),
    compare: new CompareState(files, navigation, log),
  };
}

describe('NavigationState', () => {
  it('goes to an address in the range shown and highlights it', () => {
    const { a, navigation } = setup();
    expect(a.range.name).toBe('Code Flash');
    const jumps = navigation.jumpCount;
    expect(navigation.goto('0x1C000')).toBe(true);
    expect(a.cursor).toBe(0x1c000);
    expect(a.mark).toEqual({ start: 0x1c000, end: 0x1c001 });
    expect(navigation.jumpCount).toBe(jumps + 1);
  });

  it('switches to the range that holds the address', () => {
    const { a, navigation } = setup();
    expect(navigation.goto('10001014')).toBe(true);
    expect(a.range.name).toBe('UICR');
    expect(a.cursor).toBe(0x1000_1014);
  });

  it('explains addresses it cannot go to', () => {
    const { a, navigation } = setup();
    expect(navigation.goto('0xG')).toBe(false);
    expect(navigation.gotoError).toMatch(/is not an address/);
    expect(navigation.goto('0x30000000')).toBe(false);
    expect(navigation.gotoError).toBe('0x30000000 is outside this file (0x00000100–0x1000101F).');
    expect(a.cursor).toBe(0);
    navigation.goto('0x200');
    expect(navigation.gotoError).toBeUndefined();
  });

  it('moves the cursor without leaving the range', () => {
    const { a, navigation } = setup();
    navigation.showRange('UICR');
    navigation.moveBy(-16);
    expect(a.cursor).toBe(0x1000_1000);
    navigation.moveBy(0x1000);
    expect(a.cursor).toBe(0x1000_13ff);
  });
});

describe('SearchState', () => {
  it('finds text and hex, steps through matches and wraps', () => {
    const { a, search } = setup();
    search.mode = 'text';
    search.query = 'MicroPython';
    expect(search.find()).toBe(2);
    expect(a.cursor).toBe(0x102);
    expect(a.mark).toEqual({ start: 0x102, end: 0x10d });
    expect(search.summary).toBe('1 of 2');
    search.next();
    expect(a.cursor).toBe(0x10f);
    search.next();
    expect(search.summary).toBe('1 of 2');
    search.previous();
    expect(search.summary).toBe('2 of 2');
    search.mode = 'hex';
    search.query = '4d 69 63';
    expect(search.find()).toBe(2);
  });

  it('starts at the cursor, reports no match and forgets results of another range', () => {
    const { a, navigation, search } = setup();
    navigation.moveTo(0x105);
    search.mode = 'text';
    search.query = 'MicroPython';
    search.find();
    expect(a.cursor).toBe(0x10f);
    navigation.showRange('UICR');
    expect(search.result).toBeUndefined();
    expect(search.find()).toBe(0);
    expect(search.summary).toBe('No matches');
    search.query = 'zz';
    search.mode = 'hex';
    expect(search.find()).toBeUndefined();
    expect(search.error).toMatch(/not a hex byte sequence/);
  });
});

describe('CompareState', () => {
  it('lists the differing ranges of the range shown and jumps to them', () => {
    const { a, b, log, compare } = setup();
    compare.compareWith(b.id);
    // b lacks a's data at 0x7E000 (zeros there read as 0xFF fill in b).
    expect(compare.result?.ranges).toEqual([
      { start: 0x104, end: 0x105 },
      { start: 0x114, end: 0x116 },
      { start: 0x7e000, end: 0x7e010 },
    ]);
    expect(compare.result?.byteCount).toBe(19);
    expect(log.entries.at(-1)?.text).toBe(
      'Compared Code Flash of a.hex and b.hex: 19 bytes differ in 3 ranges.',
    );
    compare.jumpTo({ start: 0x114, end: 0x116 });
    expect(a.cursor).toBe(0x114);
    expect(a.mark).toEqual({ start: 0x114, end: 0x116 });
  });

  it('follows the range shown and stops when the other file closes', () => {
    const { a, b, files, compare, navigation } = setup();
    compare.compareWith(b.id);
    navigation.showRange('UICR');
    expect(a.range.name).toBe('UICR');
    expect(compare.result?.ranges).toEqual([{ start: 0x1000_1014, end: 0x1000_1018 }]);
    files.remove(b.id);
    expect(compare.result).toBeUndefined();
    files.select(a.id);
    compare.compareWith(a.id);
    expect(compare.other).toBeUndefined();
  });
});
