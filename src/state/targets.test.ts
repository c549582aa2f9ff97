/**
 * The target picker's state: loading scripts and CMSIS files (a pack asks for its device
 * first), handing them to the device worker, refusing bad files without keeping anything,
 * search, the chosen chip, footers, and suggestions from an unknown chip's ROM table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryTargetStore, type UserTarget } from '../core/user-targets';
import { builtInScripts } from './built-in-scripts';
import { LogState } from './log.svelte';
import { pidsFromUnknownChip, TargetsState } from './targets.svelte';

const read = (...p: string[]) => new Uint8Array(readFileSync(join(process.cwd(), ...p)));
const swds = (stem: string) => read('device-scripts', 'build', `${stem}.20000000.m0.swds`);
const pack = () => read('device-scripts', 'cmsis', 'build', 'WebProg.SimulatedChips.pack');

function setup(store = new MemoryTargetStore()) {
  const handed: UserTarget[][] = [];
  const log = new LogState();
  const state = new TargetsState(
    {
      async setUserTargets(targets) {
        handed.push(targets);
        return { skipped: [] };
      },
    },
    store,
    builtInScripts(),
    log,
  );
  return { state, handed, log, store };
}

describe('TargetsState', () => {
  it('loads a script, keeps it in the store and hands it to the device worker', async () => {
    const { state, handed, store } = setup();
    await state.start();
    expect(handed).toEqual([[]]);
    const t = await state.load('mine.swds', swds('nrf51822'));
    expect(t?.name).toBe('Nordic nRF51822');
    expect((await store.list()).map((x) => x.file)).toEqual(['mine.swds']);
    expect(handed.at(-1)!.map((x) => x.name)).toEqual(['Nordic nRF51822']);
    expect(state.entries.filter((e) => e.origin === 'loaded').map((e) => e.name)).toEqual([
      'Nordic nRF51822',
    ]);
    const footer = state.footerOf(t!.id)!;
    expect(footer).toMatchObject({ family: 'Nordic nRF51822', loadAddress: '0x20000000', formatVersion: 2 });
    // A fresh state over the same store finds it again (as after a reload).
    const again = setup(store);
    await again.state.start();
    expect(again.handed[0].map((x) => x.file)).toEqual(['mine.swds']);
  });

  it('a pack with several devices waits for a choice, then loads the chosen one', async () => {
    const { state, handed } = setup();
    await state.start();
    expect(await state.load('sim.pack', pack())).toBeUndefined();
    expect(state.pending?.devices).toEqual(['nRF51822_xxAA', 'nRF52833_xxAA', 'STM32F411RETx']);
    expect(handed).toHaveLength(1);
    const t = await state.choosePending('STM32F411RETx');
    expect(t).toMatchObject({ kind: 'cmsis-pack', name: 'STM32F411RETx' });
    expect(state.pending).toBeUndefined();
    state.query = 'stm32f411r';
    expect(state.found.map((e) => e.name)).toEqual(['STM32F411RETx']);
    state.choose('STM32F411RETx');
    await state.remove(t!.id);
    expect(state.chosen).toBeUndefined();
    expect(state.loaded).toEqual([]);
  });

  it('a bad file keeps nothing and says why', async () => {
    const { state, handed, log } = setup();
    await state.start();
    await state.load('bad.swds', swds('nrf52833').subarray(0, 50));
    expect(state.problem).toMatch(/bad.swds/);
    expect(state.loaded).toEqual([]);
    expect(handed).toHaveLength(1);
    expect(log.entries.at(-1)?.level).toBe('error');
  });

  it('suggests loaded targets from the ROM table of a chip, ranked', async () => {
    const { state } = setup();
    await state.start();
    await state.load('sim.pack', pack(), { device: 'nRF52833_xxAA' });
    const message =
      'No device script matches this chip (3 tried).\nROM table 0xF0000000 PID4..7,PID0..3: 0x02 0x00 0x00 0x00 0x08 0x40 0x0C 0x00\nCPUID: 0x410CC601';
    const pids = pidsFromUnknownChip(message)!;
    expect(pids).toEqual([0x02, 0, 0, 0, 0x08, 0x40, 0x0c, 0]);
    const fits = state.suggestionsFor(pids);
    expect(fits.map((f) => f.entry.name)).toEqual(['nRF52833_xxAA']);
    expect(fits[0].reasons).toEqual(['designer Nordic Semiconductor']);
    // Once identified (the nRF52833's part 0x00D, by the built-in script) it ranks higher.
    const identified = state.suggestionsFor([0x02, 0, 0, 0, 0x0d, 0x40, 0x0c, 0], 'Nordic nRF52833');
    expect(identified[0].score).toBeGreaterThan(fits[0].score);
    expect(pidsFromUnknownChip('Timeout')).toBeUndefined();
  });
});
