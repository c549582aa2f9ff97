import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { buildFlashAreas, decodeFlashInfoPieces, readFlashAreas, type FlashBlockRun } from './flash-info';

const KiB = 1024;

/** Target RAM (64 KiB at 0x20000000) holding `blocks`; reads outside it throw like a bus fault. */
function memory(blocks: Record<number, Uint8Array>) {
  const base = 0x20000000;
  const ram = new Uint8Array(0x10000);
  for (const [address, bytes] of Object.entries(blocks)) ram.set(bytes, Number(address) - base);
  const reads: [number, number][] = [];
  const read = (address: number, length: number): Uint8Array => {
    reads.push([address, length]);
    if (address < base || address + length > base + ram.length) {
      throw new Error(`unreadable ${address.toString(16)}+${length}`);
    }
    return ram.slice(address - base, address - base + length);
  };
  return { read, reads };
}

function words(...values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return bytes;
}

/** One FlashInfoRaw piece word. */
const piece = (erase: number, write: number, count: number) =>
  erase | (write << 8) | ((count & 0xffff) << 16);

const ascii = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)).concat(0));

describe('readFlashAreas', () => {
  it('decodes the nRF52833 description: Code Flash and a separate UICR area', async () => {
    const { read } = memory({
      0x20001800: words(2, 0, piece(0x0c, 0x0c, 128), 0x10001000, piece(0x0a, 0x0a, 1)),
      0x20001814: words(2, 0, 0x20000158, 0x10001000, 0x20000163),
      0x20000150: new Uint8Array(64).fill(0x20),
      0x20000158: ascii('Code Flash'),
      0x20000163: ascii('UICR'),
    });
    const areas = await readFlashAreas(read, 0x20001800, 0x20001814, 'nRF52833');
    expect(areas).toEqual([
      {
        name: 'Code Flash',
        base: 0,
        size: 512 * KiB,
        runs: [{ address: 0, eraseSize: 4096, writeSize: 4096, count: 128 }],
      },
      {
        name: 'UICR',
        base: 0x10001000,
        size: 1 * KiB,
        runs: [{ address: 0x10001000, eraseSize: 1024, writeSize: 1024, count: 1 }],
      },
    ]);
  });

  it('merges the STM32F411 sectors (4×16, 64, 3×128 KiB) into one area, sorting the pieces', async () => {
    const { read } = memory({
      0x20004800: words(
        3,
        0x08020000,
        piece(0x11, 0x0e, 3),
        0x08000000,
        piece(0x0e, 0x0e, 4),
        0x08010000,
        piece(0x10, 0x0e, 1),
      ),
      0x20004828: words(1, 0x08000000, 0x20000334),
      0x20000330: new Uint8Array([0, 0, 0, 0, ...ascii('Code Flash')]),
    });
    const [area, ...rest] = await readFlashAreas(read, 0x20004800, 0x20004828, 'STM32F4');
    expect(rest).toEqual([]);
    expect(area.name).toBe('Code Flash');
    expect(area.base).toBe(0x08000000);
    expect(area.size).toBe(512 * KiB);
    expect(area.runs.map((r) => [r.address, r.eraseSize, r.writeSize, r.count])).toEqual([
      [0x08000000, 16 * KiB, 16 * KiB, 4],
      [0x08010000, 64 * KiB, 16 * KiB, 1],
      [0x08020000, 128 * KiB, 16 * KiB, 3],
    ]);
  });

  it('names unnamed areas by address when FlashNamesRaw is absent (R1 = 0)', async () => {
    const { read, reads } = memory({ 0x20000c00: words(1, 0x1000, piece(0x0a, 0x0a, 0)) });
    const areas = await readFlashAreas(read, 0x20000c00, 0, 'x');
    expect(areas).toEqual([
      {
        name: 'Flash at 0x00001000',
        base: 0x1000,
        size: 65536 * KiB,
        runs: [{ address: 0x1000, eraseSize: 1024, writeSize: 1024, count: 65536 }],
      },
    ]);
    expect(reads.every(([a]) => a < 0x20000c0c)).toBe(true);
  });

  it('reads a name in chunks that stop at a 16-byte boundary after its NUL', async () => {
    const { read, reads } = memory({
      0x20000000: words(1, 0, piece(9, 9, 1)),
      0x20000010: words(1, 0, 0x2000003a),
      0x20000030: new Uint8Array([...new Array(10).fill(0), ...ascii('An area name thirty chars long')]),
    });
    const [area] = await readFlashAreas(read, 0x20000000, 0x20000010, 'x');
    expect(area.name).toBe('An area name thirty chars long');
    expect(reads.slice(-3)).toEqual([
      [0x2000003a, 6],
      [0x20000040, 16],
      [0x20000050, 16],
    ]);
  });

  it.each([
    ['zero FlashInfoRaw address', 0, 0, /address 0x00000000/],
    ['misaligned FlashInfoRaw address', 0x20000002, 0, /must be non-zero and word-aligned/],
    ['misaligned FlashNamesRaw address', 0x20000000, 0x20000006, /FlashNamesRaw address 0x20000006/],
  ])('rejects a %s', async (_why, info, names, message) => {
    const { read } = memory({ 0x20000000: words(1, 0, piece(9, 9, 1)) });
    await expect(readFlashAreas(read, info, names, 'nRF51822')).rejects.toThrowError(message);
  });

  it('rejects more than 64 info pieces and more than 32 names', async () => {
    const { read } = memory({
      0x20000000: words(65),
      0x20000100: words(1, 0, piece(9, 9, 1)),
      0x20000200: words(33),
    });
    await expect(readFlashAreas(read, 0x20000000, 0, 's')).rejects.toThrowError(/65 pieces \(at most 64\)/);
    await expect(readFlashAreas(read, 0x20000100, 0x20000200, 's')).rejects.toThrowError(
      /33 pieces \(at most 32\)/,
    );
  });

  it('rejects a name without a terminator within 64 characters', async () => {
    const { read } = memory({
      0x20000000: words(1, 0, piece(9, 9, 1), 1, 0, 0x20000100),
      0x20000100: new Uint8Array(128).fill(0x41),
    });
    await expect(readFlashAreas(read, 0x20000000, 0x2000000c, 's')).rejects.toThrowError(/no terminator/);
  });

  it('rejects a reader that returns fewer bytes than asked', async () => {
    const read = () => new Uint8Array(2);
    await expect(readFlashAreas(read, 0x20000000, 0, 's')).rejects.toThrowError(/returned 2/);
  });

  it('reports DEVICE_PROTOCOL errors naming the script', async () => {
    const { read } = memory({ 0x20000000: words(1, 0, piece(0x20, 9, 1)) });
    const error = await readFlashAreas(read, 0x20000000, 0, 'nRF51822').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebProgError);
    expect(error).toMatchObject({ code: 'DEVICE_PROTOCOL' });
    expect((error as Error).message).toMatch(/"nRF51822".*piece 0.*erase size code 0x20/);
  });
});

