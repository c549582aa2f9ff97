import { describe, expect, it } from 'vitest';
import { SparseData } from '../core/memory/sparse-data';
import { findAll, parsePattern } from './byte-search';

const text = (s: string) => new TextEncoder().encode(s);

describe('parsePattern', () => {
  it('reads hex in the usual spellings', () => {
    const want = [0xde, 0xad, 0xbe, 0xef];
    expect([...(parsePattern('de ad be ef', 'hex') as Uint8Array)]).toEqual(want);
    expect([...(parsePattern('DEADBEEF', 'hex') as Uint8Array)]).toEqual(want);
    expect([...(parsePattern('0xDE, 0xAD,0xBE 0xEF', 'hex') as Uint8Array)]).toEqual(want);
  });

  it('explains what is wrong with a query', () => {
    expect(parsePattern('', 'hex')).toMatch(/Type the bytes/);
    expect(parsePattern('de a', 'hex')).toMatch(/two hex digits/);
    expect(parsePattern('xyz', 'hex')).toMatch(/not a hex byte sequence/);
    expect(parsePattern('', 'text')).toMatch(/Type the text/);
  });

  it('encodes text as UTF-8', () => {
    expect([...(parsePattern('µPy', 'text') as Uint8Array)]).toEqual([0xc2, 0xb5, 0x50, 0x79]);
  });
});

describe('findAll', () => {
  const data = SparseData.from([
    { address: 0x1000, data: text('xxMicroPython yyMicroPython') },
    { address: 0x9000_0000, data: text('MicroPython') },
  ]);

  it('finds every match inside the range, in address order', () => {
    const all = findAll(data, 0, 2 ** 32, text('MicroPython'));
    expect(all).toEqual({ addresses: [0x1002, 0x1010, 0x9000_0000], truncated: false });
    expect(findAll(data, 0x1003, 0x2000, text('MicroPython')).addresses).toEqual([0x1010]);
  });

  it('does not match across the end of the range or in gaps', () => {
    expect(findAll(data, 0x1000, 0x1012, text('MicroPython')).addresses).toEqual([0x1002]);
    expect(findAll(data, 0, 0x1000, new Uint8Array([0xff])).addresses).toEqual([]);
  });

  it('counts overlapping matches and stops at the limit', () => {
    const aaa = SparseData.from([{ address: 0, data: new Uint8Array(10).fill(0xaa) }]);
    expect(findAll(aaa, 0, 10, new Uint8Array([0xaa, 0xaa])).addresses.length).toBe(9);
    expect(findAll(aaa, 0, 10, new Uint8Array([0xaa]), 4)).toEqual({
      addresses: [0, 1, 2, 3],
      truncated: true,
    });
  });
});
