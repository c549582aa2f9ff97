import { describe, expect, test } from 'vitest';
import { DEFAULT_FLASH_TIMINGS, SpiFlash } from './spi-flash';

describe('SPI NOR flash model', () => {
  test('starts erased, reports a JEDEC id whose capacity byte matches the size', () => {
    const flash = new SpiFlash({ size: 0x800000 });
    expect(flash.read(0, 16).every((b) => b === 0xff)).toBe(true);
    expect(flash.jedecWord).toBe(0x1740ef);
    expect(new SpiFlash().jedecWord).toBe(0x1640ef);
    expect(() => new SpiFlash({ size: 3_000_000 })).toThrow(RangeError);
  });

  test('programming only clears bits; erase sets a whole sector back to 0xFF', () => {
    const flash = new SpiFlash();
    flash.program(0x1000, Uint8Array.of(0xf0, 0x0f));
    flash.program(0x1000, Uint8Array.of(0x3c, 0xff));
    expect(Array.from(flash.read(0x1000, 2))).toEqual([0x30, 0x0f]);
    flash.program(0x2000, Uint8Array.of(0));
    expect(flash.eraseSector(0x1abc)).toBe(DEFAULT_FLASH_TIMINGS.sectorErase);
    expect(Array.from(flash.read(0x1000, 2))).toEqual([0xff, 0xff]);
    expect(flash.read(0x2000, 1)[0]).toBe(0);
  });

  test('program time counts the 256-byte pages touched', () => {
    const flash = new SpiFlash();
    expect(flash.program(0xff, new Uint8Array(2))).toBeCloseTo(2 * DEFAULT_FLASH_TIMINGS.pageProgram);
    expect(flash.program(0x1000, new Uint8Array(4096))).toBeCloseTo(16 * DEFAULT_FLASH_TIMINGS.pageProgram);
  });

  test('eraseRange uses 64 KiB blocks where aligned and sectors elsewhere', () => {
    const flash = new SpiFlash();
    flash.load(0, new Uint8Array(0x30000));
    const t = flash.eraseRange(0xf000, 0x11000);
    expect(t).toBeCloseTo(DEFAULT_FLASH_TIMINGS.sectorErase + DEFAULT_FLASH_TIMINGS.blockErase);
    expect(flash.read(0xe000, 0x1000).every((b) => b === 0)).toBe(true);
    expect(flash.read(0xf000, 0x11000).every((b) => b === 0xff)).toBe(true);
    expect(flash.read(0x20000, 1)[0]).toBe(0);
  });

  test('chip erase time scales with capacity; a weak range stops programming', () => {
    const flash = new SpiFlash();
    expect(flash.eraseChip()).toBeCloseTo(4 * DEFAULT_FLASH_TIMINGS.chipErasePerMiB);
    flash.setWeakRange({ address: 0x10, length: 2 });
    flash.program(0x0f, new Uint8Array(4));
    expect(Array.from(flash.read(0x0f, 4))).toEqual([0, 0xff, 0xff, 0]);
  });
});
