import { describe, expect, it } from 'vitest';
import { microbitFriendlyName, microbitFromSerial } from './board';

describe('micro:bit identity', () => {
  it('reads the board version from the DAPLink serial number', () => {
    expect(microbitFromSerial('9904360259994e450039600c0000003b0000000097969901')).toMatchObject({
      boardId: 0x9904,
      version: 'V2',
    });
    expect(microbitFromSerial('9900000037024e450034200b0000004e0000000097969901')?.version).toBe('V1');
    expect(microbitFromSerial('0240000034544e45001b00028aa9001e8d11000097969900')).toBeUndefined();
    expect(microbitFromSerial(undefined)).toBeUndefined();
  });

  it('computes the friendly name as the DAL does', () => {
    // 1740 = digits (from least significant) 0,3,4,3,2 → "getez" (reference notes example).
    expect(microbitFriendlyName(1740)).toBe('getez');
    expect(microbitFriendlyName(1740 + 3125 * 1000)).toBe('getez');
    expect(microbitFriendlyName(0)).toBe('zuzuz');
    expect(microbitFriendlyName(0xffffffff)).toMatch(/^[zvgpt][uoiea][zvgpt][uoiea][zvgpt]$/);
  });
});
