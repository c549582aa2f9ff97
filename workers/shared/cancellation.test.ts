import { describe, expect, it } from 'vitest';
import { CancelRegistry, callWithSignal } from './cancellation';

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

describe('cancellation across a boundary', () => {
  it('aborts the worker-side signal of the matching call only', async () => {
    const registry = new CancelRegistry();
    const controller = new AbortController();
    let otherAborted = false;
    const other = registry.run(999, async (signal) => {
      await new Promise((r) => setTimeout(r, 20));
      otherAborted = signal.aborted;
      return 'other done';
    });
    const call = callWithSignal(
      controller.signal,
      (id) => registry.cancel(id),
      (id) => registry.run(id, (signal) => waitForAbort(signal)),
    );
    setTimeout(() => controller.abort(), 5);
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await other).toBe('other done');
    expect(otherAborted).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    let called = false;
    const controller = new AbortController();
    controller.abort();
    await expect(
      callWithSignal(
        controller.signal,
        () => undefined,
        async () => {
          called = true;
        },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(called).toBe(false);
  });

  it('forgets finished calls', async () => {
    const registry = new CancelRegistry();
    let seen: AbortSignal | undefined;
    await registry.run(1, (signal) => {
      seen = signal;
    });
    registry.cancel(1);
    expect(seen?.aborted).toBe(false);
  });
});
