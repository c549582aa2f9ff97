import { describe, expect, it } from 'vitest';
import {
  boardName,
  byteCount,
  duration,
  groupDigits,
  hex32,
  hexRange,
  parseAddress,
  shortSize,
  withExtension,
} from './text';

describe('UI text helpers', () => {
  it('writes addresses and ranges with the last byte shown', () => {
    expect(hex32(0x1b5ff)).toBe('0x0001B5FF');
    expect(hexRange(0, 0x1b600)).toBe('0x00000000–0x0001B5FF');
    expect(hexRange(0xffff_fff0, 0x1_0000_0000)).toBe('0xFFFFFFF0–0xFFFFFFFF');
  });

  it('groups digits and sizes independent of locale', () => {
    expect(groupDigits(1239726)).toBe('1,239,726');
    expect(groupDigits(999)).toBe('999');
    expect(byteCount(1)).toBe('1 byte');
    expect(byteCount(1024)).toBe('1,024 bytes');
    expect(shortSize(512 * 1024)).toBe('512 KiB');
    expect(shortSize(0x308)).toBe('776 B');
    expect(shortSize(1_239_726)).toBe('1.2 MiB');
    expect(shortSize(2 ** 32)).toBe('4 GiB');
  });

  it('reads addresses typed as hex by default, decimal with #', () => {
    expect(parseAddress('0x1C000')).toBe(0x1c000);
    expect(parseAddress(' 1c000 ')).toBe(0x1c000);
    expect(parseAddress('0x0001_C000')).toBe(0x1c000);
    expect(parseAddress('1C000h')).toBe(0x1c000);
    expect(parseAddress('#4096')).toBe(4096);
    expect(parseAddress('0xFFFFFFFF')).toBe(0xffff_ffff);
    expect(parseAddress('0x100000000')).toBeUndefined();
    expect(parseAddress('0x100', 0xff)).toBeUndefined();
    expect(parseAddress('')).toBeUndefined();
    expect(parseAddress('0xZZ')).toBeUndefined();
    expect(parseAddress('-1')).toBeUndefined();
  });

  it('names micro:bit boards, durations and derived file names', () => {
    expect(boardName(0x9901)).toBe('micro:bit V1');
    expect(boardName(0x9903)).toBe('micro:bit V2');
    expect(boardName(0x1234)).toBe('unknown board');
    expect(duration(180.4)).toBe('180 ms');
    expect(duration(2400)).toBe('2.4 s');
    expect(withExtension('micropython-v2.1.2.hex', 'bin')).toBe('micropython-v2.1.2.bin');
    expect(withExtension('firmware', 'uf2')).toBe('firmware.uf2');
  });
});
