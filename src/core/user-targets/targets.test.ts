/**
 * User targets: loading device scripts and CMSIS files into the library (bad files keep
 * nothing), the script footer summary, the searchable catalogue and ROM-table suggestions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseSwds } from '../device-script';
import { romTableIdentity } from './jep106';
import { summariseScriptFooter } from './script-footer';
import { fitTargets, searchTargets, suggestTargets, targetEntries } from './target-catalogue';
import { MemoryTargetStore, TargetLibrary } from './target-library';
import { devicesInFile, loadUserTarget, userCmsisTarget } from './user-target';

const read = (...p: string[]) => new Uint8Array(readFileSync(join(process.cwd(), ...p)));
const script = (stem: string) => read('device-scripts', 'build', `${stem}.20000000.m0.swds`);
const cmsis = (name: string) => read('device-scripts', 'cmsis', 'build', name);
const builtIn = ['nrf51822', 'nrf52833', 'stm32f4'].map((s) => parseSwds(script(s), `${s}.20000000.m0.swds`));
/** ROM table PIDs of a Nordic part (designer JEP106 bank 2, code 0x44) and of an ST part. */
const NORDIC_PIDS = [0x02, 0, 0, 0, 0x08, 0x40, 0x0c, 0];
const ST_PIDS = [0x00, 0, 0, 0, 0x13, 0x04, 0x0a, 0];
/** The simulated nRF52833's and STM32F411's (src/sim/chips). */
const NRF52833_PIDS = [0x02, 0, 0, 0, 0x0d, 0x40, 0x0c, 0];
const F411_PIDS = [0x00, 0, 0, 0, 0x31, 0x04, 0x0a, 0];

describe('script footer', () => {
  it('shows family, addresses, PID masks/values, match values, entries and version', () => {
    const s = summariseScriptFooter(builtIn[1]);
    expect(s).toMatchObject({
      family: 'Nordic nRF52833',
      formatVersion: 2,
      loadAddress: '0x20000000',
      stagingAddress: '0x20000800',
      secondStagingAddress: '0x20002000',
    });
    expect(s.pids[0]).toEqual({ pid: 'PID4', mask: '0x0F', value: '0x02' });
    expect(s.pids[5]).toEqual({ pid: 'PID1', mask: '0xF0', value: '0x40' });
    expect(s.matchValues).toEqual([
      { address: '0x10000100', mask: '0xFFFFFFFF', value: '0x00052833' },
      { address: '0x10000010', mask: '0xFFFFFFFF', value: '0x00001000' },
    ]);
    expect(s.entries).toEqual(
      expect.arrayContaining(['initStage1', 'allErase', 'pageErase', 'pageWrite', 'cpuid', 'blockChecksum']),
    );
    expect(s.missingEntries).toEqual(['initStage2', 'initStage3']);
  });
});

describe('target library', () => {
  it('keeps a device script under its family name, replacing an older copy', async () => {
    const library = new TargetLibrary(new MemoryTargetStore());
    const first = await library.add('mine.swds', script('stm32f4'), { now: 1 });
    expect(first).toMatchObject({
      id: expect.stringMatching(/^device-script:stm32f4/),
      kind: 'device-script',
      file: 'mine.swds',
    });
    expect(first.name).toMatch(/STM32F4/);
    await library.add('again.swds', script('stm32f4'), { now: 2 });
    expect((await library.list()).map((t) => t.file)).toEqual(['again.swds']);
  });

  it('a file that does not parse keeps nothing and says why', async () => {
    const library = new TargetLibrary(new MemoryTargetStore());
    await expect(library.add('broken.swds', script('nrf51822').subarray(0, 40))).rejects.toMatchObject({
      code: 'FORMAT_INVALID',
    });
    await expect(library.add('cut.FLM', cmsis('nrf51822.FLM').subarray(0, 300))).rejects.toThrow(/cut.FLM/);
    await expect(library.add('notes.txt', strToU8('hello'))).rejects.toMatchObject({
      code: 'FORMAT_UNSUPPORTED',
    });
    expect(await library.list()).toEqual([]);
  });

  it('a pack needs a device chosen among those it lists', async () => {
    const pack = cmsis('WebProg.SimulatedChips.pack');
    expect(devicesInFile('sim.pack', pack)).toEqual(['nRF51822_xxAA', 'nRF52833_xxAA', 'STM32F411RETx']);
    expect(() => loadUserTarget('sim.pack', pack)).toThrow(
      /choose one of nRF51822_xxAA, nRF52833_xxAA, STM32F411RETx/,
    );
    expect(() => loadUserTarget('sim.pack', pack, { device: 'nRF52840_xxAA' })).toThrow(
      /has no device "nRF52840_xxAA"/,
    );
    const t = loadUserTarget('sim.pack', pack, { device: 'nrf52833_xxaa' });
    expect(t).toMatchObject({ name: 'nRF52833_xxAA', kind: 'cmsis-pack', device: 'nRF52833_xxAA' });
    expect(userCmsisTarget(t).algorithms[0].flash.pageSize).toBe(0x1000);
  });

  it('a probe-rs description with one variant and a bare FLM load without a choice', () => {
    expect(loadUserTarget('stm32f411.yaml', cmsis('stm32f411.yaml'))).toMatchObject({
      name: 'STM32F411RETx',
      kind: 'probe-rs',
    });
    const flm = loadUserTarget('nrf51822.FLM', cmsis('nrf51822.FLM'), {
      ram: { start: 0x2000_0000, size: 0x4000 },
    });
    expect(flm).toMatchObject({ name: 'nRF51822 256 KiB Flash', kind: 'cmsis-flm' });
    expect(userCmsisTarget(flm).ram).toEqual({ start: 0x2000_0000, size: 0x4000 });
  });
});

