import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { formatRecord } from './hex-record';
import { parseIntelHexStrict } from './intel-hex-strict';

const hex = (...records: string[]): string => [...records, ':00000001FF', ''].join('\n');

function error(text: string): WebProgError {
  try {
    parseIntelHexStrict(text, 'f.hex');
  } catch (e) {
    return e as WebProgError;
  }
  throw new Error('expected an error');
}

describe('parseIntelHexStrict', () => {
  it('applies segment and linear address records and ignores start records', () => {
    const { data, warnings } = parseIntelHexStrict(
      hex(
        formatRecord(2, 0, [0x10, 0x00]), // segment 0x1000 → base 0x10000
        formatRecord(0, 0x0010, [1, 2]),
        formatRecord(3, 0, [0, 0, 0, 0]),
        formatRecord(4, 0, [0x08, 0x00]),
        formatRecord(0, 0x0000, [3]),
        formatRecord(5, 0, [0x08, 0, 0, 0x41]),
      ),
    );
    expect(data.ranges()).toEqual([
      { start: 0x10010, end: 0x10012 },
      { start: 0x0800_0000, end: 0x0800_0001 },
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads records in any order', () => {
    const { data } = parseIntelHexStrict(hex(formatRecord(0, 0x10, [3, 4]), formatRecord(0, 0x0e, [1, 2])));
    expect([...data.read(0x0e, 4)]).toEqual([1, 2, 3, 4]);
  });

  it('names the line for records of the wrong size or type', () => {
    const badAddress = error(hex(formatRecord(0, 0, [1]), formatRecord(4, 0, [0x08])));
    expect([badAddress.code, badAddress.line, badAddress.file]).toEqual(['FORMAT_INVALID', 2, 'f.hex']);
    expect(badAddress.message).toBe('Line 2: a record of type 0x04 must hold 2 data bytes, not 1.');
    const unknown = error(hex(formatRecord(0x07, 0, [])));
    expect([unknown.code, unknown.message]).toEqual(['FORMAT_INVALID', 'Line 1: unknown record type 0x07.']);
    const eof = error(formatRecord(1, 0, [1]));
    expect([eof.code, eof.line]).toEqual(['FORMAT_INVALID', 1]);
  });

  it('refuses data that crosses a 64 KiB window', () => {
    const crossing = error(hex(formatRecord(0, 0xfffc, [1, 2, 3, 4, 5, 6])));
    expect([crossing.code, crossing.line, crossing.address]).toEqual(['FORMAT_RANGE', 1, 0xfffc]);
    expect(crossing.message).toMatch(/cross a 64 KiB boundary/);
  });

  it('names the earlier line of overlapping data', () => {
    const overlap = error(
      hex(formatRecord(0, 0x00, [1, 2, 3, 4]), formatRecord(0, 0x10, [1]), formatRecord(0, 0x02, [9, 9, 9])),
    );
    expect([overlap.code, overlap.line, overlap.address]).toEqual(['FORMAT_OVERLAP', 3, 2]);
    expect(overlap.message).toBe('Line 3: data at 0x00000002 overlaps data from line 1.');
  });
});
