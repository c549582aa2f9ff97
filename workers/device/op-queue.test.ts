import { describe, expect, it } from 'vitest';
import { throwIfCancelled } from '../../src/core/errors';
import { OperationQueue, withTimeout } from './op-queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OperationQueue', () => {
  it('runs one operation at a time, in order, even when one fails', async () => {
    const q = new OperationQueue();
    const log: string[] = [];
    const op = (name: string, ms: number, fail = false) =>
      q.run(async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([op('a', 20), op('b', 5, true), op('c', 1)]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(q.size).toBe(0);
  });
});

describe('withTimeout', () => {
  it('cancels an overrunning operation with TIMEOUT', async () => {
    const started = Date.now();
    await expect(
      withTimeout('connect()', 30, undefined, async (signal) => {
        for (;;) {
          await sleep(5);
          throwIfCancelled(signal);
        }
      }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', message: 'connect() did not finish within 30 ms.' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('passes results and outer cancellation through', async () => {
    expect(await withTimeout('x', 100, undefined, async () => 7)).toBe(7);
    const c = new AbortController();
    const p = withTimeout('x', 1000, c.signal, async (signal) => {
      await sleep(20);
      throwIfCancelled(signal);
    });
    c.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