describe('target catalogue', () => {
  const loaded = [
    loadUserTarget('sim.pack', cmsis('WebProg.SimulatedChips.pack'), { device: 'STM32F411RETx' }),
    loadUserTarget('nrf52833.yaml', cmsis('nrf52833.yaml')),
    loadUserTarget('copy.swds', script('nrf51822')),
  ];
  const entries = targetEntries(builtIn, loaded);

  it('lists built-in scripts first, then loaded targets with vendor and designer', () => {
    expect(entries.map((e) => [e.origin, e.kind, e.name])).toEqual([
      ['built-in', 'built-in-script', 'Nordic nRF51822'],
      ['built-in', 'built-in-script', 'Nordic nRF52833'],
      ['built-in', 'built-in-script', builtIn[2].name],
      ['loaded', 'device-script', 'Nordic nRF51822'],
      ['loaded', 'probe-rs', 'nRF52833_xxAA'],
      ['loaded', 'cmsis-pack', 'STM32F411RETx'],
    ]);
    expect(entries[5]).toMatchObject({ vendor: 'STMicroelectronics', jep106: { cc: 0, id: 0x20 } });
    expect(entries[4]).toMatchObject({ jep106: { cc: 2, id: 0x44 } });
  });

  it('searches by words in any case, exact and prefix names first', () => {
    expect(searchTargets(entries, 'nrf52833').map((e) => e.name)).toEqual([
      'nRF52833_xxAA',
      'Nordic nRF52833',
    ]);
    expect(searchTargets(entries, 'stm pack').map((e) => e.name)).toEqual(['STM32F411RETx']);
    expect(searchTargets(entries, 'nothing like this')).toEqual([]);
    expect(searchTargets(entries, '  ')).toHaveLength(6);
  });

  it('decodes the ROM table designer and suggests matching targets', () => {
    expect(romTableIdentity(NORDIC_PIDS)).toEqual({
      designer: { cc: 2, id: 0x44 },
      designerName: 'Nordic Semiconductor',
      part: 0x008,
    });
    // Only loaded targets are suggested; a designer alone ranks below the script's masks.
    const nordic = suggestTargets(entries, NORDIC_PIDS).map((e) => `${e.origin}:${e.name}`);
    expect(nordic).toEqual(['loaded:Nordic nRF51822', 'loaded:nRF52833_xxAA']);
    const st = suggestTargets(entries, ST_PIDS).map((e) => e.name);
    expect(st).toEqual(['STM32F411RETx']);
  });

  it('ranks loaded targets by part number and the identified name, saying why', () => {
    const withFlm = targetEntries(builtIn, [
      ...loaded,
      loadUserTarget('stm32f411.FLM', cmsis('stm32f411.FLM')),
    ]);
    // The nRF52833's ROM table (part 0x00D) identified by the built-in "Nordic nRF52833" script.
    const fits = fitTargets(withFlm, { pids: NRF52833_PIDS, name: 'Nordic nRF52833' });
    expect(fits.map((f) => [f.entry.name, f.score])).toEqual([
      ['nRF52833_xxAA', 120],
      ['Nordic nRF51822', 50],
    ]);
    expect(fits[0].reasons).toEqual([
      'designer Nordic Semiconductor',
      'ROM table part 0x00D is nRF52833',
      'named like the identified Nordic nRF52833',
    ]);
    // The STM32F411's (ST, part 0x431): the pack's device by designer and part, the bare .FLM
    // (no vendor) by its name only.
    const st = fitTargets(withFlm, { pids: F411_PIDS });
    expect(st.map((f) => [f.entry.kind, f.score])).toEqual([
      ['cmsis-pack', 80],
      ['cmsis-flm', 60],
    ]);
    expect(st[1].reasons).toEqual(['ROM table part 0x431 is STM32F411']);
    // A chip of an unknown part still gets its designer's targets; another designer's never.
    expect(fitTargets(withFlm, { pids: ST_PIDS }).map((f) => f.entry.kind)).toEqual(['cmsis-pack']);
    expect(fitTargets(withFlm, { pids: [0, 0, 0, 0, 0, 0, 0, 0] })).toEqual([]);
  });
});
