import { describe, expect, it } from 'vitest';
import { crc32 } from '../core/checksum';
import { flashRegion, type Region } from '../core/memory/region';
import { SparseData } from '../core/memory/sparse-data';
import { boardVersion, compareChecksums, planImage, regionChoices } from './operation-plan';

const CODE = flashRegion('Code Flash', 0, 0x8000, 0x1000);
const UICR = flashRegion('UICR', 0x1000_1000, 0x400, 0x400);
const RAM: Region = {
  name: 'RAM',
  base: 0x2000_0000,
  size: 0x4000,
  eraseSize: 1,
  writeSize: 1,
  fill: 0,
  kind: 'ram',
};
const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

describe('region choice and image plan', () => {
  const data = SparseData.from([
    { address: 0x100, data: bytes(0x200, 1) },
    { address: 0x1000_1014, data: bytes(4, 2) },
    { address: 0x3000_0000, data: bytes(16, 3) },
  ]);

  it('includes the flash regions holding data unless the person decided otherwise', () => {
    const choices = regionChoices([CODE, UICR, RAM], data, {});
    expect(choices.map((c) => [c.region.name, c.bytes, c.chosen])).toEqual([
      ['Code Flash', 0x200, true],
      ['UICR', 4, true],
      ['RAM', 0, false],
    ]);
    expect(regionChoices([CODE, UICR], new SparseData(), {}).every((c) => c.chosen)).toBe(true);
    expect(regionChoices([CODE, UICR], undefined, { UICR: false }).map((c) => c.chosen)).toEqual([
      true,
      false,
    ]);
  });

  it('sends only the data in chosen regions and counts what is left out', () => {
    const plan = planImage(data, regionChoices([CODE, UICR, RAM], data, { UICR: false }));
    expect(plan.regions.map((r) => r.name)).toEqual(['Code Flash']);
    expect(plan.segments.map((s) => [s.address, s.data.length])).toEqual([[0x100, 0x200]]);
    expect(plan).toMatchObject({ bytes: 0x200, unchosenBytes: 4, outsideBytes: 16 });
  });

  it('knows the micro:bit version of each Universal Hex board id', () => {
    expect([0x9900, 0x9901, 0x9903, 0x9906, 0x1234].map(boardVersion)).toEqual([
      'V1',
      'V1',
      'V2',
      'V2',
      undefined,
    ]);
  });
});

describe('compareChecksums', () => {
  it('compares chip CRC-32s with the buffer block by block, gaps as erased flash', () => {
    const data = SparseData.from([{ address: 0x1000, data: bytes(0x1000, 0xaa) }]);
    const erased = crc32(bytes(0x1000, 0xff)) >>> 0;
    const checksums = [
      { blockN: 0, address: 0, baseChecksum: erased, subChecksums: [] },
      { blockN: 1, address: 0x1000, baseChecksum: crc32(bytes(0x1000, 0xaa)) >>> 0, subChecksums: [] },
      { blockN: 2, address: 0x2000, baseChecksum: 0x1234, subChecksums: [] },
    ];
    expect(compareChecksums(checksums, data, [CODE])).toEqual({
      blocks: 3,
      matching: 2,
      differing: [0x2000],
    });
  });
});
