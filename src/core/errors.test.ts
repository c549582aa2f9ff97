import { describe, expect, it } from 'vitest';
import {
  WebProgError,
  formatAddress,
  formatByte,
  isErrorRecord,
  throwIfCancelled,
  toWebProgError,
} from './errors';

describe('WebProgError', () => {
  it('round-trips through its record with the cause chain', () => {
    const inner = new TypeError('socket closed');
    const e = new WebProgError('DEVICE_LOST', 'The board was unplugged.', { address: 0x1000, cause: inner });
    const record = JSON.parse(JSON.stringify(e.toRecord()));
    expect(isErrorRecord(record)).toBe(true);
    const back = WebProgError.fromRecord(record);
    expect(back).toBeInstanceOf(WebProgError);
    expect(back.code).toBe('DEVICE_LOST');
    expect(back.address).toBe(0x1000);
    expect((back.cause as Error).message).toBe('socket closed');
    expect((back.cause as Error).name).toBe('TypeError');
  });

  it('round-trips what a stopped step had changed on the chip', () => {
    const changes = { massErased: true, blocks: [{ address: 0x1000, size: 0x1000 }] };
    const e = new WebProgError('CANCELLED', 'Stopped.', { changes });
    const back = WebProgError.fromRecord(JSON.parse(JSON.stringify(e.toRecord())));
    expect(back.changes).toEqual(changes);
    expect(new WebProgError('CANCELLED', 'Stopped.').toRecord()).not.toHaveProperty('changes');
  });

  it('wraps foreign errors and aborts', () => {
    expect(toWebProgError(new Error('x'), 'DEVICE_PROTOCOL').code).toBe('DEVICE_PROTOCOL');
    expect(toWebProgError(new DOMException('stop', 'AbortError')).code).toBe('CANCELLED');
    const same = new WebProgError('TIMEOUT', 't');
    expect(toWebProgError(same)).toBe(same);
  });

  it('throws CANCELLED for an aborted signal only', () => {
    const c = new AbortController();
    expect(() => throwIfCancelled(c.signal)).not.toThrow();
    c.abort();
    expect(() => throwIfCancelled(c.signal)).toThrow(expect.objectContaining({ code: 'CANCELLED' }));
  });

  it('formats addresses as 8 hex digits', () => {
    expect(formatAddress(0x1c000)).toBe('0x0001C000');
    expect(formatAddress(0xffffffff)).toBe('0xFFFFFFFF');
  });

  it('formats bytes as 2 upper-case hex digits, a missing byte as 0x00', () => {
    expect(formatByte(0x0a)).toBe('0x0A');
    expect(formatByte(0xff)).toBe('0xFF');
    expect(formatByte(undefined)).toBe('0x00');
  });
});
