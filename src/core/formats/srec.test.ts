import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import { thrown } from '../testing/thrown';
import { detectFormat } from './detect';
import { loadFile, saveFile } from './load-save';
import { looksLikeSrec, readSrec, writeSrec } from './srec';

/** The example from the srec_motorola(5) page / Wikipedia's "SREC (file format)" article. */
const EXAMPLE = [
  'S00F000068656C6C6F202020202000003C',
  'S11F00007C0802A6900100049421FFF07C6C1B787C8C23783C6000003863000026',
  'S11F001C4BFFFFE5398000007D83637880010014382100107C0803A64E800020E9',
  'S111003848656C6C6F20776F726C642E0A0042',
  'S5030003F9',
  'S9030000FC',
].join('\n');

describe('readSrec', () => {
  it('reads the reference example: header, three S1 records, count and start address', () => {
    const { data, header, entry, warnings } = readSrec(EXAMPLE);
    expect(header).toBe('hello     ');
    expect(entry).toBe(0);
    expect(warnings).toEqual([]);
    expect(data.ranges()).toEqual([{ start: 0, end: 0x46 }]);
    expect(new TextDecoder().decode(data.read(0x38, 13))).toBe('Hello world.\n');
    expect([...data.read(0, 4)]).toEqual([0x7c, 0x08, 0x02, 0xa6]);
  });

  it('reads S2/S8 and S3/S7 records with 24- and 32-bit addresses, in any case and line breaks', () => {
    const data = SparseData.from([
      { address: 0x123456, data: Uint8Array.of(1, 2, 3) },
      { address: 0xfffffff0, data: Uint8Array.of(9) },
    ]);
    const text = writeSrec(data, { entry: 0x08000101 }).toLowerCase().replaceAll('\n', '\r\n');
    const read = readSrec(text);
    expect(read.data.equals(data)).toBe(true);
    expect(read.entry).toBe(0x08000101);
  });

  it('names the line and the reason of every malformed record', () => {
    const lines = EXAMPLE.split('\n');
    const withLine = (index: number, text: string) =>
      lines.map((line, i) => (i === index ? text : line)).join('\n');
    const cases: [string, string, string, number][] = [
      [withLine(2, lines[2].slice(0, -4) + '21E9'), 'FORMAT_CHECKSUM', 'checksum 0xE9', 3],
      [withLine(1, lines[1].slice(0, -2)), 'FORMAT_INVALID', 'cut short', 2],
      [withLine(1, 'S4030000FC'), 'FORMAT_INVALID', 'not an S-record type', 2],
      [withLine(3, 'S111003848656C6C6F20776F726C642E0A00Z2'), 'FORMAT_INVALID', '"Z" at column 37', 4],
      [withLine(1, ':10000000'), 'FORMAT_INVALID', "starting with 'S'", 2],
      [lines.slice(0, 3).join('\n') + '\nS5030003F9\nS9030000FC', 'FORMAT_INVALID', 'there are 2', 4],
      [withLine(4, 'S5040003AA4E'), 'FORMAT_INVALID', 'carries no data', 5],
      [withLine(1, 'S10200FD'), 'FORMAT_INVALID', 'at least 3 bytes', 2],
    ];
    for (const [text, code, reason, line] of cases) {
      const error = thrown(() => readSrec(text, 'bad.s19'));
      expect(error.code, reason).toBe(code);
      expect(error.message, reason).toContain(reason);
      expect(error.message, reason).toMatch(new RegExp(`^Line ${line}:`));
      expect(error.line, reason).toBe(line);
      expect(error.file, reason).toBe('bad.s19');
    }
  });

  it('refuses data given twice and data running past 4 GiB, naming the address', () => {
    const twice = writeSrec(SparseData.from([{ address: 0x100, data: new Uint8Array(8) }])).split('\n');
    const overlap = thrown(() => readSrec([twice[0], twice[0], 'S9030000FC'].join('\n')));
    expect(overlap.code).toBe('FORMAT_OVERLAP');
    expect(overlap.address).toBe(0x100);
    const s3 = 'S309FFFFFFFE01020304' + '00';
    const sum = [0x09, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4].reduce((a, b) => a + b, 0);
    const past = thrown(() =>
      readSrec(s3.slice(0, -2) + (~sum & 0xff).toString(16).padStart(2, '0') + '\nS70500000000FA'),
    );
    expect(past.code).toBe('FORMAT_RANGE');
  });

  it('warns when the file ends with neither a count nor a termination record', () => {
    const lines = EXAMPLE.split('\n');
    expect(readSrec(lines.slice(0, 5).join('\n')).warnings).toEqual([]);
    const cut = readSrec(lines.slice(0, 3).join('\n'));
    expect(cut.warnings).toEqual([expect.stringContaining('may be cut short') as string]);
    expect(cut.entry).toBeUndefined();
  });

  it('warns about text after the termination record', () => {
    expect(readSrec(EXAMPLE + '\nS9030000FC').warnings[0]).toContain('line 7');
  });
});

