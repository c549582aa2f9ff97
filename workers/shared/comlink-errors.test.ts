import { expose, wrap, type Remote } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { WebProgError } from '../../src/core/errors';
import { registerErrorTransfer } from './comlink-errors';

interface Api {
  failWithCode(): void;
  failPlain(): void;
  failNonError(): void;
  ok(): number;
}

registerErrorTransfer();
const channel = new MessageChannel();
const api: Api = {
  failWithCode() {
    throw new WebProgError('FORMAT_CHECKSUM', 'Line 7: checksum mismatch.', {
      line: 7,
      address: 0x1c000,
      cause: new WebProgError('INTERNAL', 'inner'),
    });
  },
  failPlain() {
    throw new TypeError('plain failure');
  },
  failNonError() {
    throw 'just a string';
  },
  ok: () => 42,
};
expose(api, channel.port1 as unknown as Parameters<typeof expose>[1]);
const remote: Remote<Api> = wrap<Api>(channel.port2 as unknown as Parameters<typeof wrap>[0]);

afterAll(() => {
  channel.port1.close();
  channel.port2.close();
});

describe('errors across comlink', () => {
  it('keep code, message, line, address and cause', async () => {
    const error = await remote.failWithCode().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebProgError);
    const e = error as WebProgError;
    expect(e.code).toBe('FORMAT_CHECKSUM');
    expect(e.message).toBe('Line 7: checksum mismatch.');
    expect(e.line).toBe(7);
    expect(e.address).toBe(0x1c000);
    expect(e.cause).toBeInstanceOf(WebProgError);
    expect((e.cause as WebProgError).code).toBe('INTERNAL');
  });

  it('wrap other errors with a code and keep their message', async () => {
    const e = (await remote.failPlain().catch((x: unknown) => x)) as WebProgError;
    expect(e).toBeInstanceOf(WebProgError);
    expect(e.code).toBe('WORKER_ERROR');
    expect(e.message).toBe('plain failure');
  });

  it('pass non-error throws through unchanged', async () => {
    await expect(remote.failNonError()).rejects.toBe('just a string');
  });

  it('leave successful calls alone', async () => {
    expect(await remote.ok()).toBe(42);
  });
});
