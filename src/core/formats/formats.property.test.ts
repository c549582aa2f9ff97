import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { SparseData } from '../memory';
import type { Segment } from '../memory';
import { readBin, writeBin } from './bin';
import { loadFile } from './load-save';
import { createUniversalHex } from './universal-hex-create';
import { parseIntelHex, writeIntelHex } from './intel-hex';
import { parseUf2, writeUf2 } from './uf2';

const TOP = 0x1_0000_0000;

/** Addresses where formats have edges: low memory, 64 KiB boundaries, above 2 GiB, just below 4 GiB. */
const address = fc.oneof(
  fc.integer({ min: 0, max: 0x4_0000 }),
  fc
    .tuple(fc.integer({ min: 1, max: 0xffff }), fc.integer({ min: -40, max: 40 }))
    .map(([k, d]) => k * 0x1_0000 + d),
  fc.integer({ min: 0x8000_0000, max: 0xffff_0000 }),
  fc.integer({ min: 0xffff_fe00, max: TOP - 1 }),
);

const segment = fc
  .tuple(address, fc.uint8Array({ minLength: 1, maxLength: 300 }))
  .map(([at, data]): Segment => ({ address: Math.min(at, TOP - data.length), data }));

/** Random sparse images of several segments anywhere in the 32-bit space. */
const image = fc.array(segment, { minLength: 0, maxLength: 6 }).map((segments) => SparseData.from(segments));

/** Random images within a 16 KiB window (small enough to write as one binary). */
const compactImage = fc
  .tuple(
    fc.integer({ min: 0, max: TOP - 0x4000 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 0x3f00 }), fc.uint8Array({ minLength: 1, maxLength: 256 })), {
      minLength: 1,
      maxLength: 5,
    }),
  )
  .map(([base, parts]) => SparseData.from(parts.map(([offset, data]) => ({ address: base + offset, data }))));

describe('round trips of random sparse images', () => {
  it('Intel Hex with 16- and 32-byte records reads back identical', () => {
    fc.assert(
      fc.property(image, fc.constantFrom(16 as const, 32 as const), (data, recordSize) => {
        expect(parseIntelHex(writeIntelHex(data, { recordSize })).equals(data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a single-segment binary reads back identical at its base', () => {
    fc.assert(
      fc.property(segment, (s) => {
        const data = SparseData.from([s]);
        expect(readBin(writeBin(data), s.address).equals(data)).toBe(true);
      }),
    );
  });

  it('a binary with gaps holds every byte at its offset and the fill in between', () => {
    fc.assert(
      fc.property(compactImage, fc.integer({ min: 0, max: 255 }), (data, fill) => {
        const bounds = data.bounds()!;
        const bytes = writeBin(data, { fill });
        expect(bytes.length).toBe(bounds.end - bounds.start);
        const back = readBin(bytes, bounds.start);
        for (const s of data.segments()) {
          expect(back.slice(s.address, s.address + s.data.length).equals(SparseData.from([s]))).toBe(true);
        }
        // One assertion over all gap bytes (an expect per byte made this test take half a minute).
        const notFill: number[] = [];
        for (let a = bounds.start; a < bounds.end; a++) {
          if (data.segmentAt(a) === undefined && bytes[a - bounds.start] !== fill) notFill.push(a);
        }
        expect(notFill).toEqual([]);
      }),
    );
  });

  it('UF2 reads back identical, with the rest of each 256-byte page as 0xFF', () => {
    fc.assert(
      fc.property(
        image,
        fc.option(fc.integer({ min: 0, max: TOP - 1 }), { nil: undefined }),
        (data, familyId) => {
          fc.pre(!data.isEmpty); // an empty image is an empty file, which is not a UF2
          const pages = new Set<number>();
          for (const r of data.ranges()) {
            for (let page = r.start - (r.start % 256); page < r.end; page += 256) pages.add(page);
          }
          const padded = SparseData.from(
            [...pages].map((page) => ({ address: page, data: data.read(page, 256, 0xff) })),
          );
          const back = parseUf2(writeUf2(data, { familyId }));
          expect(back.data.equals(padded)).toBe(true);
          expect(back.familyId).toBe(familyId);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('damaged files', () => {
  const sample = SparseData.from([
    { address: 0xfff0, data: Uint8Array.from({ length: 40 }, (_, i) => i) },
    { address: 0x1000_1000, data: Uint8Array.of(1, 2, 3, 4) },
  ]);
  const hex = writeIntelHex(sample);
  const universal = createUniversalHex([
    { boardId: 0x9900, hex },
    { boardId: 0x9903, hex },
  ]);
  const uf2 = writeUf2(sample, { familyId: 0x621e937a });
  const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
  const originals: [string, Uint8Array][] = [
    ['a.hex', encode(hex)],
    ['u.hex', encode(universal)],
    ['a.uf2', uf2],
  ];

  /** Opens the file; any failure must be a WebProgError naming the file. */
  const opensOrExplains = (name: string, bytes: Uint8Array): void => {
    try {
      loadFile(name, bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(WebProgError);
      expect((error as WebProgError).file).toBe(name);
      expect((error as WebProgError).code).toMatch(/^FORMAT_|^INVALID_ARGUMENT$/);
    }
  };

  it('fail with a WebProgError, never a crash, when bytes are changed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...originals),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        ([name, original], edits) => {
          const bytes = original.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          opensOrExplains(name, bytes);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fail with a WebProgError, never a crash, for random bytes under any name', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('x.hex', 'x.uf2', 'x.elf', 'x.bin', 'x'),
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc
            .uint8Array({ maxLength: 200 })
            .map((b) => Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 1 + (b[0] & 1), 1, ...b)),
          fc.uint8Array({ maxLength: 100 }).map((b) => Uint8Array.of(0x3a, ...b.map((x) => 0x30 + (x % 10)))),
        ),
        (name, bytes) => opensOrExplains(name, bytes),
      ),
      { numRuns: 500 },
    );
  });
});
