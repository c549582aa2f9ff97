/**
 * The workbench through the device worker's service as the page reaches it (comlink over a
 * MessageChannel, simulation on): on a simulated micro:bit V2 the person's loaded copy of the
 * nRF52833 script is tried first and chosen, the built-in one matches too; a built script runs
 * stage by stage and one 4 KiB page is erased, written and read back, the confirmation crossing
 * as a proxied callback; errors keep their codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { proxy } from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserTarget } from '../../../src/core/user-targets';
import { backendFactories } from '../backend-registry';
import { serviceRig } from '../testing';
import { patternBytes } from './bench-pattern';
import { nodeScripts } from './testing/node-scripts';
import { UserTargetRegistry } from './user-targets';

const SCRIPT = readFileSync(join(process.cwd(), 'device-scripts/build/nrf52833.20000000.m0.swds'));
const userTargets = new UserTargetRegistry();
userTargets.set([loadUserTarget('my-nrf52833.swds', new Uint8Array(SCRIPT))]);
const { device, close } = serviceRig({
  sources: backendFactories({ scripts: userTargets.scriptsWith(nodeScripts) }),
  userTargets,
  builtInScripts: nodeScripts,
});
afterAll(close);

const LIMIT_MS = 120_000;

describe('workbench through the device worker service', () => {
  it(
    'info, stages and a block test on a simulated micro:bit V2',
    async () => {
      const id = await device.plugSimulated('microbit-v2', { latency: 'zero' });
      const info = await device.benchInfo(id);
      const nrf = info.scripts.filter((s) => s.name.includes('nRF52833'));
      expect(nrf.map((s) => [s.source, s.matched, s.chosen])).toEqual([
        ['loaded', true, true],
        ['built-in', true, false],
      ]);
      expect(info.scripts[0].source).toBe('loaded');

      const loaded = await device.benchLoad(id, { file: 'nrf52833.swds', bytes: new Uint8Array(SCRIPT) });
      expect(loaded.entries).toEqual({ allErase: true, pageErase: true, pageWrite: true });
      for (const stage of loaded.stages) expect((await device.benchStage(id, stage)).ok).toBe(true);
      const init = await device.benchStage(id, loaded.stages.at(-1)!);
      expect(init.flash!.map((a) => [a.name, a.base, a.size])).toEqual([
        ['Code Flash', 0, 512 * 1024],
        ['UICR', 0x1000_1000, expect.any(Number)],
      ]);

      const asked: string[] = [];
      const result = await device.benchBlock(
        id,
        { address: 0x7_f000, pattern: 'counter' },
        { allowWrites: true, confirm: proxy(async (q: string) => (asked.push(q), true)) },
      );
      expect(asked).toHaveLength(1);
      expect(result).toMatchObject({ size: 4096, blankAfterErase: true, readBackMatches: true });
      expect(result.writes.every((w) => w.ok)).toBe(true);
      expect(result.head).toEqual(patternBytes('counter', 0x7_f000, 64));

      // A connect for the Flash flow ends the workbench's hold: the next stage says so.
      await device.connectDevice(id);
      await expect(device.benchStage(id, 'init1')).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
      await expect(device.benchBlock(id, { address: 0x7_f000, pattern: 'zeros' })).rejects.toMatchObject({
        code: 'NOT_CONNECTED',
      });
    },
    LIMIT_MS,
  );

  it('refuses serial boards', async () => {
    const id = await device.plugSimulated('esp32', { latency: 'zero' });
    await expect(device.benchInfo(id)).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
