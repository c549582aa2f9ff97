import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getDeviceMemInfo, isMakeCodeHexText, notMicroPythonError } from './device-memory';
import { parseIntelHexText } from './hex-text';

const fixture = (name: string): string =>
  readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');

describe('layout detection', () => {
  it('uses the UICR block for V1 and the Flash Regions Table for V2', () => {
    const v1 = getDeviceMemInfo(parseIntelHexText(fixture('micropython-v1.1.1.hex')));
    expect([v1.deviceVersion, v1.source]).toEqual(['V1', 'uicr']);
    const v2 = getDeviceMemInfo(parseIntelHexText(fixture('micropython-v2.1.2.hex')));
    expect([v2.deviceVersion, v2.source]).toEqual(['V2', 'flash-regions-table']);
    const beta = getDeviceMemInfo(parseIntelHexText(fixture('micropython-v2-beta-regions-table.hex')));
    expect([beta.deviceVersion, beta.source]).toEqual(['V2', 'flash-regions-table']);
  });

  it('gives both reasons when a hex has neither description', () => {
    expect(() => getDeviceMemInfo(parseIntelHexText(fixture('makecode-v1.hex')))).toThrow(
      expect.objectContaining({
        code: 'NOT_MICROPYTHON',
        message: expect.stringMatching(
          /No MicroPython UICR data; could not find a Flash Regions Table: the Magic Header is not present/,
        ),
      }),
    );
  });

  it('recognises MakeCode hexes, and only them', () => {
    expect(isMakeCodeHexText(fixture('makecode-v1.hex'))).toBe(true);
    for (const name of ['micropython-v1.1.1.hex', 'micropython-v2.1.2.hex', 'not-a-hex.hex']) {
      expect(isMakeCodeHexText(fixture(name))).toBe(false);
    }
    // MakeCode Universal Hexes keep their project in 0x0E "other data" records.
    expect(
      isMakeCodeHexText(
        ':020000040000FA\n:0400000A9900C0DEBB\n:1000000E41140E2FB82FA2BB00000000000000001D\n',
      ),
    ).toBe(true);
  });

  it('chooses the error a person needs', () => {
    expect(notMicroPythonError(fixture('makecode-v1.hex')).code).toBe('MAKECODE_HEX');
    expect(notMicroPythonError(fixture('not-a-hex.hex')).code).toBe('FORMAT_INVALID');
    expect(notMicroPythonError(fixture('micropython-v1.1.1.hex')).code).toBe('NOT_MICROPYTHON');
  });
});
