/**
 * Byte compatibility with @microbit/microbit-fs 0.10.0, used here as an independent
 * implementation of the same format (it is what the Python Editor runs).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MicropythonFsHex } from '@microbit/microbit-fs';
import { isUniversalHex, separateUniversalHex } from '@microbit/microbit-universal-hex';
import { describe, expect, it } from 'vitest';
import { parseIntelHexText } from './hex-text';
import { MicroPythonFs } from './micropython-fs';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const V1_HEX = fixture('micropython-v1.1.1.hex');
const V2_HEX = fixture('micropython-v2.1.2.hex');
const blank = MicroPythonFs.fromHexes([V1_HEX, V2_HEX]);
const theirs = (): MicropythonFsHex =>
  new MicropythonFsHex([
    { hex: V1_HEX, boardId: 0x9900 },
    { hex: V2_HEX, boardId: 0x9903 },
  ]);

/** Names that are not integer-like, so microbit-fs keeps insertion order too. */
const FILES: [string, string][] = [
  ['main.py', 'from microbit import *\n' + 'display.scroll("hello")\n'.repeat(40)],
  ['helpers.py', 'def add(a, b):\n    return a + b\n'],
  ['données_é.txt', 'ünïcödé ✓ '.repeat(30)],
  ['exact.py', 'x'.repeat(126 - 2 - 8 - 1)],
];

// microbit-fs over both MicroPython images: seconds when idle, over 30 s with both cores busy.
describe('compatibility with microbit-fs', { timeout: 180_000 }, () => {
  const ours = new MicroPythonFs(blank.images);
  for (const [name, text] of FILES) ours.write(name, text);
  const mfs = theirs();
  for (const [name, text] of FILES) mfs.write(name, text);

  it('produces the same memory as microbit-fs for V1 and V2', () => {
    for (const [board, id] of [
      ['V1', 0x9900],
      ['V2', 0x9903],
    ] as const) {
      const a = parseIntelHexText(ours.exportIntelHex(board));
      const b = parseIntelHexText(mfs.getIntelHex(id));
      expect(a.equals(b)).toBe(true);
    }
  });

  it('reads hexes written by microbit-fs (Intel and Universal)', () => {
    for (const hex of [mfs.getIntelHex(0x9900), mfs.getIntelHex(0x9903), mfs.getUniversalHex()]) {
      const back = MicroPythonFs.fromHex(hex);
      expect(back.ls()).toEqual(FILES.map(([n]) => n));
      for (const [name, text] of FILES) expect(back.read(name)).toBe(text);
    }
  });

  it('writes hexes microbit-fs reads (Intel and Universal)', () => {
    const reader = theirs();
    for (const hex of [ours.exportIntelHex('V1'), ours.exportIntelHex('V2'), ours.exportUniversalHex()]) {
      reader.importFilesFromHex(hex, { formatFirst: true });
      expect(reader.ls()).toEqual(FILES.map(([n]) => n));
      for (const [name, text] of FILES) expect(reader.read(name)).toBe(text);
    }
  });

  it('writes a Universal Hex the Universal Hex library splits into the same boards', () => {
    const uh = ours.exportUniversalHex();
    expect(isUniversalHex(uh)).toBe(true);
    expect(uh.startsWith(':020000040000FA\n:0400000A9900C0DEBB\n')).toBe(true);
    const parts = separateUniversalHex(uh);
    expect(parts.map((p) => p.boardId)).toEqual([0x9900, 0x9903]);
    expect(parseIntelHexText(parts[0].hex).equals(parseIntelHexText(ours.exportIntelHex('V1')))).toBe(true);
    expect(parseIntelHexText(parts[1].hex).equals(parseIntelHexText(ours.exportIntelHex('V2')))).toBe(true);
    // Every section is 512-byte aligned (spec v0.4.0): each Block Start begins at a multiple of 512.
    let offset = 0;
    for (const line of uh.split('\n')) {
      if (line.startsWith(':0400000A')) expect((offset - ':02000004XXXXXX\n'.length) % 512).toBe(0);
      offset += line.length + 1;
    }
  });

  it('reports the same sizes and storage as microbit-fs', () => {
    for (const [name] of FILES) expect(ours.size(name)).toBe(mfs.size(name));
    expect(ours.getStorageUsed()).toBe(mfs.getStorageUsed());
    expect(ours.getStorageSize()).toBe(mfs.getStorageSize());
  });

  it('reads the files of the Python Editor-style hex microbit-fs cannot take as a base', () => {
    // microbit-fs refuses a hex that already contains files as a constructor input.
    const withFiles = mfs.getIntelHex(0x9903);
    expect(() => new MicropythonFsHex(withFiles)).toThrow(/There are files/);
    expect(MicroPythonFs.fromHexes([withFiles]).ls()).toEqual([]);
    expect(MicroPythonFs.fromHex(withFiles).ls()).toEqual(FILES.map(([n]) => n));
  });
});
