import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMicroPythonHex, readFilesFromData } from './fs-hex';
import { parseIntelHexText } from './hex-text';
import { MicroPythonImage } from './micropython-image';
import { utf8Encode } from './utf8';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const v2 = MicroPythonImage.fromIntelHex(fixture('micropython-v2.1.2.hex'));
const file = (name: string, text: string) => ({ nameBytes: utf8Encode(name), data: utf8Encode(text) });

describe('reading files out of MicroPython data', () => {
  it('finds no files in the blank fixtures', () => {
    for (const name of [
      'micropython-v1.1.1.hex',
      'micropython-v2.1.2.hex',
      'micropython-v2-beta-regions-table.hex',
    ]) {
      const loaded = loadMicroPythonHex(fixture(name));
      expect(loaded.files.size).toBe(0);
      expect(loaded.universal).toBe(false);
      expect(loaded.appendedScript).toBe(false);
    }
  });

  it('places chunks from chunk 1 and the spare page marker at the last FS page', () => {
    const fs = v2.fsData([file('main.py', 'a'), file('b.py', 'b')]);
    expect(fs.ranges()).toEqual([
      { start: 0x6d000, end: 0x6d000 + 256 },
      { start: 0x72000, end: 0x72001 },
    ]);
    expect(fs.read(0x72000, 1)[0]).toBe(0xfd);
    expect(fs.read(0x6d080, 1)[0]).toBe(0xfe);
  });

  it('reads files when the firmware left the spare page at the bottom', () => {
    const data = v2.data.clone();
    const moved = v2.fsData([file('main.py', 'moved')]);
    // Shift the chunks up one page and mark the first page as the spare page.
    data.write(0x6d000 + 4096, moved.read(0x6d000, 128));
    data.write(0x6d000, new Uint8Array([0xfd]));
    expect(readFilesFromData(data).files).toEqual(new Map([['main.py', utf8Encode('moved')]]));
  });

  it('accepts a BOM, CRLF line ends and a hex that already contains files', () => {
    const hex = v2.intelHex([file('main.py', 'x = 1')]).replace(/\n/g, '\r\n');
    const loaded = loadMicroPythonHex('\ufeff' + hex);
    expect([...loaded.files.keys()]).toEqual(['main.py']);
    // The image is blank again: its filesystem area holds nothing.
    expect(loaded.images[0].data.intersects(0x6d000, 0x73000)).toBe(false);
    expect(loaded.images[0].data.equals(v2.data)).toBe(true);
  });

  it('refuses a Universal Hex whose boards hold different files', () => {
    const v1 = MicroPythonImage.fromIntelHex(fixture('micropython-v1.1.1.hex'));
    const uh =
      v1.universalHexSections([file('main.py', 'v1')]) +
      v2.universalHexSections([file('main.py', 'v2')]) +
      ':00000001FF\n';
    expect(() => loadMicroPythonHex(uh)).toThrow(
      expect.objectContaining({ code: 'FS_CORRUPT', message: expect.stringMatching(/different files/) }),
    );
  });

  it('keeps the V2 data above the filesystem and the UICR', () => {
    const parsed = parseIntelHexText(fixture('micropython-v2.1.2.hex'));
    expect(v2.data.equals(parsed)).toBe(true);
    const withFiles = parseIntelHexText(v2.intelHex([file('main.py', 'x')]));
    expect(withFiles.slice(0x73000, 0x1_0000_0000).equals(parsed.slice(0x73000, 0x1_0000_0000))).toBe(true);
    expect(withFiles.slice(0, 0x6d000).equals(parsed.slice(0, 0x6d000))).toBe(true);
  });
});
