import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MicroPythonFs } from './micropython-fs';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const blank = MicroPythonFs.fromHexes([fixture('micropython-v1.1.1.hex'), fixture('micropython-v2.1.2.hex')]);
const both = (): MicroPythonFs => new MicroPythonFs(blank.images);

/** A V2 Intel Hex holding `files`. */
function hexWith(files: Record<string, string>): string {
  const fs = new MicroPythonFs(blank.images[1]);
  for (const [name, text] of Object.entries(files)) fs.write(name, text);
  return fs.exportIntelHex('V2');
}

describe('MicroPythonFs.importFilesFromHex', () => {
  const hex = hexWith({ 'main.py': 'new main', 'lib.py': 'new lib' });

  it('adds the files of a hex to the project', () => {
    const fs = both();
    fs.write('other.py', 'kept');
    expect(fs.importFilesFromHex(hex)).toEqual(['main.py', 'lib.py']);
    expect(fs.ls()).toEqual(['other.py', 'main.py', 'lib.py']);
    expect(fs.read('lib.py')).toBe('new lib');
  });

  it('refuses to replace files unless asked, changing nothing', () => {
    const fs = both();
    fs.write('main.py', 'old main');
    fs.write('other.py', 'kept');
    expect(() => fs.importFilesFromHex(hex)).toThrow(
      expect.objectContaining({ code: 'FS_FILE_EXISTS', message: expect.stringMatching(/main\.py/) }),
    );
    expect(fs.ls()).toEqual(['main.py', 'other.py']);
    expect(fs.read('main.py')).toBe('old main');
    fs.importFilesFromHex(hex, { overwrite: true });
    expect(fs.ls()).toEqual(['main.py', 'other.py', 'lib.py']);
    expect(fs.read('main.py')).toBe('new main');
  });

  it('formats first when asked', () => {
    const fs = both();
    fs.write('other.py', 'gone');
    fs.importFilesFromHex(hex, { formatFirst: true });
    expect(fs.ls()).toEqual(['main.py', 'lib.py']);
  });

  it('is all or nothing when the files do not fit', () => {
    const fs = both();
    fs.write('big.py', 'x'.repeat(20000));
    expect(() => fs.importFilesFromHex(hex)).toThrow(expect.objectContaining({ code: 'FS_FULL' }));
    expect(fs.ls()).toEqual(['big.py']);
  });

  it('imports a legacy appended script as main.py', () => {
    const fs = both();
    expect(fs.importFilesFromHex(fixture('micropython-v1.0.1-appended-script.hex'))).toEqual(['main.py']);
    expect(fs.read('main.py')).toBe('while True:\n    print ("PASS1")\n');
  });

  it('reports a hex without files, a MakeCode hex and a non-hex', () => {
    const fs = both();
    expect(() => fs.importFilesFromHex(fixture('micropython-v2.1.2.hex'))).toThrow(
      expect.objectContaining({ code: 'FS_FILE_NOT_FOUND' }),
    );
    expect(() => fs.importFilesFromHex(fixture('makecode-v1.hex'))).toThrow(
      expect.objectContaining({ code: 'MAKECODE_HEX', message: expect.stringMatching(/MakeCode/) }),
    );
    expect(() => fs.importFilesFromHex(fixture('not-a-hex.hex'))).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID', message: 'This file is not an Intel Hex file.' }),
    );
    expect(() => fs.importFilesFromHex(fixture('universal-sections-9901-9903.hex'))).toThrow(
      expect.objectContaining({ code: 'NOT_MICROPYTHON' }),
    );
    expect(fs.ls()).toEqual([]);
  });
});
