/**
 * Issue 14 item 6: tiny files that used to need huge memory or quadratic time. Memory is the
 * typed-array bytes a read allocates (an upper bound of what it holds at its peak); time is
 * wall-clock with a limit far above what the reader needs (tens of milliseconds) and far
 * below what the quadratic placement took (seconds), so it holds on a busy machine.
 */
import { describe, expect, it } from 'vitest';
import { countAllocations } from '../testing/allocations';
import {
  oneByteElf,
  oneByteHex,
  oneByteSrec,
  oneByteUf2,
  oneByteUniversalHex,
} from '../testing/pathological-files';
import { thrown } from '../testing/thrown';
import { parseElf } from './elf';
import { parseIntelHex } from './intel-hex';
import { readSrec } from './srec';
import { readUf2 } from './uf2';
import { readUniversalHex } from './universal-hex';
import { END_OF_FILE_RECORD, RecordType, formatRecord } from './hex-record';
import type { SparseData } from '../memory';

const HEX_RECORDS = 75_000;
const ELF_HEADERS = 65_534;
const TIME_LIMIT_MS = 5_000;

function timed<T>(fn: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = fn();
  return { result, ms: performance.now() - t0 };
}

function expectOneByteRuns(data: SparseData, count: number, spacing: number): void {
  const segments = data.segments();
  expect(segments.length).toBe(count);
  for (const i of [0, 1, count >> 1, count - 1]) {
    expect(segments[i].address).toBe(i * spacing);
    expect([...segments[i].data]).toEqual([i & 0xff]);
  }
}

describe('readers on files of many one-byte records', () => {
  it('a 1 MB hex of 75,000 one-byte records 2 bytes apart allocates at most 4× its size', () => {
    for (const order of ['ascending', 'descending'] as const) {
      const text = oneByteHex(HEX_RECORDS, 2, order);
      const { result, bytes } = countAllocations(() => parseIntelHex(text));
      expectOneByteRuns(result, HEX_RECORDS, 2);
      expect(bytes).toBeLessThan(4 * text.length);
    }
  });

  it('a 2 MB ELF of 65,534 one-byte PT_LOAD segments allocates at most 4× its size', () => {
    for (const order of ['ascending', 'descending'] as const) {
      const elf = oneByteElf(ELF_HEADERS, 2, order);
      const { result, bytes } = countAllocations(() => parseElf(elf));
      expectOneByteRuns(result.data, ELF_HEADERS, 2);
      expect(bytes).toBeLessThan(4 * elf.length);
    }
  });

  it('UF2 and Universal Hex files of one-byte records stay within 4× their size', () => {
    const uf2 = oneByteUf2(20_000, 2, 'descending');
    const read = countAllocations(() => readUf2(uf2));
    expectOneByteRuns(read.result.data, 20_000, 2);
    expect(read.bytes).toBeLessThan(4 * uf2.length);
    const universal = oneByteUniversalHex(HEX_RECORDS, 2, 'descending');
    const split = countAllocations(() => readUniversalHex(universal));
    expectOneByteRuns(split.result.boards[0].data, HEX_RECORDS, 2);
    expect(split.bytes).toBeLessThan(4 * universal.length);
  });

  it('an S-record file of 62,000 one-byte records allocates at most 4× its size', () => {
    for (const order of ['ascending', 'descending'] as const) {
      const text = oneByteSrec(62_000, 2, order);
      const { result, bytes } = countAllocations(() => readSrec(text));
      expectOneByteRuns(result.data, 62_000, 2);
      expect(bytes).toBeLessThan(4 * text.length);
    }
  });

  it('records in descending address order are placed without quadratic work', () => {
    const hex = oneByteHex(2 * HEX_RECORDS, 2, 'descending');
    const hexRead = timed(() => parseIntelHex(hex));
    expectOneByteRuns(hexRead.result, 2 * HEX_RECORDS, 2);
    const elf = oneByteElf(ELF_HEADERS, 2, 'descending');
    const elfRead = timed(() => parseElf(elf));
    expectOneByteRuns(elfRead.result.data, ELF_HEADERS, 2);
    expect(hexRead.ms).toBeLessThan(TIME_LIMIT_MS);
    expect(elfRead.ms).toBeLessThan(TIME_LIMIT_MS);
  });

  it('an ELF whose segments read the same file bytes again is refused, not expanded', () => {
    const elf = oneByteElf(1000, 2, 'ascending');
    const view = new DataView(elf.buffer);
    for (let i = 0; i < 1000; i++) {
      view.setUint32(52 + i * 32 + 4, 0, true); // every segment reads the file from byte 0…
      view.setUint32(52 + i * 32 + 16, 1024, true); // …1 KiB of it
      view.setUint32(52 + i * 32 + 12, i * 1024, true);
    }
    const error = thrown(() => parseElf(elf));
    expect(error.code).toBe('FORMAT_INVALID');
    expect(error.message).toMatch(/read the same file bytes more than once/);
  });

  it('a Universal Hex naming thousands of boards is refused rather than given buffers for each', () => {
    const lines = [formatRecord(RecordType.extendedLinearAddress, 0, [0, 0])];
    for (let id = 0; id < 5000; id++) {
      lines.push(formatRecord(RecordType.blockStart, 0, [id >> 8, id & 0xff, 0xc0, 0xde]));
      lines.push(formatRecord(RecordType.customData, id * 2, [id & 0xff]));
    }
    lines.push(END_OF_FILE_RECORD);
    const error = thrown(() => readUniversalHex(lines.join('\n')));
    expect([error.code, error.line]).toEqual(['FORMAT_UNSUPPORTED', 66]);
    expect(error.message).toMatch(/more than 32 boards/);
  });
});
