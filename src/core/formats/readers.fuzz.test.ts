/**
 * Fuzz suite over every file reader (issue 14): valid files, mutated (bytes changed, lines or
 * blocks dropped, repeated, swapped, the file cut short) and random inputs. For every input:
 *
 * - the reader returns or throws a `WebProgError`, nothing else;
 * - it finishes within a time limit (generous, for a busy machine: inputs are a few KiB and
 *   read in well under a millisecond) and allocates at most 4× the input plus a small constant
 *   in typed arrays;
 * - what it returns is right: it equals what a small, independent reference reader makes of
 *   the same input, and an input the reference rejects (a bad checksum, above all) is never
 *   accepted.
 *
 * Each property runs for 1 s, or `FUZZ_MS` (src/core/testing/fuzz-budget.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { SparseData } from '../memory';
import { countAllocations } from '../testing/allocations';
import { FUZZ_RUNS as RUNS } from '../testing/fuzz-budget';
import { oneByteElf, oneByteHex, oneByteUf2, oneByteUniversalHex } from '../testing/pathological-files';
import { readBin } from './bin';
import { parseElf } from './elf';
import { readIntelHex, writeIntelHex } from './intel-hex';
import { readUf2, writeUf2 } from './uf2';
import { createUniversalHex } from './universal-hex-create';
import { readUniversalHex } from './universal-hex';
import { buildElf } from '../testing/elf-files';
import {
  type Reference,
  referenceElf,
  referenceHex,
  referenceUf2,
  referenceUniversalHex,
} from '../testing/reference-readers';

/** Wall-clock limit per input: far above the reading time, far below a hang. */
const TIME_LIMIT_MS = 1_000;
/** Allocation allowance on top of 4× the input (fixed-size buffers of a read). */
const ALLOCATION_SLACK = 16 * 1024;

/** Reads `input` with `read`, checking the error type, time and allocations; returns the data or the error. */
function guardedRead<T>(size: number, read: () => T): T | WebProgError {
  const t0 = performance.now();
  const { result, bytes } = countAllocations(() => {
    try {
      return read();
    } catch (error) {
      if (error instanceof WebProgError) return error;
      throw error; // anything else fails the property
    }
  });
  expect(performance.now() - t0).toBeLessThan(TIME_LIMIT_MS);
  expect(bytes).toBeLessThanOrEqual(4 * size + ALLOCATION_SLACK);
  return result;
}

/** The reader's result agrees with the reference: accepted only what it accepts, with the same bytes. */
function expectAgrees(data: SparseData | WebProgError, reference: Reference, what: string): void {
  if (data instanceof WebProgError) return; // refusing is always safe; the error type was checked
  if (!reference.ok)
    throw new Error(`${what}: accepted an input the reference rejects (${reference.reason})`);
  expect(mapOf(data)).toEqual(reference.bytes);
}

function mapOf(data: SparseData): Map<number, number> {
  const map = new Map<number, number>();
  for (const s of data.segments()) s.data.forEach((b, i) => map.set(s.address + i, b));
  return map;
}

const TOP = 0x1_0000_0000;
const address = fc.oneof(
  fc.integer({ min: 0, max: 0x2_0000 }),
  fc.integer({ min: 1, max: 0xffff }).map((k) => k * 0x1_0000 - 8),
  fc.integer({ min: TOP - 0x400, max: TOP - 1 }),
);
/** Small random images. */
const image = fc
  .array(fc.tuple(address, fc.uint8Array({ minLength: 1, maxLength: 64 })), { maxLength: 5 })
  .map((parts) =>
    SparseData.from(parts.map(([at, data]) => ({ address: Math.min(at, TOP - data.length), data }))),
  );

/** Edits to a list of lines or blocks: drop, repeat, swap, or cut the list short. */
const listEdit = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);
type ListEdit = typeof listEdit extends fc.Arbitrary<infer T> ? T : never;

function editList<T>(items: T[], edits: ListEdit[]): T[] {
  let list = [...items];
  for (const edit of edits) {
    if (list.length === 0) break;
    const at = edit.at % list.length;
    if (edit.kind === 'drop') list.splice(at, 1);
    else if (edit.kind === 'repeat') list.splice(at, 0, list[at]);
    else if (edit.kind === 'cut') list = list.slice(0, at);
    else {
      const other = edit.with % list.length;
      [list[at], list[other]] = [list[other], list[at]];
    }
  }
  return list;
}

/** Byte edits: position (modulo the length) and new value. */
const byteEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 });

function editBytes(bytes: Uint8Array, edits: [number, number][]): Uint8Array {
  const out = bytes.slice();
  if (out.length > 0) for (const [at, value] of edits) out[at % out.length] = value;
  return out;
}

