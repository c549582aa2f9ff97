import { describe, expect, it } from 'vitest';
import { LogState } from './log.svelte';
import { rl78Client, type Rl78Client } from './rl78-client';
import { Rl78State } from './rl78.svelte';

function fakeClient() {
  const calls: unknown[][] = [];
  const client: Rl78Client = {
    rl78Configure: async (...args: unknown[]) => void calls.push(args),
    rl78Security: async () => {
      throw new Error('not used');
    },
  } as unknown as Rl78Client;
  return { client, calls };
}

describe('Rl78State', () => {
  it('shows Code Flash and Data Flash before connecting, the chip’s regions after', () => {
    const rl78 = new Rl78State(fakeClient().client, new LogState());
    expect(rl78.layout(undefined).regions.map((r) => [r.name, r.base, r.size])).toEqual([
      ['Code Flash', 0, 0x10000],
      ['Data Flash', 0xf1000, 0x1000],
    ]);
    const connection = {
      target: { name: 'R5F100GJA', additional: [] },
      regions: [
        {
          name: 'Code Flash',
          base: 0,
          size: 0x40000,
          eraseSize: 1024,
          writeSize: 256,
          fill: 0xff,
          kind: 'flash' as const,
        },
      ],
      programmer: { name: 'CP210x', serial: '', connected: true, type: 'rl78' },
    };
    expect(rl78.layout(connection)).toMatchObject({ name: 'R5F100GJA (Code Flash + Data Flash)' });
  });

  it('applies wiring, reset line, baud and voltage before each connect', async () => {
    const { client, calls } = fakeClient();
    const rl78 = new Rl78State(client, new LogState());
    rl78.wiring = 'two-wire';
    rl78.reset = 'rts';
    rl78.baud = 500000;
    rl78.volts = 5;
    expect(await rl78.beforeConnect('serial:10c4:ea60:1')).toBe(false);
    expect(calls).toEqual([
      ['serial:10c4:ea60:1', { wiring: 'two-wire', reset: 'rts', baud: 500000, volts: 5 }],
    ]);
    await rl78.useAsEsp('serial:10c4:ea60:1');
    expect(calls[1]).toEqual(['serial:10c4:ea60:1', null]);
  });

  it('a client without the RL78 calls fails clearly', async () => {
    await expect(rl78Client({}).rl78Configure('x', null)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('asks twice before a security change and passes the answers to the worker', async () => {
    const asked: string[] = [];
    const client = {
      rl78Configure: async () => undefined,
      rl78Security: async (
        _id: string,
        _request: unknown,
        options: { confirm: (m: string) => Promise<boolean> },
      ) => {
        for (const m of ['Prohibit block erase?', 'Really? It cannot be undone.']) {
          asked.push(m);
          if (!(await options.confirm(m))) throw new Error('The security change was not confirmed.');
        }
        return {
          flags: 0xfb,
          bootBlock: 3,
          windowStart: 0,
          windowEnd: 63,
          blockEraseProhibited: true,
          programmingProhibited: false,
          bootClusterProhibited: false,
        };
      },
    } as unknown as Rl78Client;
    const rl78 = new Rl78State(client, new LogState());
    const done = rl78.securityCall('d', { action: 'set', prohibit: { blockErase: true } });
    await Promise.resolve();
    expect(rl78.question).toBe('Prohibit block erase?');
    rl78.answer(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(rl78.question).toBe('Really? It cannot be undone.');
    rl78.answer(false);
    await done;
    expect(rl78.error).toMatch(/not confirmed/);
    expect(rl78.security).toBeUndefined();
  });
});
