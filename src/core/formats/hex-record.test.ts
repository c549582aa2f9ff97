import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import {
  changeRecordType,
  decodeRecord,
  formatRecord,
  numberedLines,
  peekRecordType,
  recordScratch,
} from './hex-record';

function error(text: string): WebProgError {
  try {
    decodeRecord(text, { line: 7, file: 'f.hex' }, recordScratch());
  } catch (e) {
    return e as WebProgError;
  }
  throw new Error('expected an error');
}

describe('hex records', () => {
  it('formats and decodes a record', () => {
    const text = formatRecord(0x00, 0x1234, Uint8Array.of(0xde, 0xad));
    expect(text).toBe(':02123400DEAD2D');
    const record = decodeRecord(text, { line: 1 }, recordScratch());
    expect([record.type, record.offset, [...record.data]]).toEqual([0, 0x1234, [0xde, 0xad]]);
    expect(formatRecord(1, 0, [])).toBe(':00000001FF');
    expect(formatRecord(4, 0, [0x00, 0x01])).toBe(':020000040001F9');
  });

  it('accepts lower case digits', () => {
    expect(decodeRecord(':020000040001f9', { line: 1 }, recordScratch()).data[1]).toBe(1);
  });

  it('names line, file and reason of each problem', () => {
    expect(error(':020000040001F8').message).toBe(
      'Line 7: checksum 0xF8 does not match the record (expected 0xF9).',
    );
    expect(error(':020000040001F8').code).toBe('FORMAT_CHECKSUM');
    expect(error(':02000004').message).toMatch(/too short/);
    expect(error(':0200000400017').message).toMatch(/odd number/);
    expect(error(':0400000400017A').message).toMatch(
      /says it holds 4 data bytes but has 2 \(line cut short\?\)/,
    );
    expect(error(':02000004000G01F9').message).toMatch(/"G" at column 13/);
    expect(error('hello').file).toBe('f.hex');
    expect(error('hello').line).toBe(7);
  });

  it('changes a record type and fixes the checksum', () => {
    const custom = changeRecordType(':0400000001020304F2', 0x00, 0x0d);
    expect(custom).toBe(formatRecord(0x0d, 0, [1, 2, 3, 4]));
    expect(peekRecordType(custom)).toBe(0x0d);
    expect(peekRecordType('x')).toBe(-1);
  });

  it('numbers non-blank lines of any line break style', () => {
    expect(numberedLines('\uFEFFa\r\n\r\n b \rc\n\n')).toEqual([
      { text: 'a', line: 1 },
      { text: 'b', line: 3 },
      { text: 'c', line: 4 },
    ]);
  });
});
