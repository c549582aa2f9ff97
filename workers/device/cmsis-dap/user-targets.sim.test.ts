/**
 * The person's own targets in the device worker: a loaded copy of a built-in device script
 * flashes exactly as the built-in does (same chip contents, same report, same modeled time),
 * loaded scripts are tried before the built-in ones, and a loaded CMSIS target is used when a
 * connect names it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { loadUserTarget } from '../../../src/core/user-targets';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '../../../src/sim';
import { backendFactories } from '../backend-registry';
import { imageOf, randomBytes } from './testing/images';
import { nodeScripts } from './testing/node-scripts';
import { ownAlgorithmFile } from './testing/own-algorithms';
import { UserTargetRegistry } from './user-targets';

const W = { allowWrites: true };
const LIMIT_MS = 300_000;
const swds = (stem: string) =>
  new Uint8Array(readFileSync(join(process.cwd(), 'device-scripts', 'build', `${stem}.20000000.m0.swds`)));

/** Flashes 40 KiB of random data on a fresh micro:bit V2 through the given registry's backend. */
async function flashWith(registry: UserTargetRegistry, builtIn: typeof nodeScripts, chip?: string) {
  const probe = createSimulatedMicrobit('v2', { latency: 'daplink' });
  const { usbBackend } = backendFactories({
    scripts: registry.scriptsWith(builtIn),
    cmsisTargets: registry.cmsisTargets,
  });
  const backend = usbBackend(probe.usbDevice as unknown as USBDevice, () => probe.clock.elapsedMs);
  const { target, regions } = await backend.connect({ chip });
  const data = randomBytes(40 * 1024, 9);
  const start = probe.clock.elapsedMs;
  const report = await backend.flash(imageOf(regions, SparseData.from([{ address: 0x1000, data }])), W);
  return {
    target,
    report,
    ms: probe.clock.elapsedMs - start,
    flash: probe.target.readMemory(0, 64 * 1024),
    data,
  };
}

describe('loaded targets in the device worker', () => {
  it(
    'a loaded copy of a built-in script flashes the same as the built-in',
    async () => {
      const builtIn = await flashWith(new UserTargetRegistry(), nodeScripts);
      const registry = new UserTargetRegistry();
      expect(registry.set([loadUserTarget('my-copy.swds', swds('nrf52833'))])).toEqual({ skipped: [] });
      const copy = await flashWith(registry, async () => []);
      expect(copy.target.name).toBe(builtIn.target.name);
      expect(copy.report).toEqual(builtIn.report);
      expect(copy.flash).toEqual(builtIn.flash);
      expect(copy.flash.subarray(0x1000, 0x1000 + copy.data.length)).toEqual(copy.data);
      expect(copy.ms).toBeCloseTo(builtIn.ms, 0);
    },
    LIMIT_MS,
  );

  it('loaded scripts are tried before the built-in ones; unreadable ones are left out', async () => {
    const registry = new UserTargetRegistry();
    const f4 = loadUserTarget('f4.swds', swds('stm32f4'));
    const broken = { ...loadUserTarget('n52.swds', swds('nrf52833')), bytes: new Uint8Array(8) };
    const { skipped } = registry.set([loadUserTarget('n51.swds', swds('nrf51822')), f4, broken]);
    expect(skipped).toEqual([{ name: 'Nordic nRF52833', reason: expect.stringContaining('n52.swds') }]);
    const names = (await registry.scriptsWith(nodeScripts)()).map((s) => s.name);
    expect(names.slice(0, 2)).toEqual(['Nordic nRF51822', f4.name]);
    expect(names.slice(2)).toEqual((await nodeScripts()).map((s) => s.name));
  });

  it(
    'a loaded CMSIS target is used when the connect names it',
    async () => {
      const registry = new UserTargetRegistry();
      registry.set([
        loadUserTarget('stm32f411.yaml', ownAlgorithmFile('stm32f411.yaml')),
        loadUserTarget('sim.pack', ownAlgorithmFile('WebProg.SimulatedChips.pack'), {
          device: 'nRF52833_xxAA',
        }),
      ]);
      const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
      const { usbBackend } = backendFactories({ scripts: nodeScripts, cmsisTargets: registry.cmsisTargets });
      const backend = usbBackend(probe.usbDevice as unknown as USBDevice, () => probe.clock.elapsedMs);
      const { target, regions } = await backend.connect({ chip: 'stm32f411retx' });
      expect(target.name).toBe('STM32F411RETx');
      expect(target.additional.join('\n')).toMatch(/CMSIS flash algorithm \(probe-rs\): stm32f411/);
      const data = randomBytes(20 * 1024, 3);
      await backend.flash(imageOf(regions, SparseData.from([{ address: 0x0800_0000, data }])), W);
      expect(probe.target.readMemory(0x0800_0000, data.length)).toEqual(data);
      // Without naming it, identification uses the device scripts as before.
      const again = await backend.connect();
      expect(again.target.name).toMatch(/STM32F4/);
      expect(again.target.name).not.toBe('STM32F411RETx');
      // Both ways the connect hands over the ROM table (ST, part 0x431) for the picker's fits.
      expect(target.romTablePids).toEqual([0, 0, 0, 0, 0x31, 0x04, 0x0a, 0]);
      expect(again.target.romTablePids).toEqual(target.romTablePids);
    },
    LIMIT_MS,
  );
});
