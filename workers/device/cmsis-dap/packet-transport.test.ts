import { describe, expect, it } from 'vitest';
import { usbError } from './packet-transport';

describe('usbError', () => {
  it('turns a claimed interface into DEVICE_BUSY even when Chromium calls it a NetworkError', () => {
    const e = Object.assign(new Error('Unable to claim interface.'), { name: 'NetworkError' });
    expect(usbError(e, 'opening it').code).toBe('DEVICE_BUSY');
  });

  it('turns a vanished device into DEVICE_LOST', () => {
    const e = Object.assign(new Error('The device was disconnected.'), { name: 'NotFoundError' });
    expect(usbError(e, 'reading a response')).toMatchObject({
      code: 'DEVICE_LOST',
      message: /went away while reading a response/,
    });
  });

  it('turns an old DAPLink without a WebUSB interface into NOT_SUPPORTED with the fix', () => {
    expect(usbError(new Error('No valid interfaces found.'), 'opening it')).toMatchObject({
      code: 'NOT_SUPPORTED',
      message: /update its DAPLink firmware/,
    });
  });
});
