import { expose, wrap, type Remote } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { registerTransferHandlers } from './comlink-setup';

interface Api {
  work(total: number, options: { step: number; onProgress?: (done: number) => void }): Promise<number>;
  ask(options: { confirm: (q: string) => Promise<boolean> }): Promise<string>;
}

registerTransferHandlers();
const channel = new MessageChannel();
const api: Api = {
  async work(total, { step, onProgress }) {
    for (let done = step; done <= total; done += step) await onProgress?.(done);
    return total;
  },
  async ask({ confirm }) {
    return (await confirm('Erase?')) ? 'erased' : 'kept';
  },
};
expose(api, channel.port1 as unknown as Parameters<typeof expose>[1]);
const remote: Remote<Api> = wrap<Api>(channel.port2 as unknown as Parameters<typeof wrap>[0]);
afterAll(() => {
  channel.port1.close();
  channel.port2.close();
});

describe('functions inside option objects', () => {
  it('arrive as callable proxies next to the plain values', async () => {
    const seen: number[] = [];
    expect(await remote.work(30, { step: 10, onProgress: (d) => void seen.push(d) })).toBe(30);
    expect(seen).toEqual([10, 20, 30]);
  });

  it('return values back across (confirmation prompts)', async () => {
    expect(await remote.ask({ confirm: async (q) => q === 'Erase?' })).toBe('erased');
    expect(await remote.ask({ confirm: async () => false })).toBe('kept');
  });

  it('leave objects without functions to structured clone', async () => {
    expect(await remote.work(5, { step: 5 })).toBe(5);
  });
});