/** Hex-text edits: a character replaced by a hex digit, a colon, a line break or anything. */
const textEdits = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom(...'0123456789ABCDEFabcdef:\n\r xG'.split(''))),
  { maxLength: 3 },
);

function editText(text: string, edits: [number, string][]): string {
  let out = text;
  for (const [at, c] of edits) {
    if (out.length === 0) break;
    const i = at % out.length;
    out = out.slice(0, i) + c + out.slice(i + 1);
  }
  return out;
}

/** One hex digit of a data record's data field changed: its checksum no longer matches. */
function corruptDataDigit(
  text: string,
  pick: number,
  digit: number,
): { text: string; line: number } | undefined {
  const lines = text.split('\n');
  const data = lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => /^:[0-9A-F]{6}(00|0D)/.test(l) && l.length > 11);
  if (data.length === 0) return undefined;
  const { l, i } = data[pick % data.length];
  const at = 9 + ((pick >> 8) % (l.length - 11));
  const old = parseInt(l[at], 16);
  const next = ((old + 1 + (digit % 15)) % 16).toString(16).toUpperCase();
  lines[i] = l.slice(0, at) + next + l.slice(at + 1);
  return { text: lines.join('\n'), line: i + 1 };
}

const hexFiles = fc.oneof(
  image.map((data) => writeIntelHex(data)),
  fc.constantFrom(oneByteHex(40, 2, 'descending'), oneByteHex(40, 0x7fff, 'ascending')),
);

describe('Intel Hex reader under fuzzing', () => {
  it('mutated files: only WebProgErrors, bounded, and never data the reference rejects', () => {
    fc.assert(
      fc.property(hexFiles, fc.array(listEdit, { maxLength: 3 }), textEdits, (hex, edits, chars) => {
        const text = editText(editList(hex.split('\n'), edits).join('\n'), chars);
        const read = guardedRead(text.length, () => readIntelHex(text).data);
        expectAgrees(read, referenceHex(text), 'readIntelHex');
      }),
      RUNS,
    );
  });

  it('a record whose data no longer matches its checksum is always a FORMAT_CHECKSUM error on its line', () => {
    fc.assert(
      fc.property(hexFiles, fc.nat(), fc.nat(), (hex, pick, digit) => {
        const corrupt = corruptDataDigit(hex, pick, digit);
        fc.pre(corrupt !== undefined);
        const read = guardedRead(hex.length, () => readIntelHex(corrupt!.text).data);
        expect(read).toBeInstanceOf(WebProgError);
        expect([(read as WebProgError).code, (read as WebProgError).line]).toEqual([
          'FORMAT_CHECKSUM',
          corrupt!.line,
        ]);
      }),
      RUNS,
    );
  });

  it('random text: only WebProgErrors', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...':0123456789ABCDEF\n'.split('')), maxLength: 400 });
    fc.assert(
      fc.property(fc.oneof(hexish, fc.string({ maxLength: 200 })), (text) => {
        expectAgrees(
          guardedRead(text.length, () => readIntelHex(text).data),
          referenceHex(text),
          'readIntelHex',
        );
      }),
      RUNS,
    );
  });
});

describe('Universal Hex reader under fuzzing', () => {
  const universalFiles = fc.oneof(
    fc.tuple(image, image).map(([a, b]) =>
      createUniversalHex([
        { boardId: 0x9900, hex: writeIntelHex(a) },
        { boardId: 0x9903, hex: writeIntelHex(b) },
      ]),
    ),
    fc.constant(oneByteUniversalHex(40, 2, 'descending')),
  );

  it('mutated files: only WebProgErrors, bounded, and every board as the reference reads it', () => {
    fc.assert(
      fc.property(universalFiles, fc.array(listEdit, { maxLength: 3 }), textEdits, (hex, edits, chars) => {
        const text = editText(editList(hex.split('\n'), edits).join('\n'), chars);
        const read = guardedRead(text.length, () => readUniversalHex(text));
        if (read instanceof WebProgError) return;
        const reference = referenceUniversalHex(text);
        if (!reference.ok) throw new Error(`accepted what the reference rejects (${reference.reason})`);
        expect(read.boards.map((b) => b.boardId)).toEqual([...reference.boards.keys()]);
        for (const board of read.boards)
          expect(mapOf(board.data)).toEqual(reference.boards.get(board.boardId));
      }),
      RUNS,
    );
  });

  it('a record whose data no longer matches its checksum is always a FORMAT_CHECKSUM error', () => {
    fc.assert(
      fc.property(universalFiles, fc.nat(), fc.nat(), (hex, pick, digit) => {
        const corrupt = corruptDataDigit(hex, pick, digit);
        fc.pre(corrupt !== undefined);
        const read = guardedRead(hex.length, () => readUniversalHex(corrupt!.text));
        expect(read).toBeInstanceOf(WebProgError);
        expect([(read as WebProgError).code, (read as WebProgError).line]).toEqual([
          'FORMAT_CHECKSUM',
          corrupt!.line,
        ]);
      }),
      RUNS,
    );
  });
});

