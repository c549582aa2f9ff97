/**
 * S-records under fuzzing, as the other readers in `readers.fuzz.test.ts`: mutated and random
 * inputs give only `WebProgError`s, in bounded time and typed-array allocations, and never data
 * the independent reference reader rejects (a bad checksum above all) or other bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { SparseData } from '../memory';
import { countAllocations } from '../testing/allocations';
import { FUZZ_RUNS as RUNS } from '../testing/fuzz-budget';
import { referenceSrec } from '../testing/reference-readers';
import { readSrec, writeSrec } from './srec';

const TIME_LIMIT_MS = 1_000;
const ALLOCATION_SLACK = 16 * 1024;
const TOP = 0x1_0000_0000;

function read(text: string): SparseData | WebProgError {
  const t0 = performance.now();
  const { result, bytes } = countAllocations(() => {
    try {
      return readSrec(text).data;
    } catch (error) {
      if (error instanceof WebProgError) return error;
      throw error;
    }
  });
  expect(performance.now() - t0).toBeLessThan(TIME_LIMIT_MS);
  expect(bytes).toBeLessThanOrEqual(4 * text.length + ALLOCATION_SLACK);
  return result;
}

function agrees(text: string): void {
  const data = read(text);
  if (data instanceof WebProgError) return;
  const reference = referenceSrec(text);
  if (!reference.ok)
    throw new Error(`readSrec accepted an input the reference rejects (${reference.reason})`);
  const map = new Map<number, number>();
  for (const s of data.segments()) s.data.forEach((b, i) => map.set(s.address + i, b));
  expect(map).toEqual(reference.bytes);
}

const address = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0, max: 0xffffff }),
  fc.integer({ min: TOP - 0x400, max: TOP - 1 }),
);
const image = fc
  .array(fc.tuple(address, fc.uint8Array({ minLength: 1, maxLength: 64 })), { maxLength: 5 })
  .map((parts) =>
    SparseData.from(parts.map(([at, data]) => ({ address: Math.min(at, TOP - data.length), data }))),
  );
const files = fc
  .tuple(image, fc.integer({ min: 1, max: 40 }))
  .map(([data, size]) => writeSrec(data, { recordSize: size }));

describe('S-record reader under fuzzing', () => {
  it('mutated files (lines dropped, repeated, swapped, cut; characters changed): only WebProgErrors, never data the reference rejects', () => {
    const edits = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'0123456789ABCDEFabS\n x'.split(''))), {
      maxLength: 3,
    });
    const lineEdits = fc.array(
      fc.tuple(fc.constantFrom('drop', 'repeat', 'swap', 'cut'), fc.nat(), fc.nat()),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(files, lineEdits, edits, (text, lineOps, chars) => {
        let lines = text.split('\n');
        for (const [op, a, b] of lineOps) {
          if (lines.length === 0) break;
          const i = a % lines.length;
          if (op === 'drop') lines.splice(i, 1);
          else if (op === 'repeat') lines.splice(i, 0, lines[i]);
          else if (op === 'cut') lines = lines.slice(0, i);
          else [lines[i], lines[b % lines.length]] = [lines[b % lines.length], lines[i]];
        }
        let out = lines.join('\n');
        for (const [at, c] of chars) {
          if (out.length === 0) break;
          const k = at % out.length;
          out = out.slice(0, k) + c + out.slice(k + 1);
        }
        agrees(out);
      }),
      RUNS,
    );
  });

  it('an address or data digit changed is always a FORMAT_CHECKSUM error on its line', () => {
    fc.assert(
      fc.property(files, fc.nat(), fc.integer({ min: 1, max: 15 }), (text, pick, delta) => {
        const lines = text.split('\n');
        const data = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^S[123]/.test(l));
        fc.pre(data.length > 0);
        const { l, i } = data[pick % data.length];
        const at = 4 + ((pick >> 4) % (l.length - 6));
        lines[i] =
          l.slice(0, at) + ((parseInt(l[at], 16) + delta) % 16).toString(16).toUpperCase() + l.slice(at + 1);
        const result = read(lines.join('\n'));
        expect(result).toBeInstanceOf(WebProgError);
        expect([(result as WebProgError).code, (result as WebProgError).line]).toEqual([
          'FORMAT_CHECKSUM',
          i + 1,
        ]);
      }),
      RUNS,
    );
  });

  it('random text: only WebProgErrors', () => {
    const srecish = fc.string({ unit: fc.constantFrom(...'S0123456789ABCDEF\n'.split('')), maxLength: 400 });
    fc.assert(fc.property(fc.oneof(srecish, fc.string({ maxLength: 200 })), agrees), RUNS);
  });
});
