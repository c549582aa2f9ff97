import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MemoryMap from 'nrf-intel-hex';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import { formatRecord } from './hex-record';
import { parseIntelHex, readIntelHex, writeIntelHex } from './intel-hex';
import { normaliseHex } from './normalise-hex';
import { thrown } from '../testing/thrown';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'latin1');

/** Ranges as [start, length] pairs. */
function ranges(data: SparseData): [number, number][] {
  return data.ranges().map((r) => [r.start, r.end - r.start]);
}

const v2 = fixture('micropython-v2.1.2.hex');
const v2Lines = v2.split('\n');

describe('parseIntelHex with the real micro:bit files', () => {
  it('reads the same bytes as nrf-intel-hex from every plain hex fixture', () => {
    const plain = [
      'micropython-v1.1.1.hex',
      'micropython-v1.0.1-appended-script.hex',
      'micropython-v2.1.2.hex',
      'micropython-v2-beta-regions-table.hex',
      'makecode-v1.hex',
    ];
    for (const name of plain) {
      const text = fixture(name);
      const expected = new SparseData();
      for (const [address, bytes] of MemoryMap.fromHex(normaliseHex(text).text))
        expected.write(address, bytes);
      expect(parseIntelHex(text).equals(expected), name).toBe(true);
    }
  });

  it('reads MicroPython V2 2.1.2: SoftDevice, MicroPython, regions table, bootloader, UICR', () => {
    const data = parseIntelHex(v2);
    expect(ranges(data)).toEqual([
      [0x0, 2816],
      [0x1000, 107520],
      [0x1c000, 0x4ba4c],
      [0x67fc0, 64],
      [0x77000, 25580],
      [0x7e000, 4899],
      [0x10001014, 8],
    ]);
    // Flash Regions Table header at the end of page 0x67000.
    expect([...data.read(0x67ff0, 16)]).toEqual([
      0xfe, 0x30, 0x7f, 0x59, 0x01, 0x00, 0x30, 0x00, 0x03, 0x00, 0x0c, 0x00, 0x9d, 0xd7, 0xb1, 0xc1,
    ]);
  });

  it('reads the V2 beta hex with its regions table', () => {
    expect(ranges(parseIntelHex(fixture('micropython-v2-beta-regions-table.hex')))).toEqual([
      [0x0, 2816],
      [0x1000, 107520],
      [0x1c000, 286500],
      [0x61fc0, 64],
      [0x77000, 24424],
      [0x7e000, 4899],
      [0x10001014, 8],
    ]);
  });

  it('reads MicroPython V1 1.1.1 with its UICR layout table', () => {
    const data = parseIntelHex(fixture('micropython-v1.1.1.hex'));
    expect(ranges(data)).toEqual([
      [0x0, 231124],
      [0x100010c0, 28],
    ]);
    expect([...data.read(0x100010c0, 4)]).toEqual([0x7c, 0xb0, 0xee, 0x17]);
    expect(data.bounds()?.start).toBe(0);
    expect(231124).toBeLessThan(0x38800); // runtime ends before the filesystem
  });

  it('reads the V1.0.1 hex with an appended script ("MP" at 0x3E000)', () => {
    const data = parseIntelHex(fixture('micropython-v1.0.1-appended-script.hex'));
    expect(ranges(data)).toEqual([
      [0x0, 231608],
      [0x3e000, 48],
      [0x100010c0, 28],
    ]);
    expect(String.fromCharCode(...data.read(0x3e000, 2))).toBe('MP');
  });

  it('reads the MakeCode V1 hex (CRLF, project after EOF) with a warning naming the line', () => {
    const { data, warnings } = readIntelHex(fixture('makecode-v1.hex'), 'makecode-v1.hex');
    expect(ranges(data)).toEqual([
      [0x0, 1984],
      [0x1000, 88344],
      [0x18000, 119104],
      [0x3c000, 14452],
      [0x3fc00, 32],
      [0x10001014, 4],
    ]);
    expect(warnings).toEqual(['text after the EOF record was ignored (line 14006)']);
  });

  it('gives FORMAT_INVALID at line 1 for text that is not a hex file', () => {
    const error = thrown(() => parseIntelHex(fixture('not-a-hex.hex'), 'not-a-hex.hex'));
    expect(error.code).toBe('FORMAT_INVALID');
    expect(error.line).toBe(1);
    expect(error.file).toBe('not-a-hex.hex');
    expect(error.message).toMatch(/^Line 1: expected a record starting with ':'/);
  });

  it('reads the same data from CRLF, BOM, blank lines and trailing spaces', () => {
    const messy = '\uFEFF\r\n' + v2Lines.map((l) => l + '  ').join('\r\n') + '\r\n\r\n';
    expect(parseIntelHex(messy).equals(parseIntelHex(v2))).toBe(true);
  });
});

