import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceMemInfo } from './device-mem-info';
import { getDeviceMemInfo } from './device-memory';
import { fsLayout } from './fs-layout';
import { parseIntelHexText } from './hex-text';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');
const memInfo = (name: string): DeviceMemInfo => getDeviceMemInfo(parseIntelHexText(fixture(name)));

describe('filesystem layout', () => {
  it('V1 1.1.1: 224 chunks from 0x38800, spare page 0x3F800, calibration page left out', () => {
    expect(fsLayout(memInfo('micropython-v1.1.1.hex'))).toEqual({
      startAddress: 0x38800,
      sparePageAddress: 0x3f800,
      endAddress: 0x3fc00,
      chunkCount: 224,
      pageSize: 1024,
    });
  });

  it('V2 2.1.2: 160 chunks from 0x6D000, spare page 0x72000', () => {
    expect(fsLayout(memInfo('micropython-v2.1.2.hex'))).toEqual({
      startAddress: 0x6d000,
      sparePageAddress: 0x72000,
      endAddress: 0x73000,
      chunkCount: 160,
      pageSize: 4096,
    });
  });

  it('V1 1.0.1: 27,648 bytes, and less when an appended script is kept', () => {
    const info = memInfo('micropython-v1.0.1-appended-script.hex');
    expect(fsLayout(info).chunkCount * 128).toBe(27648);
    const withScript = fsLayout(info, true);
    expect(withScript.endAddress).toBe(0x3e000 - 0x400);
    expect(withScript.sparePageAddress).toBe(0x3e000 - 0x800);
  });

  it('caps the filesystem at 252 chunks, starting on a page boundary', () => {
    const big = { ...memInfo('micropython-v1.1.1.hex'), fsStartAddress: 0x20000 };
    const layout = fsLayout(big);
    expect(layout.startAddress).toBe(0x38000);
    expect(layout.chunkCount).toBeLessThanOrEqual(252);
    expect(layout.startAddress % 1024).toBe(0);
  });

  it('refuses a runtime that leaves no room', () => {
    const full = { ...memInfo('micropython-v1.1.1.hex'), fsStartAddress: 0x3f800 };
    expect(() => fsLayout(full)).toThrow(expect.objectContaining({ code: 'NOT_MICROPYTHON' }));
  });
});
