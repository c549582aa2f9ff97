import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MemoryMap from 'nrf-intel-hex';
import { getIntelHexDeviceMemInfo } from '@microbit/microbit-fs';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../memory';
import { parseIntelHexText } from './hex-text';
import {
  getHexMapUicrData,
  getIntelHexUicrData,
  hasMicroPythonUicr,
  readUicrBlock,
  readUicrMemInfo,
} from './uicr';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

describe('MicroPython UICR block', () => {
  it('reads the V1 1.1.1 block as the reference notes give it', () => {
    const data = parseIntelHexText(fixture('micropython-v1.1.1.hex'));
    expect(readUicrBlock(data)).toEqual({
      magic: 0x17eeb07c,
      pageSize: 1024,
      startPage: 0,
      pagesUsed: 0xe2,
      versionAddress: 0x37d9b,
    });
    expect(readUicrMemInfo(data)).toEqual({
      flashPageSize: 1024,
      flashSize: 256 * 1024,
      flashStartAddress: 0,
      flashEndAddress: 256 * 1024,
      runtimeStartAddress: 0,
      runtimeEndAddress: 0x38800,
      fsStartAddress: 0x38800,
      fsEndAddress: 0x40000,
      uPyVersion: 'micro:bit v1.1.1+58405de on 2022-11-10; MicroPython v1.9.2-34-gd64154c73 on 2017-09-01',
      deviceVersion: 'V1',
      source: 'uicr',
    });
  });

  it('agrees with microbit-fs for V1 1.1.1 and 1.0.1, from text and from a MemoryMap', () => {
    for (const name of ['micropython-v1.1.1.hex', 'micropython-v1.0.1-appended-script.hex']) {
      const text = fixture(name);
      const {
        uicrStartAddress: _s,
        uicrEndAddress: _e,
        ...theirs
      } = getIntelHexDeviceMemInfo(text) as ReturnType<typeof getIntelHexDeviceMemInfo> & {
        uicrStartAddress: number;
        uicrEndAddress: number;
      };
      const { source: _source, ...ours } = getIntelHexUicrData(text);
      expect(ours).toEqual(theirs);
      expect(getHexMapUicrData(MemoryMap.fromHex(text))).toEqual(getIntelHexUicrData(text));
    }
    expect(getIntelHexUicrData(fixture('micropython-v1.0.1-appended-script.hex')).runtimeEndAddress).toBe(
      0x38c00,
    );
  });

  it('recognises the early V2 beta magic with V2 sizes', () => {
    const data = new SparseData();
    // magic 0x47EEB07C, end marker, log2 page 12, start page 0, 0x60 pages, delimiter, version at 0x100.
    data.write(
      0x100010c0,
      new Uint8Array([0x7c, 0xb0, 0xee, 0x47, 0xff, 0xff, 0xff, 0xff, 12, 0, 0, 0, 0, 0, 0x60, 0]),
    );
    data.write(0x100010d0, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
    data.write(0x100, new Uint8Array([0x76, 0x32, 0]));
    expect(hasMicroPythonUicr(data)).toBe(true);
    expect(readUicrMemInfo(data)).toMatchObject({
      deviceVersion: 'V2',
      flashPageSize: 4096,
      flashSize: 512 * 1024,
      runtimeEndAddress: 0x60000,
      fsEndAddress: 0x73000,
      uPyVersion: 'v2',
    });
  });

  it('rejects hexes without the block', () => {
    for (const name of ['micropython-v2.1.2.hex', 'makecode-v1.hex']) {
      expect(hasMicroPythonUicr(parseIntelHexText(fixture(name)))).toBe(false);
      expect(() => getIntelHexUicrData(fixture(name))).toThrow(
        expect.objectContaining({
          code: 'NOT_MICROPYTHON',
          message: 'Could not find valid MicroPython UICR data.',
        }),
      );
    }
  });
});
