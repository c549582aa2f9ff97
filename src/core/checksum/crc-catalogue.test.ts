import { describe, expect, it } from 'vitest';
import { thrown } from '../testing/thrown';
import { checksum } from './checksums';
import { crcOf } from './crc-engine';
import { CRC_PRESETS, crcHex, crcPreset, findCrcPreset } from './crc-catalogue';

const CHECK = new TextEncoder().encode('123456789');

describe('CRC preset catalogue', () => {
  it('gives every preset its catalogue check value for "123456789"', () => {
    expect(CRC_PRESETS.length).toBeGreaterThan(80);
    for (const preset of CRC_PRESETS) {
      expect(crcOf(preset, CHECK), preset.name).toBe(preset.check);
    }
  });

  it('has unique names and finds presets by name and alias in any case', () => {
    expect(new Set(CRC_PRESETS.map((p) => p.name)).size).toBe(CRC_PRESETS.length);
    expect(findCrcPreset('CRC-32')?.name).toBe('CRC-32/ISO-HDLC');
    expect(findCrcPreset('crc-16/ccitt-false')?.name).toBe('CRC-16/IBM-3740');
    expect(findCrcPreset(' modbus ')?.name).toBe('CRC-16/MODBUS');
    expect(findCrcPreset('CRC-32C')?.check).toBe(0xe3069283);
    expect(findCrcPreset('crc16-xmodem')?.name).toBe('CRC-16/XMODEM');
    expect(findCrcPreset('CRC-99')).toBeUndefined();
  });

  it("agrees with WebProg's own checksum ids", () => {
    for (const [id, name] of [
      ['crc32', 'CRC-32'],
      ['crc16-ccitt-false', 'CRC-16/CCITT-FALSE'],
      ['crc16-modbus', 'CRC-16/MODBUS'],
      ['crc16-xmodem', 'CRC-16/XMODEM'],
      ['crc8', 'CRC-8'],
    ] as const) {
      expect(crcOf(crcPreset(name), CHECK), name).toBe(checksum(id, CHECK).value);
    }
  });

  it('refuses an unknown name, listing the presets of that width', () => {
    const error = thrown(() => crcPreset('CRC-16/NOPE'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('CRC-16/MODBUS');
  });

  it('formats values as MultiProg shows them', () => {
    expect(crcHex(0xcbf43926, 32)).toBe('0xCBF43926');
    expect(crcHex(0x4f03, 17)).toBe('0x04F03');
    expect(crcHex(0x7, 8)).toBe('0x07');
  });
});
