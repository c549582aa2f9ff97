import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileFlashSize } from './fs-chunks';
import { readFilesFromData } from './fs-hex';
import { MicroPythonFs } from './micropython-fs';
import { utf8Encode } from './utf8';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const blank = MicroPythonFs.fromHexes([fixture('micropython-v1.1.1.hex'), fixture('micropython-v2.1.2.hex')]);

/** Unique names of 1–120 UTF-8 bytes (any script) with contents of up to 3 KiB. */
const fileSets = fc.uniqueArray(
  fc.tuple(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((n) => utf8Encode(n).length <= 120),
    fc.uint8Array({ maxLength: 3000 }),
  ),
  { selector: ([name]) => name, maxLength: 12 },
);

/** Writes what fits (the rest must fail with FS_FULL) and returns the filesystem. */
function fill(list: [string, Uint8Array][]): MicroPythonFs {
  const fs = new MicroPythonFs(blank.images);
  for (const [name, data] of list) {
    try {
      fs.write(name, data);
    } catch (error) {
      expect(error).toMatchObject({ code: 'FS_FULL' });
      expect(fileFlashSize(utf8Encode(name).length, data.length)).toBeGreaterThan(fs.getStorageRemaining());
    }
  }
  return fs;
}

function expectFiles(files: Map<string, Uint8Array>, fs: MicroPythonFs): void {
  expect([...files.keys()]).toEqual(fs.ls());
  for (const [name, data] of files) expect(data).toEqual(fs.readBytes(name));
}

describe('random file sets round-trip', () => {
  it('through the flash image of each board', () => {
    fc.assert(
      fc.property(fileSets, (list) => {
        const fs = fill(list);
        expect(fs.getStorageUsed()).toBeLessThanOrEqual(fs.getStorageSize());
        for (const board of ['V1', 'V2'] as const)
          expectFiles(readFilesFromData(fs.exportData(board)).files, fs);
      }),
      { numRuns: 60 },
    );
  });

  it('through exported Intel Hex and Universal Hex text', () => {
    fc.assert(
      fc.property(fileSets, fc.constantFrom('V1', 'V2', 'universal'), (list, format) => {
        const fs = fill(list);
        const hex = format === 'universal' ? fs.exportUniversalHex() : fs.exportIntelHex(format);
        const back = MicroPythonFs.fromHex(hex);
        expect(back.ls()).toEqual(fs.ls());
        for (const name of fs.ls()) expect(back.readBytes(name)).toEqual(fs.readBytes(name));
      }),
      { numRuns: 24 },
    );
  });
});