describe('UF2 reader under fuzzing', () => {
  const uf2Files = fc.oneof(
    fc
      .tuple(image, fc.option(fc.constantFrom(0xe48bff56, 0x621e937a), { nil: undefined }))
      .filter(([data]) => !data.isEmpty)
      .map(([data, familyId]) => writeUf2(data, { familyId })),
    fc.constant(oneByteUf2(16, 2, 'descending')),
  );
  const blocksOf = (bytes: Uint8Array): Uint8Array[] =>
    Array.from({ length: Math.ceil(bytes.length / 512) }, (_, i) => bytes.subarray(i * 512, (i + 1) * 512));
  const join = (blocks: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  };
  /** Header bytes are where edits matter: flags, address, size, numbering, family. */
  const headerEdits = fc.array(
    fc.tuple(fc.nat(), fc.integer({ min: 8, max: 31 }), fc.integer({ min: 0, max: 255 })),
    { maxLength: 3 },
  );

  it('mutated files (blocks dropped, repeated, swapped, cut; header bytes changed): agree with the reference', () => {
    fc.assert(
      fc.property(
        uf2Files,
        fc.array(listEdit, { maxLength: 3 }),
        headerEdits,
        byteEdits,
        (uf2, edits, headers, bytes) => {
          const file = editBytes(join(editList(blocksOf(uf2), edits)), bytes);
          for (const [block, offset, value] of headers) {
            if (file.length >= 512) file[(block % (file.length >> 9)) * 512 + offset] = value;
          }
          const read = guardedRead(file.length, () => readUf2(file).data);
          expectAgrees(read, referenceUf2(file), 'readUf2');
        },
      ),
      RUNS,
    );
  });
});

describe('ELF reader under fuzzing', () => {
  const elfFiles = fc.oneof(
    fc
      .tuple(
        fc.boolean(),
        fc.boolean(),
        fc.array(
          fc.tuple(address, fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.constantFrom(1, 1, 1, 2, 6)),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
      )
      .map(([wide, littleEndian, segments]) =>
        buildElf({
          wide,
          littleEndian,
          entry: 0x100,
          segments: segments.map(([paddr, data, type]) => ({
            paddr: Math.min(paddr, TOP - data.length),
            data,
            type,
          })),
        }),
      ),
    fc.constant(oneByteElf(30, 2, 'descending')),
  );
  /** Edits that land in the ELF and program headers most of the time. */
  const headerEdits = fc.array(fc.tuple(fc.integer({ min: 4, max: 400 }), fc.integer({ min: 0, max: 255 })), {
    maxLength: 4,
  });

  it('mutated files: only WebProgErrors, bounded, and the loadable segments the reference finds', () => {
    fc.assert(
      fc.property(elfFiles, headerEdits, byteEdits, fc.nat(), (elf, headers, bytes, cut) => {
        let file = editBytes(elf, bytes);
        for (const [at, value] of headers) if (at < file.length) file[at] = value;
        if (cut % 4 === 0) file = file.slice(0, cut % (file.length + 1));
        const read = guardedRead(file.length, () => parseElf(file).data);
        expectAgrees(read, referenceElf(file), 'parseElf');
      }),
      RUNS,
    );
  });
});

describe('binary reader under fuzzing', () => {
  it('holds the bytes at the base, or refuses a base or size past 4 GiB', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.oneof(fc.integer({ min: 0, max: TOP + 10 }), fc.integer({ min: -5, max: 5 }), fc.double()),
        (bytes, base) => {
          const read = guardedRead(bytes.length, () => readBin(bytes, base));
          const valid = Number.isInteger(base) && base >= 0 && base + bytes.length <= TOP && base < TOP;
          if (!valid) {
            expect(read).toBeInstanceOf(WebProgError);
            return;
          }
          expect(read).toBeInstanceOf(SparseData);
          const data = read as SparseData;
          expect(data.byteCount).toBe(bytes.length);
          if (bytes.length > 0) expect(data.read(base, bytes.length)).toEqual(bytes);
        },
      ),
      RUNS,
    );
  });
});
