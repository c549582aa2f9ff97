import { describe, expect, it } from 'vitest';
import { assembleManifest, layParts, offsetFromName, sameChipFamily } from './firmware-parts';

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);
const json = (value: unknown) => ({
  name: 'manifest.json',
  bytes: new TextEncoder().encode(JSON.stringify(value)),
});

describe('firmware parts', () => {
  it('reads offsets from file names', () => {
    expect(offsetFromName('0x10000.bin')).toBe(0x10000);
    expect(offsetFromName('app@0x10000.bin')).toBe(0x10000);
    expect(offsetFromName('boot-0x1000.BIN')).toBe(0x1000);
    expect(offsetFromName('app.bin')).toBeUndefined();
    expect(offsetFromName('app0x1000.bin')).toBeUndefined();
  });

  it('lays a manifest’s builds at their offsets and names the files it used', () => {
    const manifest = json({
      name: 'FW',
      version: '2',
      builds: [
        {
          chipFamily: 'ESP32',
          parts: [
            { path: 'fw/boot.bin', offset: 0x1000 },
            { path: 'app.bin', offset: 0x10000 },
          ],
        },
        { chipFamily: 'ESP32-C3', parts: [{ path: 'c3.bin', offset: 0 }] },
      ],
    });
    const files = [
      { name: 'boot.bin', bytes: bytes(4, 1) },
      { name: 'app.bin', bytes: bytes(8, 2) },
      { name: 'c3.bin', bytes: bytes(2, 3) },
      { name: 'other.bin', bytes: bytes(2, 4) },
    ];
    const out = assembleManifest(manifest, files);
    expect(out.title).toBe('FW 2');
    expect(out.used.sort()).toEqual(['app.bin', 'boot.bin', 'c3.bin']);
    expect(out.builds.map((b) => [b.chipFamily, b.segments.map((s) => [s.address, s.data.length])])).toEqual([
      [
        'ESP32',
        [
          [0x1000, 4],
          [0x10000, 8],
        ],
      ],
      ['ESP32-C3', [[0, 2]]],
    ]);
  });

  it('says which part file a manifest is missing', () => {
    const manifest = json({
      name: 'FW',
      builds: [{ chipFamily: 'ESP32', parts: [{ path: 'app.bin', offset: 0 }] }],
    });
    expect(() => assembleManifest(manifest, [])).toThrow(
      "The manifest's ESP32 build needs app.bin: open it together with manifest.json.",
    );
  });

  it('refuses overlapping parts, naming both', () => {
    expect(() =>
      layParts([
        { name: 'a.bin', address: 0x1000, data: bytes(0x2000, 0) },
        { name: 'b.bin', address: 0x2000, data: bytes(4, 0) },
      ]),
    ).toThrow('a.bin (0x00001000, 8192 bytes) overlaps b.bin at 0x00002000.');
  });

  it('matches chip families however they are spelled', () => {
    expect(sameChipFamily('ESP32-S3', 'esp32s3')).toBe(true);
    expect(sameChipFamily('ESP32', 'ESP32-S3')).toBe(false);
  });
});
