import { describe, expect, it } from 'vitest';
import { WebProgError } from '../errors';
import { MemoryImage } from './memory-image';
import { flashRegion, regionBlocks } from './region';
import { SparseData } from './sparse-data';

function image() {
  return new MemoryImage([
    flashRegion('Code Flash', 0, 0x1000, 0x400),
    flashRegion('UICR', 0x1000_1000, 0x100, 0x100),
  ]);
}

describe('MemoryImage', () => {
  it('reads and writes by absolute address and by region offset', () => {
    const m = image();
    m.writeAt(0x10, new Uint8Array([1, 2]));
    m.writeRegion('UICR', 0x14, new Uint8Array([0xaa]));
    expect([...m.readRegion('Code Flash', 0x10, 3)]).toEqual([1, 2, 0xff]);
    expect([...m.readAt(0x1000_1014, 1)]).toEqual([0xaa]);
    expect(m.regionAt(0x1000_1014)?.name).toBe('UICR');
  });

  it('refuses access outside its regions with the address', () => {
    const m = image();
    const error = (() => {
      try {
        m.writeAt(0x0ffe, new Uint8Array(4));
      } catch (e) {
        return e as WebProgError;
      }
    })();
    expect(error?.code).toBe('ADDRESS_OUT_OF_RANGE');
    expect(error?.address).toBe(0x0ffe);
    expect(() => m.readRegion('Code Flash', 0xfff, 2)).toThrow(/outside region "Code Flash"/);
    expect(() => m.region('RAM')).toThrow(/No region named "RAM"/);
  });

  it('loads sparse data all or nothing', () => {
    const m = image();
    const bad = SparseData.from([
      { address: 0, data: new Uint8Array([1]) },
      { address: 0x5000, data: new Uint8Array([2]) },
    ]);
    expect(() => m.load(bad)).toThrow(/0x00005000/);
    expect(m.data.isEmpty).toBe(true);
    m.load(SparseData.from([{ address: 0x1000_1000, data: new Uint8Array([7]) }]));
    expect(m.regionData('UICR').byteCount).toBe(1);
  });

  it('rejects overlapping or duplicate regions', () => {
    const m = image();
    expect(() => m.addRegion(flashRegion('Other', 0x800, 0x1000, 0x400))).toThrow(/overlaps "Code Flash"/);
    expect(() => m.addRegion(flashRegion('UICR', 0x2000_0000, 4, 4))).toThrow(/already exists/);
  });

  it('diffs two images region by region, gaps as fill', () => {
    const a = image();
    const b = image();
    a.writeAt(0x100, new Uint8Array([1, 2, 3, 4]));
    b.writeAt(0x100, new Uint8Array([1, 9, 9, 4]));
    b.writeAt(0x200, new Uint8Array([0xff, 0x00]));
    expect(a.diff(b)).toEqual([
      {
        region: 'Code Flash',
        ranges: [
          { start: 0x101, end: 0x103 },
          { start: 0x201, end: 0x202 },
        ],
        byteCount: 3,
      },
    ]);
    expect(a.diff(a.clone())).toEqual([]);
  });

  it('fills and clears', () => {
    const m = image();
    m.fill(0, 8, 0);
    expect(m.data.byteCount).toBe(8);
    m.clear('Code Flash');
    expect(m.data.isEmpty).toBe(true);
  });

  it('lists erase blocks, mixed sizes where given', () => {
    expect(regionBlocks(flashRegion('F', 0, 0x1000, 0x400)).length).toBe(4);
    const mixed = flashRegion('F', 0x0800_0000, 0x8000, 0x4000, 4, {
      blocks: [
        { address: 0x0800_0000, size: 0x2000 },
        { address: 0x0800_2000, size: 0x6000 },
      ],
    });
    expect(regionBlocks(mixed).map((b) => b.size)).toEqual([0x2000, 0x6000]);
  });
});
