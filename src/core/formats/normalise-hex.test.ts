import { describe, expect, it } from 'vitest';
import { isCleanHex, normaliseHex } from './normalise-hex';

const clean = ':020000040000FA\n:0400000001020304F2\n:00000001FF\n';

describe('normaliseHex', () => {
  it('returns clean text unchanged (same string, no warnings)', () => {
    expect(isCleanHex(clean)).toBe(true);
    expect(isCleanHex(clean.trimEnd())).toBe(true);
    const result = normaliseHex(clean);
    expect(result.text).toBe(clean);
    expect(result.warnings).toEqual([]);
  });

  it('strips a BOM, blank lines, white space and CRLF', () => {
    const messy = '\uFEFF\r\n  :020000040000FA \r\n\r\n\t:0400000001020304F2\r\n:00000001FF\r\n\r\n';
    expect(isCleanHex(messy)).toBe(false);
    expect(normaliseHex(messy)).toEqual({ text: clean, warnings: [] });
  });

  it('cuts after the first EOF record (either case) and names the first ignored line', () => {
    const text = ':0400000001020304F2\n:00000001ff\n\n:00000001FF\nproject data\n';
    expect(normaliseHex(text)).toEqual({
      text: ':0400000001020304F2\n:00000001ff\n',
      warnings: ['text after the EOF record was ignored (line 4)'],
    });
  });

  it("drops the legacy editors' line of colons", () => {
    const legacy =
      ':020000040000FA\n:::::::::::::::::::::::::::::::::::::::::::\n:0400000001020304F2\n:00000001FF\n';
    expect(isCleanHex(legacy)).toBe(false);
    expect(normaliseHex(legacy).text).toBe(clean);
  });

  it('leaves a file without EOF record for the parser to report', () => {
    expect(normaliseHex(':0400000001020304F2').text).toBe(':0400000001020304F2\n');
    expect(isCleanHex('')).toBe(false);
  });
});
