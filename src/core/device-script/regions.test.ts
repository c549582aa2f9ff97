import { describe, expect, it } from 'vitest';
import { regionBlocks } from '../memory/region';
import { targetById } from '../targets/catalogue';
import type { FlashArea } from './flash-info';
import { areasToRegions } from './regions';

const KiB = 1024;

describe('areasToRegions', () => {
  it('gives the STM32F411 flash the catalogue’s mixed sector list, 16 KiB writes', () => {
    const area: FlashArea = {
      name: 'Code Flash',
      base: 0x08000000,
      size: 512 * KiB,
      runs: [
        { address: 0x08000000, eraseSize: 16 * KiB, writeSize: 16 * KiB, count: 4 },
        { address: 0x08010000, eraseSize: 64 * KiB, writeSize: 16 * KiB, count: 1 },
        { address: 0x08020000, eraseSize: 128 * KiB, writeSize: 16 * KiB, count: 3 },
      ],
    };
    const [region, ...rest] = areasToRegions([area]);
    expect(rest).toEqual([]);
    const catalogue = targetById('stm32f411')!.regions[0];
    expect(region).toMatchObject({
      name: 'Code Flash',
      base: 0x08000000,
      size: 512 * KiB,
      eraseSize: 128 * KiB,
      writeSize: 16 * KiB,
      fill: 0xff,
      kind: 'flash',
    });
    expect(regionBlocks(region)).toEqual(regionBlocks(catalogue));
  });

  it('leaves out the block list when all erase blocks are the same size', () => {
    const regions = areasToRegions([
      {
        name: 'Code Flash',
        base: 0,
        size: 256 * KiB,
        runs: [{ address: 0, eraseSize: KiB, writeSize: KiB, count: 256 }],
      },
      {
        name: 'UICR',
        base: 0x10001000,
        size: 256,
        runs: [{ address: 0x10001000, eraseSize: 256, writeSize: 256, count: 1 }],
      },
    ]);
    expect(regions).toEqual([
      {
        name: 'Code Flash',
        base: 0,
        size: 256 * KiB,
        eraseSize: KiB,
        writeSize: KiB,
        fill: 0xff,
        kind: 'flash',
      },
      {
        name: 'UICR',
        base: 0x10001000,
        size: 256,
        eraseSize: 256,
        writeSize: 256,
        fill: 0xff,
        kind: 'flash',
      },
    ]);
  });

  it('splits an area where the write size changes, numbering the later parts', () => {
    const regions = areasToRegions(
      [
        {
          name: 'Main',
          base: 0,
          size: 12 * KiB,
          runs: [
            { address: 0, eraseSize: 4 * KiB, writeSize: 4 * KiB, count: 1 },
            { address: 0x1000, eraseSize: 4 * KiB, writeSize: 512, count: 1 },
            { address: 0x2000, eraseSize: 4 * KiB, writeSize: 4 * KiB, count: 1 },
          ],
        },
      ],
      { fill: 0x00 },
    );
    expect(regions.map((r) => [r.name, r.base, r.size, r.writeSize, r.fill])).toEqual([
      ['Main', 0, 4 * KiB, 4 * KiB, 0],
      ['Main 2', 0x1000, 4 * KiB, 512, 0],
      ['Main 3', 0x2000, 4 * KiB, 4 * KiB, 0],
    ]);
  });
});
