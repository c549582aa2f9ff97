/**
 * Fuzz suite over the MicroPython filesystem readers (issue 14): a MicroPython V2 image holding
 * files, with its filesystem chunks damaged, and whole MicroPython hexes with their text
 * damaged. Only `WebProgError`s, within a time limit and a memory bound; a damaged record
 * checksum is never accepted; files read back never hold more than the filesystem area.
 * Each property runs for a bounded time.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { countAllocations } from '../testing/allocations';
import { FUZZ_RUNS as RUNS } from '../testing/fuzz-budget';
import { CHUNK_LENGTH } from './fs-chunks';
import { readFilesFromData, loadMicroPythonHex } from './fs-hex';
import { fsLayout } from './fs-layout';
import { getDeviceMemInfo } from './device-memory';
import { MicroPythonFs } from './micropython-fs';

const TIME_LIMIT_MS = 5_000;

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const fs = MicroPythonFs.fromHexes([fixture('micropython-v1.1.1.hex'), fixture('micropython-v2.1.2.hex')]);
fs.write('main.py', 'from microbit import *\n' + 'display.scroll("hello")\n'.repeat(40));
fs.write(
  'data.bin',
  Uint8Array.from({ length: 900 }, (_, i) => (i * 7) & 0xff),
);
fs.write('ü.txt', 'x');
const data = fs.exportData('V2');
const layout = fsLayout(getDeviceMemInfo(data));
const areaBytes = layout.endAddress - layout.startAddress;
const hex = fs.exportIntelHex('V2');

/** Runs `read`, requiring a WebProgError if it throws, the time limit and `maxBytes` of typed arrays. */
function guarded<T>(maxBytes: number, read: () => T): T | WebProgError {
  const t0 = performance.now();
  const { result, bytes } = countAllocations(() => {
    try {
      return read();
    } catch (error) {
      if (error instanceof WebProgError) return error;
      throw error;
    }
  });
  expect(performance.now() - t0).toBeLessThan(TIME_LIMIT_MS);
  expect(bytes).toBeLessThanOrEqual(maxBytes);
  return result;
}

describe('MicroPython filesystem under fuzzing', () => {
  it('damaged chunks: only WebProgErrors, bounded, files within the area', () => {
    // Edits aimed at chunk markers, lengths and next-chunk indexes as well as anywhere.
    const edit = fc.tuple(
      fc.integer({ min: 0, max: layout.chunkCount + 8 }),
      fc.oneof(fc.constantFrom(0, 1, 2, CHUNK_LENGTH - 1), fc.integer({ min: 0, max: CHUNK_LENGTH - 1 })),
      fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0xfd, 0xfe, 0xff), fc.integer({ min: 0, max: 255 })),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const damaged = data.clone();
        for (const [chunk, offset, value] of edits) {
          const address = layout.startAddress + chunk * CHUNK_LENGTH + offset;
          if (address < layout.endAddress) damaged.write(address, Uint8Array.of(value));
        }
        const read = guarded(4 * areaBytes + 64 * 1024, () => readFilesFromData(damaged));
        if (read instanceof WebProgError) return;
        const total = [...read.files.values()].reduce((n, f) => n + f.length, 0);
        expect(total).toBeLessThanOrEqual(areaBytes);
      }),
      RUNS,
    );
  });

  it('damaged hex text: only WebProgErrors, bounded, and a bad checksum is never accepted', () => {
    const lines = hex.split('\n');
    const dataLines = lines.flatMap((l, i) => (/^:10[0-9A-F]{4}00/.test(l) ? [i] : []));
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 9, max: 40 }),
        fc.constantFrom(...'0123456789ABCDEF'.split('')),
        (pick, column, digit) => {
          const i = dataLines[pick % dataLines.length];
          fc.pre(lines[i][column] !== digit);
          const damaged = [...lines];
          damaged[i] = lines[i].slice(0, column) + digit + lines[i].slice(column + 1);
          const text = damaged.join('\n');
          const read = guarded(4 * text.length, () => loadMicroPythonHex(text));
          expect(read).toBeInstanceOf(WebProgError);
          expect((read as WebProgError).code).toBe('FORMAT_CHECKSUM');
        },
      ),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('hex text cut short or with lines dropped: only WebProgErrors, bounded', () => {
    const lines = hex.split('\n');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.boolean(), (a, b, cut) => {
        const at = a % lines.length;
        const text = cut
          ? lines.slice(0, at).join('\n')
          : [...lines.slice(0, at), ...lines.slice(at + 1 + (b % 4))].join('\n');
        const read = guarded(4 * text.length + 64 * 1024, () => MicroPythonFs.fromHex(text));
        if (read instanceof WebProgError) return;
        // Without the EOF record nothing is read; a dropped line may only lose what it held.
        expect(cut).toBe(false);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});
