import { describe, expect, it } from 'vitest';
import { ErrorCodes, WebProgError } from '../core/errors';
import { describeError, errorHeading } from './error-text';

describe('describeError', () => {
  it('has words for every error code', () => {
    for (const code of ErrorCodes) expect(errorHeading(code), code).not.toBe('Error');
  });

  it('adds the line and address when the message lacks them', () => {
    const e = new WebProgError('FORMAT_CHECKSUM', 'Record checksum is 0x12, expected 0x34.', {
      line: 17,
      address: 0x1c000,
    });
    const d = describeError(e);
    expect(d.code).toBe('FORMAT_CHECKSUM');
    expect(d.detail).toBe('Record checksum is 0x12, expected 0x34 (line 17, address 0x0001C000).');
    expect(d.text).toMatch(/^A record in the file has a wrong checksum: /);
  });

  it('does not repeat an address already in the message', () => {
    const e = new WebProgError('ADDRESS_OUT_OF_RANGE', 'Data at 0x00080000 lies outside.', {
      address: 0x80000,
    });
    expect(describeError(e).detail).toBe('Data at 0x00080000 lies outside.');
  });

  it('describes foreign errors as internal', () => {
    expect(describeError(new TypeError('x is undefined')).text).toBe(
      'Something went wrong inside WebProg: x is undefined',
    );
    expect(describeError('plain').detail).toBe('plain');
  });
});