describe('writeSrec', () => {
  it('writes the narrowest address width, a count record and the entry', () => {
    const small = writeSrec(SparseData.from([{ address: 0x10, data: Uint8Array.of(0xaa) }]), { entry: 0x10 });
    expect(small.split('\n')).toEqual(['S1040010AA41', 'S5030001FB', 'S9030010EC', '']);
    expect(writeSrec(SparseData.from([{ address: 0x10000, data: Uint8Array.of(1) }]))).toMatch(
      /^S2.*\nS5.*\nS8/,
    );
    expect(writeSrec(SparseData.from([{ address: 0x1000000, data: Uint8Array.of(1) }]))).toMatch(
      /^S3.*\nS5.*\nS7/,
    );
  });

  it('writes the header record and rejects sizes that do not fit a record', () => {
    expect(writeSrec(new SparseData(), { header: 'hello     ' })).toMatch(/^S00D000068656C6C6F2020202020/);
    expect(thrown(() => writeSrec(new SparseData(), { recordSize: 0 })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => writeSrec(new SparseData(), { recordSize: 253 })).code).toBe('INVALID_ARGUMENT');
    const high = SparseData.from([{ address: 0x20000, data: Uint8Array.of(1) }]);
    expect(thrown(() => writeSrec(high, { addressBits: 16 })).code).toBe('FORMAT_RANGE');
  });

  it('round-trips random sparse images at every address width', () => {
    const segment = fc
      .tuple(fc.integer({ min: 0, max: 0xffff_ff00 }), fc.uint8Array({ minLength: 1, maxLength: 600 }))
      .map(([address, data]) => ({ address, data }));
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 6 }),
        fc.integer({ min: 1, max: 250 }),
        (segments, recordSize) => {
          const data = SparseData.from(segments);
          const back = readSrec(writeSrec(data, { recordSize, addressBits: 32 }));
          expect(back.data.equals(data)).toBe(true);
          const natural = readSrec(writeSrec(data));
          expect(natural.data.equals(data)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('S-records among the other formats', () => {
  it('is detected by content and by extension, and opened and saved through loadFile/saveFile', () => {
    expect(looksLikeSrec('\uFEFFS00F0000')).toBe(true);
    expect(detectFormat('fw.txt', new TextEncoder().encode(EXAMPLE))).toBe('srec');
    expect(detectFormat('broken.s19', new TextEncoder().encode('garbage'))).toBe('srec');
    expect(detectFormat('broken.mot', new Uint8Array(0))).toBe('srec');
    const file = loadFile('hello.s19', new TextEncoder().encode(EXAMPLE));
    expect(file.format).toBe('srec');
    expect(file.entry).toBe(0);
    const saved = saveFile(file.data, 'srec', { header: 'hello', entry: 0x20 });
    const again = loadFile('again.srec', saved);
    expect(again.data.equals(file.data)).toBe(true);
    expect(again.entry).toBe(0x20);
  });

  it('a malformed file opened by name carries the file and line', () => {
    const error = thrown(() => loadFile('cut.s28', new TextEncoder().encode('S00600004844521B\nS2')));
    expect(error.file).toBe('cut.s28');
    expect(error.line).toBe(2);
  });
});
