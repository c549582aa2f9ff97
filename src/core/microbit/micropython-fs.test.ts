import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MicroPythonFs } from './micropython-fs';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

/** Blank V1 + V2 images, built once; each test gets a fresh filesystem over them. */
const blank = MicroPythonFs.fromHexes([fixture('micropython-v1.1.1.hex'), fixture('micropython-v2.1.2.hex')]);
const both = (): MicroPythonFs => new MicroPythonFs(blank.images);
const v1 = (): MicroPythonFs => new MicroPythonFs(blank.images[0]);
const v2 = (): MicroPythonFs => new MicroPythonFs(blank.images[1]);

describe('MicroPythonFs file operations', () => {
  it('writes, reads, lists, sizes and removes files', () => {
    const fs = both();
    fs.write('main.py', 'print("hi")\n');
    fs.write('data.bin', new Uint8Array([0, 1, 2, 255]));
    expect(fs.ls()).toEqual(['main.py', 'data.bin']);
    expect(fs.read('main.py')).toBe('print("hi")\n');
    expect([...fs.readBytes('data.bin')]).toEqual([0, 1, 2, 255]);
    expect(fs.exists('main.py')).toBe(true);
    expect(fs.exists('other.py')).toBe(false);
    expect(fs.contentSize('main.py')).toBe(12);
    expect(fs.size('main.py')).toBe(128);
    expect(fs.list()).toEqual([
      { name: 'main.py', contentSize: 12, flashSize: 128 },
      { name: 'data.bin', contentSize: 4, flashSize: 128 },
    ]);
    fs.remove('data.bin');
    expect(fs.ls()).toEqual(['main.py']);
    expect(() => fs.remove('data.bin')).toThrow(expect.objectContaining({ code: 'FS_FILE_NOT_FOUND' }));
    expect(() => fs.read('nope.py')).toThrow(/File "nope.py" does not exist/);
  });

  it('keeps the written bytes apart from the caller’s buffer', () => {
    const fs = both();
    const data = new Uint8Array([1, 2, 3]);
    fs.write('a', data);
    data[0] = 9;
    fs.readBytes('a')[1] = 9;
    expect([...fs.readBytes('a')]).toEqual([1, 2, 3]);
  });

  it('treats any name as a name, __proto__ included', () => {
    const fs = both();
    fs.write('__proto__', 'a');
    fs.write('hasOwnProperty', 'b');
    fs.write('lib/mod.py', 'c');
    expect(fs.ls()).toEqual(['__proto__', 'hasOwnProperty', 'lib/mod.py']);
    expect(fs.exists('toString')).toBe(false);
    expect(fs.read('__proto__')).toBe('a');
  });

  it('reports storage: the smallest image, or the cap given', () => {
    expect(both().getStorageSize()).toBe(20480);
    expect(v1().getStorageSize()).toBe(28672);
    expect(v2().getStorageSize()).toBe(20480);
    expect(new MicroPythonFs(blank.images[0], { maxFsSize: 20 * 1024 }).getStorageSize()).toBe(20480);
    expect(() => new MicroPythonFs(blank.images[1], { maxFsSize: 20481 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const fs = both();
    fs.write('main.py', 'x'.repeat(300));
    expect(fs.getStorageUsed()).toBe(384);
    expect(fs.getStorageRemaining()).toBe(20480 - 384);
  });
});

describe('MicroPythonFs validates at write time', () => {
  it('refuses a 121-byte name and accepts a 120-byte one', () => {
    const fs = both();
    fs.write('n'.repeat(120), 'ok');
    expect(() => fs.write('n'.repeat(121), 'no')).toThrow(
      expect.objectContaining({ code: 'FS_INVALID_NAME', message: expect.stringMatching(/too long/) }),
    );
    expect(() => fs.write('', 'no')).toThrow(expect.objectContaining({ code: 'FS_INVALID_NAME' }));
    expect(fs.ls()).toEqual(['n'.repeat(120)]);
  });

  it('accepts the largest file that fits and refuses one byte more, giving the free space', () => {
    // V2: 160 chunks × 126 data bytes, minus end offset, name length, "main.py" and the extra byte.
    const largest = 160 * 126 - 2 - 7 - 1;
    const fs = v2();
    fs.write('main.py', 'x'.repeat(largest));
    expect(fs.getStorageRemaining()).toBe(0);
    const fresh = v2();
    expect(() => fresh.write('main.py', 'x'.repeat(largest + 1))).toThrow(
      expect.objectContaining({
        code: 'FS_FULL',
        message:
          'There is not enough space for main.py: it needs 20,608 bytes of flash but only 20,480 bytes are free.',
      }),
    );
    expect(fresh.ls()).toEqual([]);
  });

  it('counts the space of the file being replaced as free', () => {
    const fs = v2();
    fs.write('a.py', 'x'.repeat(9900)); // 79 chunks
    fs.write('b.py', 'x'.repeat(9900)); // 79 chunks, 2 left
    expect(() => fs.write('c.py', 'x'.repeat(500))).toThrow(
      /needs 640 bytes of flash but only 256 bytes are free/,
    );
    fs.write('a.py', 'y'.repeat(10100)); // 81 chunks: its own 79 plus the 2 free
    expect(fs.read('a.py')).toBe('y'.repeat(10100));
    expect(fs.ls()).toEqual(['a.py', 'b.py']);
  });
});

describe('MicroPythonFs hexes', () => {
  const roundTripFiles: [string, Uint8Array | string][] = [
    ['empty.txt', new Uint8Array(0)],
    ['one.py', 'x'.repeat(126 - 2 - 6 - 1)], // fills exactly one chunk
    ['n'.repeat(120), 'a 120-byte name'],
    ['héllo_wörld_日本.py', 'print("ünïcödé ✓")\n'],
    ['🐍.py', new Uint8Array([0xff, 0xfe, 0x00, 0xfd])],
  ];

  function written(fs: MicroPythonFs): MicroPythonFs {
    for (const [name, data] of roundTripFiles) fs.write(name, data);
    return fs;
  }

  function expectSameFiles(a: MicroPythonFs, b: MicroPythonFs): void {
    expect(b.ls()).toEqual(a.ls());
    for (const name of a.ls()) expect(b.readBytes(name)).toEqual(a.readBytes(name));
  }

  it('round-trips edge-case files through Intel Hex for V1 and for V2', () => {
    const fs = written(both());
    expect(fs.size('one.py')).toBe(128);
    for (const board of ['V1', 'V2'] as const) {
      const back = MicroPythonFs.fromHex(fs.exportIntelHex(board));
      expect(back.images.map((i) => i.version)).toEqual([board]);
      expectSameFiles(fs, back);
    }
  });

  it('round-trips edge-case files through a Universal Hex', () => {
    const fs = written(both());
    const back = MicroPythonFs.fromHex(fs.exportUniversalHex());
    expect(back.images.map((i) => [i.version, i.boardId])).toEqual([
      ['V1', 0x9900],
      ['V2', 0x9903],
    ]);
    expectSameFiles(fs, back);
  });

  it('round-trips the largest file for V1', () => {
    const fs = v1();
    const largest = 224 * 126 - 2 - 7 - 1;
    fs.write('main.py', 'z'.repeat(largest));
    const back = MicroPythonFs.fromHex(fs.exportIntelHex('V1'));
    expect(back.read('main.py')).toBe('z'.repeat(largest));
    expect(back.getStorageRemaining()).toBe(0);
  });

  it('writes Intel Hex that DAPLink accepts: a standard first record, ascending addresses, EOF', () => {
    const fs = both();
    fs.write('main.py', 'print(1)\n');
    for (const board of ['V1', 'V2'] as const) {
      const hex = fs.exportIntelHex(board);
      expect(hex.startsWith(':020000040000FA\n')).toBe(true);
      expect(hex.endsWith(':00000001FF\n')).toBe(true);
      let base = 0;
      let last = -1;
      for (const line of hex.trimEnd().split('\n')) {
        const type = parseInt(line.slice(7, 9), 16);
        if (type === 4) base = parseInt(line.slice(9, 13), 16) * 0x10000;
        if (type !== 0) continue;
        const address = base + parseInt(line.slice(3, 7), 16);
        expect(address).toBeGreaterThan(last);
        last = address;
      }
    }
  });

  it('selects images by board id or version and keeps the ids it was given', () => {
    const fs = both();
    expect(fs.image(0x9901).version).toBe('V1');
    expect(fs.image(0x9906).version).toBe('V2');
    expect(() => fs.image(0x1234)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const v15 = MicroPythonFs.fromHexes([
      { hex: fs.exportIntelHex('V1'), boardId: 0x9901 },
      { hex: fs.exportIntelHex('V2'), boardId: 0x9905 },
    ]);
    const uh = v15.exportUniversalHex();
    expect(uh.split('\n')[1]).toBe(':0400000A9901C0DEBA');
    expect(uh).toMatch(/^:0400000A9905C0DE/m);
    expect(MicroPythonFs.fromHex(uh).images.map((i) => i.boardId)).toEqual([0x9901, 0x9905]);
  });

  it('needs both versions for a Universal Hex and the requested version for an Intel Hex', () => {
    expect(() => v1().exportUniversalHex()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => v1().exportIntelHex('V2')).toThrow(/no MicroPython for micro:bit V2/);
  });
});
