import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import { detectFormat, loadFile, saveFile, writeUf2 } from './index';
import { thrown } from '../testing/thrown';

const fixtureBytes = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name)));
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const elfHeader = Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1, 1, 1);

describe('detectFormat', () => {
  it('goes by content first', () => {
    expect(detectFormat('x.bin', fixtureBytes('micropython-v1.1.1.hex'))).toBe('intel-hex');
    expect(detectFormat('x.hex', fixtureBytes('universal-blocks-9901-9903.hex'))).toBe('universal-hex');
    expect(detectFormat('x.hex', fixtureBytes('universal-sections-9901-9903.hex'))).toBe('universal-hex');
    expect(detectFormat('x.bin', writeUf2(SparseData.from([{ address: 0, data: new Uint8Array(4) }])))).toBe(
      'uf2',
    );
    expect(detectFormat('x.hex', elfHeader)).toBe('elf');
    expect(detectFormat('x', ascii('\uFEFF\r\n:020000040000FA\r\n'))).toBe('intel-hex');
  });

  it('then by extension, with binary as the default', () => {
    expect(detectFormat('not-a-hex.HEX', fixtureBytes('not-a-hex.hex'))).toBe('intel-hex');
    expect(detectFormat('a.uf2', new Uint8Array(10))).toBe('uf2');
    expect(detectFormat('a.axf', new Uint8Array(10))).toBe('elf');
    expect(detectFormat('firmware.bin', Uint8Array.of(0x3a, 0x00))).toBe('bin');
    expect(detectFormat('README', ascii('hello'))).toBe('bin');
  });
});

describe('loadFile', () => {
  it('opens a MicroPython hex with its warnings', () => {
    const file = loadFile('makecode-v1.hex', fixtureBytes('makecode-v1.hex'));
    expect(file.format).toBe('intel-hex');
    expect(file.name).toBe('makecode-v1.hex');
    expect(file.data.byteCount).toBe(1984 + 88344 + 119104 + 14452 + 32 + 4);
    expect(file.warnings).toEqual(['text after the EOF record was ignored (line 14006)']);
  });

  it('opens a Universal Hex: every board, and the board asked for', () => {
    const bytes = fixtureBytes('universal-sections-9901-9903.hex');
    const first = loadFile('u.hex', bytes);
    expect(first.format).toBe('universal-hex');
    expect(first.boards?.map((b) => b.boardId)).toEqual([0x9901, 0x9903]);
    expect(first.data.ranges()).toEqual([{ start: 0, end: 0x40000 }]);
    const v2 = loadFile('u.hex', bytes, { boardId: 0x9904 });
    expect(v2.data.equals(first.boards![1].data)).toBe(true);
    expect(v2.data.ranges()).toEqual([{ start: 0, end: 93136 }]);
  });

  it('opens UF2 with its family id, and binaries at the base asked for', () => {
    const image = SparseData.from([{ address: 0x1000_0000, data: new Uint8Array(256).fill(3) }]);
    const uf2 = loadFile('a.uf2', writeUf2(image, { familyId: 0xe48bff56 }));
    expect([uf2.format, uf2.familyId, uf2.data.equals(image)]).toEqual(['uf2', 0xe48bff56, true]);
    const bin = loadFile('a.bin', Uint8Array.of(1, 2, 3), { binBase: 0x0800_0000 });
    expect([bin.format, bin.data.bounds()]).toEqual(['bin', { start: 0x0800_0000, end: 0x0800_0003 }]);
  });

  it('names the file and line in every error', () => {
    const error = thrown(() => loadFile('not-a-hex.hex', fixtureBytes('not-a-hex.hex')));
    expect([error.code, error.line, error.file]).toEqual(['FORMAT_INVALID', 1, 'not-a-hex.hex']);
    const elf = thrown(() => loadFile('broken.elf', elfHeader));
    expect([elf.code, elf.file]).toEqual(['FORMAT_INVALID', 'broken.elf']);
    const board = thrown(() =>
      loadFile('u.hex', fixtureBytes('universal-blocks-9901-9903.hex'), { boardId: 0x1234 }),
    );
    expect([board.code, board.file]).toEqual(['FORMAT_UNSUPPORTED', 'u.hex']);
  });
});

describe('saveFile', () => {
  const data = SparseData.from([
    { address: 0x100, data: Uint8Array.of(1, 2) },
    { address: 0x200, data: Uint8Array.of(3) },
  ]);

  it('writes Intel Hex that loads back', () => {
    const bytes = saveFile(data, 'intel-hex', { recordSize: 32 });
    expect(new TextDecoder().decode(bytes).startsWith(':020000040000FA\n:02010000')).toBe(true);
    expect(loadFile('out.hex', bytes).data.equals(data)).toBe(true);
  });

  it('writes a binary with the fill and range asked for', () => {
    expect([...saveFile(data, 'bin', { start: 0xff, end: 0x103, fill: 0 })]).toEqual([0, 1, 2, 0]);
    expect(saveFile(data, 'bin').length).toBe(0x101);
  });

  it('writes UF2 limited to the range asked for', () => {
    const bytes = saveFile(data, 'uf2', { familyId: 0x1b57745f, start: 0x180 });
    const back = loadFile('out.uf2', bytes);
    expect(back.familyId).toBe(0x1b57745f);
    expect(back.data.bounds()).toEqual({ start: 0x200, end: 0x300 });
    expect(back.data.read(0x200, 1)[0]).toBe(3);
  });
});
