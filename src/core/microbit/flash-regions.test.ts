import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MemoryMap from 'nrf-intel-hex';
import { getIntelHexDeviceMemInfo } from '@microbit/microbit-fs';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import {
  FLASH_REGIONS_MAGIC_1,
  FLASH_REGIONS_MAGIC_2,
  findFlashRegionsHeader,
  getHexMapFlashRegionsData,
  getIntelHexFlashRegionsData,
  readFlashRegionsMemInfo,
  readFlashRegionsTable,
} from './flash-regions';
import { parseIntelHexText } from './hex-text';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

const V2_VERSION = 'micro:bit v2.1.2+0697c6d on 2023-10-30; MicroPython v1.18 on 2023-10-30';

/** A synthetic table: rows (id, hash type, start page, length) ending at `pageEnd`. */
function tableData(pageEnd: number, rows: [number, number, number, number][], pageLog2 = 12): SparseData {
  const bytes = new Uint8Array(16 * (rows.length + 1));
  const view = new DataView(bytes.buffer);
  rows.forEach(([id, ht, page, length], i) => {
    view.setUint8(i * 16, id);
    view.setUint8(i * 16 + 1, ht);
    view.setUint16(i * 16 + 2, page, true);
    view.setUint32(i * 16 + 4, length, true);
  });
  const h = rows.length * 16;
  view.setUint32(h, FLASH_REGIONS_MAGIC_1, true);
  view.setUint16(h + 4, 1, true);
  view.setUint16(h + 6, rows.length * 16, true);
  view.setUint16(h + 8, rows.length, true);
  view.setUint16(h + 10, pageLog2, true);
  view.setUint32(h + 12, FLASH_REGIONS_MAGIC_2, true);
  const data = new SparseData();
  data.write(pageEnd - bytes.length, bytes);
  return data;
}

describe('Flash Regions Table', () => {
  it('reads the V2 2.1.2 table as the reference notes give it', () => {
    const { header, regions } = readFlashRegionsTable(parseIntelHexText(fixture('micropython-v2.1.2.hex')));
    expect(header).toEqual({
      address: 0x67ff0,
      pageEndAddress: 0x68000,
      version: 1,
      tableLength: 48,
      regionCount: 3,
      pageSizeLog2: 12,
      pageSize: 4096,
    });
    expect(
      regions.map(({ id, hashType, startPage, startAddress, length, hash }) => ({
        id,
        hashType,
        startPage,
        startAddress,
        length,
        hash,
      })),
    ).toEqual([
      { id: 1, hashType: 0, startPage: 1, startAddress: 0x1000, length: 0x1b000, hash: '' },
      { id: 2, hashType: 2, startPage: 0x1c, startAddress: 0x1c000, length: 0x4ba4c, hash: V2_VERSION },
      { id: 3, hashType: 0, startPage: 0x6d, startAddress: 0x6d000, length: 0x6000, hash: '' },
    ]);
    // HT 2: the first 4 hash bytes point at the version string (0x5DB20).
    expect([...regions[1].hashData]).toEqual([0x20, 0xdb, 0x05, 0, 0, 0, 0, 0]);
  });

  it('gives the V2 device memory info from Intel Hex text and from a MemoryMap', () => {
    const text = fixture('micropython-v2.1.2.hex');
    const expected = {
      flashPageSize: 4096,
      flashSize: 512 * 1024,
      flashStartAddress: 0,
      flashEndAddress: 512 * 1024,
      runtimeStartAddress: 0,
      runtimeEndAddress: 0x68000,
      fsStartAddress: 0x6d000,
      fsEndAddress: 0x73000,
      uPyVersion: V2_VERSION,
      deviceVersion: 'V2',
      source: 'flash-regions-table',
    };
    expect(getIntelHexFlashRegionsData(text)).toEqual(expected);
    expect(getHexMapFlashRegionsData(MemoryMap.fromHex(text))).toEqual(expected);
  });

  it('agrees with microbit-fs on the V2 release and the V2 beta', () => {
    for (const name of ['micropython-v2.1.2.hex', 'micropython-v2-beta-regions-table.hex']) {
      const text = fixture(name);
      const { source, ...ours } = getIntelHexFlashRegionsData(text);
      expect(source).toBe('flash-regions-table');
      expect(ours).toEqual(getIntelHexDeviceMemInfo(text));
    }
    const beta = getIntelHexFlashRegionsData(fixture('micropython-v2-beta-regions-table.hex'));
    expect(beta.runtimeEndAddress).toBe(0x62000);
    expect(beta.uPyVersion).toBe(
      'micro:bit v2.0.99+b260810 on 2020-11-17; MicroPython b260810 on 2020-11-17',
    );
  });

  it('reports a missing Magic Header for V1, MakeCode and table-less data', () => {
    for (const name of ['micropython-v1.1.1.hex', 'makecode-v1.hex']) {
      expect(() => getIntelHexFlashRegionsData(fixture(name))).toThrow(
        expect.objectContaining({
          code: 'NOT_MICROPYTHON',
          message: expect.stringMatching(/Magic Header is not present/),
        }),
      );
    }
    const onlyMagic2 = new SparseData();
    onlyMagic2.write(0x1ffc, new Uint8Array([0x9d, 0xd7, 0xb1, 0xc1]));
    expect(findFlashRegionsHeader(onlyMagic2)).toBeUndefined();
  });

  it('rejects text that is not an Intel Hex', () => {
    expect(() => getIntelHexFlashRegionsData(fixture('not-a-hex.hex'))).toThrow(
      expect.objectContaining({ code: 'FORMAT_INVALID' }),
    );
  });

  it('names the missing region', () => {
    const noFs = tableData(0x8000, [
      [1, 0, 1, 0x1000],
      [2, 0, 2, 0x4000],
    ]);
    expect(() => readFlashRegionsMemInfo(noFs)).toThrow(/File System region/);
    const noMicroPython = tableData(0x8000, [
      [1, 0, 1, 0x1000],
      [3, 0, 9, 0x2000],
    ]);
    expect(() => readFlashRegionsMemInfo(noMicroPython)).toThrow(/MicroPython region/);
  });

  it('finds a table at any 1 KiB page end and uses its page size', () => {
    const data = tableData(
      0x4400,
      [
        [2, 1, 0, 0x4000],
        [3, 0, 0x12, 0x1800],
      ],
      10,
    );
    const info = readFlashRegionsMemInfo(data);
    expect(info).toMatchObject({
      flashPageSize: 1024,
      runtimeEndAddress: 0x4400,
      fsStartAddress: 0x4800,
      fsEndAddress: 0x6000,
    });
    // Hash type 1: verbatim data, shown as hex; not a version string.
    expect(info.uPyVersion).toBe('');
    expect(readFlashRegionsTable(data).regions[0].hash).toBe('0000000000000000');
  });
});
