import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_LENGTH,
  encodeFileName,
  fileChunkCount,
  fileFlashSize,
  readFsArea,
  writeFileChunks,
} from './fs-chunks';
import { utf8Encode } from './utf8';

/** Writes files into a fresh area, filling chunks from 1 in order; returns the area. */
function area(chunkCount: number, files: [string, Uint8Array][]): Uint8Array {
  const out = new Uint8Array(chunkCount * CHUNK_LENGTH).fill(0xff);
  let next = 1;
  for (const [name, data] of files) {
    const nameBytes = utf8Encode(name);
    const count = fileChunkCount(nameBytes.length, data.length);
    writeFileChunks(
      out,
      nameBytes,
      data,
      Array.from({ length: count }, (_, i) => next + i),
    );
    next += count;
  }
  return out;
}

describe('filesystem chunks', () => {
  it('lays out the reference example: main.py with 200 bytes', () => {
    const data = new Uint8Array(200).fill(0x41);
    const a = area(4, [['main.py', data]]);
    expect([...a.subarray(0, 10)]).toEqual([0xfe, 0x53, 7, ...utf8Encode('main.py')]);
    expect(a[127]).toBe(2); // next chunk
    expect(a[128]).toBe(1); // previous chunk
    expect(a[255]).toBe(0xff); // last chunk
    expect(a[128 + 1 + 0x53 - 1]).toBe(0x41); // data ends at end_offset
    expect(a[128 + 1 + 0x53]).toBe(0xff);
    expect(a[256]).toBe(0xff); // chunk 3 untouched
  });

  it('moves to a new chunk when the data exactly fills one, as MicroPython does', () => {
    const name = 'a.py';
    const exact = new Uint8Array(126 - 2 - 4).fill(1);
    expect(fileChunkCount(4, exact.length)).toBe(2);
    expect(fileChunkCount(4, exact.length - 1)).toBe(1);
    const a = area(3, [[name, exact]]);
    expect(a[1]).toBe(0); // end offset 0 in the second chunk
    expect(a[127]).toBe(2);
    expect(a[128]).toBe(1);
    expect(readFsArea(a, 3).get(name)).toEqual(exact);
    expect(fileFlashSize(4, exact.length)).toBe(256);
  });

  it('round-trips any set of files', () => {
    const files = fc.uniqueArray(
      fc.tuple(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.uint8Array({ maxLength: 700 }),
      ),
      { selector: ([n]) => n, maxLength: 8 },
    );
    fc.assert(
      fc.property(files, (list) => {
        const chunks = list.reduce(
          (n, [name, d]) => n + fileChunkCount(utf8Encode(name).length, d.length),
          0,
        );
        const read = readFsArea(area(Math.max(chunks, 1), list), Math.max(chunks, 1));
        expect([...read]).toEqual(list);
      }),
    );
  });

  it('follows chunks in any order and skips freed chunks', () => {
    const a = new Uint8Array(5 * CHUNK_LENGTH).fill(0xff);
    const data = new Uint8Array(300).map((_, i) => i & 0xff);
    writeFileChunks(a, utf8Encode('x'), data, [5, 2, 4]);
    a[0] = 0x00; // chunk 1 freed
    expect(readFsArea(a, 5)).toEqual(new Map([['x', data]]));
  });

  it('reports broken links, shared chunks and duplicate names', () => {
    const a = area(4, [['f', new Uint8Array(200)]]);
    const wrongBack = a.slice();
    wrongBack[128] = 3;
    expect(() => readFsArea(wrongBack, 4)).toThrow(expect.objectContaining({ code: 'FS_CORRUPT' }));
    const toUnused = a.slice();
    toUnused[127] = 4;
    expect(() => readFsArea(toUnused, 4)).toThrow(/points to unused chunk 4/);
    const dup = area(4, [
      ['f', new Uint8Array(1)],
      ['g', new Uint8Array(1)],
    ]);
    dup.set(dup.subarray(0, 128), 128);
    expect(() => readFsArea(dup, 4)).toThrow(/multiple files named: f/);
    const loop = area(4, [['f', new Uint8Array(300)]]);
    loop[3 * 128 - 1] = 2; // chunk 3 points back to chunk 2
    expect(() => readFsArea(loop, 4)).toThrow(expect.objectContaining({ code: 'FS_CORRUPT' }));
  });

  it('reads a file that was never closed (end offset 0xFF) up to its last written byte', () => {
    const a = area(2, [['log.txt', utf8Encode('abc')]]);
    a[1] = 0xff;
    expect(readFsArea(a, 2).get('log.txt')).toEqual(utf8Encode('abc'));
  });

  it('validates names: not empty, at most 120 UTF-8 bytes, well formed', () => {
    expect(encodeFileName('x'.repeat(120)).length).toBe(120);
    expect(encodeFileName('é'.repeat(60)).length).toBe(120);
    expect(() => encodeFileName('x'.repeat(121))).toThrow(
      expect.objectContaining({
        code: 'FS_INVALID_NAME',
        message: expect.stringMatching(/121 bytes.*at most 120/),
      }),
    );
    expect(() => encodeFileName('é'.repeat(60) + 'x')).toThrow(/121 bytes/);
    expect(() => encodeFileName('')).toThrow(expect.objectContaining({ code: 'FS_INVALID_NAME' }));
    expect(() => encodeFileName('a\ud800')).toThrow(expect.objectContaining({ code: 'FS_INVALID_NAME' }));
  });
});