describe('decodeFlashInfoPieces', () => {
  it('decodes sizes, counts (0 = 65536) and bases', () => {
    const bytes = words(0x08000000, piece(0xcd, 0x0c, 2), 0x10000000, piece(0x09, 0x09, 0));
    expect(decodeFlashInfoPieces(bytes, 2, 's')).toEqual([
      { address: 0x08000000, eraseSize: 48 * KiB, writeSize: 4 * KiB, count: 2 },
      { address: 0x10000000, eraseSize: 512, writeSize: 512, count: 65536 },
    ]);
  });

  it.each([
    ['an invalid write size code', piece(0x0a, 0x8a, 1), /write size code 0x8A/],
    ['a write size above the erase size', piece(0x0a, 0x0b, 1), /write size 2048 exceeds erase size 1024/],
    [
      'a write size that does not divide the erase size',
      piece(0xcc, 0x0e, 1),
      /16384 does not divide erase size 24576/,
    ],
  ])('rejects %s', (_why, word, message) => {
    expect(() => decodeFlashInfoPieces(words(0, word), 1, 's')).toThrowError(message);
  });

  it('rejects truncated input', () => {
    expect(() => decodeFlashInfoPieces(words(0), 1, 's')).toThrowError(/truncated/);
  });
});

describe('buildFlashAreas', () => {
  const run = (address: number, eraseSize: number, count: number, writeSize = eraseSize): FlashBlockRun => ({
    address,
    eraseSize,
    writeSize,
    count,
  });

  it('keeps discontiguous pieces as separate areas and ignores names that start no area', () => {
    const areas = buildFlashAreas(
      [run(0x10001000, 256, 1), run(0, 1024, 256)],
      new Map([
        [0, 'FLASH'],
        [0x400, 'inside'],
        [0x10001000, 'UICR'],
      ]),
      's',
    );
    expect(areas.map((a) => [a.name, a.base, a.size])).toEqual([
      ['FLASH', 0, 256 * KiB],
      ['UICR', 0x10001000, 256],
    ]);
  });

  it('makes duplicate names unique', () => {
    const areas = buildFlashAreas([run(0, 1024, 1), run(0x1000, 1024, 1)], new Map(), 's');
    expect(areas.map((a) => a.name)).toEqual(['Flash at 0x00000000', 'Flash at 0x00001000']);
    const same = buildFlashAreas(
      [run(0, 1024, 1), run(0x1000, 1024, 1)],
      new Map([
        [0, 'X'],
        [0x1000, 'X'],
      ]),
      's',
    );
    expect(same.map((a) => a.name)).toEqual(['X', 'X (0x00001000)']);
  });

  it('rejects overlapping pieces', () => {
    expect(() => buildFlashAreas([run(0, 1024, 4), run(0xc00, 1024, 1)], new Map(), 's')).toThrowError(
      /overlap at 0x00000C00 \(the previous piece ends at 0x00001000\)/,
    );
  });

  it('rejects flash past the 4 GiB address space (with no overlaps, the total stays within 4 GiB)', () => {
    expect(() => buildFlashAreas([run(0xfffff000, 4096, 2)], new Map(), 's')).toThrowError(/past the 4 GiB/);
    expect(() => buildFlashAreas([run(0xfffff000, 4096, 1)], new Map(), 's')).not.toThrow();
    expect(() => buildFlashAreas([run(0, 7 * 2 ** 29, 65536)], new Map(), 's')).toThrowError(
      /past the 4 GiB/,
    );
    const whole = buildFlashAreas([run(0, 2 ** 31, 1), run(2 ** 31, 2 ** 31, 1)], new Map(), 's');
    expect(whole.map((a) => [a.base, a.size])).toEqual([[0, 2 ** 32]]);
  });
});
