import { describe, expect, it } from 'vitest';
import { SparseData } from '../../core/memory/sparse-data';
import { asciiChar, buildRows } from './rows';

const data = SparseData.from([{ address: 0x1004, data: new TextEncoder().encode('Hello, hex view!') }]);

describe('buildRows', () => {
  it('shows data bytes, gaps as dimmed fill, and ASCII', () => {
    const [row] = buildRows({ data, start: 0x1000, end: 0x2000, fill: 0xff, cursor: 0x1000 }, 0, 1);
    expect(row.address).toBe(0x1000);
    expect(row.cells.map((c) => c.hex).join(' ')).toBe('FF FF FF FF 48 65 6C 6C 6F 2C 20 68 65 78 20 76');
    expect(row.cells.map((c) => c.char).join('')).toBe('....Hello, hex v');
    expect(row.cells.map((c) => (c.gap ? 1 : 0)).join('')).toBe('1111000000000000');
    expect(row.cells[0].cursor).toBe(true);
    expect(row.label).toBe(
      '0x00001000: FF FF FF FF 48 65 6C 6C 6F 2C 20 68 65 78 20 76, text ....Hello, hex v',
    );
  });

  it('builds only the rows asked for, even deep in a 4 GiB range', () => {
    const far = SparseData.from([{ address: 0xffff_fff0, data: new Uint8Array(16).fill(0x5a) }]);
    const rows = buildRows({ data: far, start: 0, end: 2 ** 32, fill: 0xff, cursor: 0 }, 2 ** 28 - 2, 40);
    expect(rows.map((r) => r.address)).toEqual([0xffff_ffe0, 0xffff_fff0]);
    expect(rows[0].label).toMatch(/\(no data\)$/);
    expect(rows[1].cells.every((c) => c.hex === '5A' && !c.gap)).toBe(true);
  });

  it('blanks the cells past the end of a range that is not a multiple of 16', () => {
    const rows = buildRows({ data, start: 0x1000, end: 0x1008, fill: 0xff, cursor: 0 }, 0, 4);
    expect(rows.length).toBe(1);
    expect(rows[0].cells.filter((c) => c.outside).length).toBe(8);
    expect(rows[0].cells[8].hex).toBe('  ');
  });

  it('marks differences, highlighted bytes and search matches', () => {
    const other = data.clone();
    other.write(0x1005, new Uint8Array([0x45]));
    const [row] = buildRows(
      {
        data,
        other,
        start: 0x1000,
        end: 0x1010,
        fill: 0xff,
        cursor: -1,
        mark: { start: 0x100e, end: 0x1010 },
        matches: { addresses: [0x0ffe, 0x100a], length: 3 },
      },
      0,
      1,
    );
    const flags = (key: 'diff' | 'mark' | 'match') => row.cells.map((c) => (c[key] ? 1 : 0)).join('');
    expect(flags('diff')).toBe('0000010000000000');
    expect(flags('mark')).toBe('0000000000000011');
    expect(flags('match')).toBe('1000000000111000');
  });

  it('prints only printable ASCII', () => {
    expect([0x00, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0xff].map(asciiChar).join('')).toBe('.. A~..');
  });
});
