import { describe, expect, it } from 'vitest';
import { flashRegion } from '../memory/region';
import { SparseData } from '../memory/sparse-data';
import { buildLayout } from './layout';

const code = flashRegion('Code Flash', 0, 0x4000, 0x1000, 0x400);
const uicr = flashRegion('UICR', 0x1000_1000, 0x400, 0x400, 4);
const at = (address: number, length: number) => ({ address, data: new Uint8Array(length).fill(0xa5) });

describe('buildLayout', () => {
  it('erases only touched blocks and writes only blocks with data', () => {
    const layout = buildLayout(SparseData.from([at(0x1200, 0x100), at(0x3ff0, 0x10)]), [code, uicr]);
    expect(layout.eraseBlocks).toEqual([
      { address: 0x1000, size: 0x1000, region: 'Code Flash' },
      { address: 0x3000, size: 0x1000, region: 'Code Flash' },
    ]);
    expect(layout.writeBlocks).toEqual([
      { address: 0x1000, size: 0x400, region: 'Code Flash', eraseBlock: 0 },
      { address: 0x3c00, size: 0x400, region: 'Code Flash', eraseBlock: 1 },
    ]);
    expect(layout.fills).toEqual([
      { start: 0x1000, end: 0x1200 },
      { start: 0x1300, end: 0x2000 },
      { start: 0x3000, end: 0x3ff0 },
    ]);
    expect(layout.dataBytes).toBe(0x110);
  });

  it('writes every block holding fill when preserving', () => {
    const layout = buildLayout(SparseData.from([at(0x1200, 0x100)]), [code], { preserve: true });
    expect(layout.writeBlocks.map((b) => b.address)).toEqual([0x1000, 0x1400, 0x1800, 0x1c00]);
  });

  it('handles mixed erase sizes and small write sizes', () => {
    const stm = flashRegion('Code Flash', 0x0800_0000, 0x3_0000, 0x2_0000, 0x4000, {
      blocks: [
        { address: 0x0800_0000, size: 0x4000 },
        { address: 0x0800_4000, size: 0xc000 },
        { address: 0x0801_0000, size: 0x2_0000 },
      ],
    });
    const layout = buildLayout(SparseData.from([at(0x0800_3ffc, 8), at(0x0801_0000, 4)]), [stm]);
    expect(layout.eraseBlocks.map((b) => [b.address, b.size])).toEqual([
      [0x0800_0000, 0x4000],
      [0x0800_4000, 0xc000],
      [0x0801_0000, 0x2_0000],
    ]);
    expect(layout.writeBlocks.map((b) => [b.address, b.size, b.eraseBlock])).toEqual([
      [0x0800_0000, 0x4000, 0],
      [0x0800_4000, 0x4000, 1],
      [0x0801_0000, 0x4000, 2],
    ]);
  });

  it('lays out UICR separately', () => {
    const layout = buildLayout(SparseData.from([at(0x1000_1014, 4)]), [code, uicr]);
    expect(layout.eraseBlocks).toEqual([{ address: 0x1000_1000, size: 0x400, region: 'UICR' }]);
    expect(layout.writeBlocks).toEqual([{ address: 0x1000_1014, size: 4, region: 'UICR', eraseBlock: 0 }]);
  });

  it('refuses data outside flash, naming the address', () => {
    expect(() => buildLayout(SparseData.from([at(0x3ff0, 0x20)]), [code])).toThrow(/0x00004000/);
    expect(() => buildLayout(SparseData.from([at(0x2000_0000, 4)]), [code])).toThrow(
      expect.objectContaining({ code: 'ADDRESS_OUT_OF_RANGE', address: 0x2000_0000 }),
    );
  });
});