describe('parseIntelHex errors on corrupted copies of the V2 hex', () => {
  const corrupt = (edit: (lines: string[]) => void): string => {
    const lines = [...v2Lines];
    edit(lines);
    return lines.join('\n');
  };

  it('names the line and both checksums for a bad checksum', () => {
    const text = corrupt((l) => {
      const good = parseInt(l[41].slice(-2), 16);
      l[41] = l[41].slice(0, -2) + ((good + 1) & 0xff).toString(16).toUpperCase().padStart(2, '0');
    });
    const error = thrown(() => parseIntelHex(text));
    expect(error.code).toBe('FORMAT_CHECKSUM');
    expect(error.line).toBe(42);
    const good = v2Lines[41].slice(-2);
    const bad = ((parseInt(good, 16) + 1) & 0xff).toString(16).toUpperCase().padStart(2, '0');
    expect(error.message).toBe(`Line 42: checksum 0x${bad} does not match the record (expected 0x${good}).`);
  });

  it('reports a truncated line', () => {
    const error = thrown(() => parseIntelHex(corrupt((l) => (l[99] = l[99].slice(0, 25)))));
    expect(error.code).toBe('FORMAT_INVALID');
    expect(error.line).toBe(100);
    expect(error.message).toMatch(/^Line 100: /);
  });

  it('reports overlapping records with both lines', () => {
    const error = thrown(() => parseIntelHex(corrupt((l) => l.splice(30, 0, l[10]))));
    expect(error.code).toBe('FORMAT_OVERLAP');
    expect(error.line).toBe(31);
    expect(error.message).toMatch(/^Line 31: data at 0x[0-9A-F]{8} overlaps data from line 11\.$/);
  });

  it('reports a record that runs past 4 GiB', () => {
    const past = [formatRecord(4, 0, [0xff, 0xff]), formatRecord(0, 0xfff8, new Uint8Array(16))];
    const text = corrupt((l) => l.splice(l.length - 2, 0, ...past));
    const error = thrown(() => parseIntelHex(text));
    expect(error.code).toBe('FORMAT_RANGE');
    expect(error.line).toBe(v2Lines.length); // the inserted data record
    expect(error.address).toBe(0xfffffff8);
    expect(error.message).toMatch(/past the end of the 4 GiB address space/);
  });

  it('counts lines of the original text after normalisation (BOM, CRLF, blank lines)', () => {
    const lines = [...v2Lines];
    lines[41] = lines[41].slice(0, -2) + '00';
    const text = '\uFEFF\r\n\r\n' + lines.join('\r\n');
    const error = thrown(() => parseIntelHex(text));
    expect(error.code).toBe('FORMAT_CHECKSUM');
    expect(error.line).toBe(44);
  });

  it('reports a file cut short (no end-of-file record) at its last line', () => {
    const error = thrown(() => parseIntelHex(v2Lines.slice(0, 500).join('\n')));
    expect(error.code).toBe('FORMAT_INVALID');
    expect(error.line).toBe(500);
    expect(error.message).toMatch(/without an end-of-file record/);
  });

  it('points at a Universal Hex record type', () => {
    const error = thrown(() => parseIntelHex(fixture('universal-sections-9901-9903.hex')));
    expect(error.code).toBe('FORMAT_UNSUPPORTED');
    expect(error.line).toBe(2);
  });

  it('reports an empty file', () => {
    const error = thrown(() => parseIntelHex('\n\n'));
    expect([error.code, error.line]).toEqual(['FORMAT_INVALID', 1]);
  });
});

describe('addresses at and above 2 GiB (where nrf-intel-hex fails)', () => {
  it('reads data at 0x90000000 and at the very top of the address space', () => {
    const data = SparseData.from([
      { address: 0x9000_0000, data: Uint8Array.of(1, 2, 3) },
      { address: 0xffff_fff0, data: new Uint8Array(16).fill(7) },
    ]);
    const text = writeIntelHex(data);
    expect(text).toContain(':02000004FFFFFC');
    expect(parseIntelHex(text).equals(data)).toBe(true);
  });
});

describe('writeIntelHex', () => {
  const data = parseIntelHex(v2);

  it('writes 16-byte records that read back to the same data', () => {
    const text = writeIntelHex(data);
    expect(text.startsWith(':020000040000FA\n')).toBe(true);
    expect(text.endsWith('\n:00000001FF\n')).toBe(true);
    expect(text.split('\n').some((l) => l.length > 43)).toBe(false);
    expect(parseIntelHex(text).equals(data)).toBe(true);
  });

  it('writes 32-byte records on request', () => {
    const text = writeIntelHex(data, { recordSize: 32 });
    expect(text.split('\n').filter((l) => l.startsWith(':20')).length).toBeGreaterThan(10000);
    expect(parseIntelHex(text).equals(data)).toBe(true);
  });

  it('writes an empty image as just the end-of-file record', () => {
    expect(writeIntelHex(new SparseData())).toBe(':00000001FF\n');
  });

  it('writes the records nrf-intel-hex writes, for both MicroPython images and unaligned blocks', () => {
    const odd = new SparseData();
    odd.write(
      0x0000_fff3,
      Uint8Array.from({ length: 0x40 }, (_, i) => i),
    ); // crosses 64 KiB
    odd.write(0x2000_0001, Uint8Array.of(1, 2, 3));
    for (const image of [data, parseIntelHex(fixture('micropython-v1.1.1.hex')), odd]) {
      const map = new MemoryMap();
      for (const s of image.segments()) map.set(s.address, s.data);
      for (const recordSize of [16, 32] as const) {
        expect(writeIntelHex(image, { recordSize })).toBe(map.asHexString(recordSize) + '\n');
      }
    }
  });
});
