/** Image header checks and the flash map of ESP firmware parts. */
import { describe, expect, test } from 'vitest';
import { checkParts, flashMap } from './firmware-set';
import { imageHeader, threePartBuild } from './testing';

describe('checks before writing', () => {
  const esp32 = { chip: 'ESP32', imageChipId: 0, flashSize: 0x400000, bootloaderOffset: 0x1000 };

  test('a build for the right chip passes; the flash map names each part', () => {
    const parts = threePartBuild(0x1000, 0).map((p, i) => ({
      ...p,
      name: ['bootloader.bin', 'partitions.bin', 'app.bin'][i],
    }));
    expect(checkParts(parts, esp32)).toEqual([]);
    expect(flashMap(parts, 0x1000).map((e) => [e.name, e.address, e.kind])).toEqual([
      ['bootloader.bin', 0x1000, 'bootloader'],
      ['partitions.bin', 0x8000, 'partition table'],
      ['app.bin', 0x10000, 'application'],
    ]);
  });

  test('warns about another chip id, a bigger flash, and data past the end; refuses overlaps', () => {
    const s3app = new Uint8Array(64);
    s3app.set(imageHeader(9, 4));
    const warnings = checkParts(
      [
        { name: 'app.bin', address: 0x10000, data: s3app },
        { name: 'big.bin', address: 0x3ff000, data: new Uint8Array(0x2000) },
      ],
      esp32,
    );
    expect(warnings[0]).toMatch(
      /app.bin .* built for the ESP32-S3 \(image chip id 9\), but this board is an ESP32 \(chip id 0\)/,
    );
    expect(warnings[1]).toMatch(/expects 16 MiB of flash; the board has 4 MiB/);
    expect(warnings[2]).toMatch(/big.bin ends at 0x00400FFF, past the end/);
    const merged = new Uint8Array(0x2000);
    merged.set(imageHeader(5), 0x1000);
    expect(checkParts([{ name: 'merged.bin', address: 0, data: merged }], esp32)[0]).toMatch(
      /0x00001000 is built for the ESP32-C3 \(image chip id 5\)/,
    );
    expect(() =>
      flashMap(
        [
          { name: 'a', address: 0, data: new Uint8Array(0x2000) },
          { name: 'b', address: 0x1000, data: new Uint8Array(16) },
        ],
        0x1000,
      ),
    ).toThrow(/a \(0x00000000\+0x2000\) overlaps b at 0x00001000/);
  });
});
