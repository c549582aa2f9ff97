import { describe, expect, it } from 'vitest';
import {
  createSimulatedBluePill,
  createSimulatedMicrobit,
  createSimulatedNrf52840Dk,
  createSimulatedStm32f411Probe,
  type SimulatedProbe,
} from '../index';
import { nrfNvmcPage, stm32f1Page, stm32f4Sector } from './test-programs/programs';
import { connectDapjs, CoreReg, readWords, runToHalt, writeWords } from '../testing/dapjs-session';
import { DAPLINK_WORST_CASE, type LatencyOption } from '../clock';
import {
  NRF51822_TIMINGS,
  NRF52833_TIMINGS,
  NRF52840_TIMINGS,
  STM32F103_TIMINGS,
  STM32F411_TIMINGS,
} from './timing-profiles';

const CODE = 0x20000000;
const DATA = 0x20001000;
const STACK = 0x20000800;

function pattern(words: number, seed: number): Uint32Array {
  return Uint32Array.from({ length: words }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) ^ seed) >>> 0);
}

interface FlashCase {
  name: string;
  create: (latency: LatencyOption) => SimulatedProbe;
  page: number;
  words: number;
  program: Uint8Array;
  /** Registers for the program; `enable` = false leaves the controller's write enable off. */
  registers: (enable: boolean) => Record<number, number>;
  expectR0: number;
  /** Program stores the controller ignores without its write enable (default `words`). */
  ignoredWrites?: number;
  /** Modeled time of one erase + program at least: typical and worst-case figures. */
  minimumMs: { typical: number; worst: number };
}

const nordic = (page: number, words: number) => (enable: boolean) => ({
  [CoreReg.R0]: page,
  [CoreReg.R1]: DATA,
  [CoreReg.R2]: words,
  [CoreReg.R3]: enable ? 1 : 0,
  [CoreReg.SP]: STACK,
});

/** One page erase plus `words` word writes, in ms, for both columns of a Nordic profile. */
function nvmcMs(profile: typeof NRF52833_TIMINGS, words: number): { typical: number; worst: number } {
  const ms = (t: typeof profile.typical) => (t.pageEraseUs + words * t.wordWriteUs) / 1000;
  return { typical: ms(profile.typical), worst: ms(profile.worst) };
}

const cases: FlashCase[] = [
  {
    name: 'nRF51822',
    create: (latency) => createSimulatedMicrobit('v1', { latency }),
    page: 0x3fc00,
    words: 256,
    program: nrfNvmcPage,
    registers: nordic(0x3fc00, 256),
    expectR0: 0,
    minimumMs: nvmcMs(NRF51822_TIMINGS, 256),
  },
  {
    name: 'nRF52833',
    create: (latency) => createSimulatedMicrobit('v2', { latency }),
    page: 0x7f000,
    words: 1024,
    program: nrfNvmcPage,
    registers: nordic(0x7f000, 1024),
    expectR0: 0,
    minimumMs: nvmcMs(NRF52833_TIMINGS, 1024),
  },
  {
    name: 'nRF52840',
    create: (latency) => createSimulatedNrf52840Dk({ latency }),
    page: 0xff000,
    words: 1024,
    program: nrfNvmcPage,
    registers: nordic(0xff000, 1024),
    expectR0: 0,
    minimumMs: nvmcMs(NRF52840_TIMINGS, 1024),
  },
  {
    name: 'STM32F411',
    create: (latency) => createSimulatedStm32f411Probe({ latency }),
    page: 0x08004000,
    words: 256,
    program: stm32f4Sector,
    registers: (enable) => ({
      [CoreReg.R0]: 1, // sector 1 = 0x08004000
      [CoreReg.R1]: 0x08004000,
      [CoreReg.R2]: DATA,
      [CoreReg.R3]: 256,
      [CoreReg.R4]: enable ? 1 : 0,
      [CoreReg.SP]: STACK,
    }),
    expectR0: 0,
    minimumMs: {
      typical:
        (STM32F411_TIMINGS.typical.sectorEraseUs(16384, 32) + 256 * STM32F411_TIMINGS.typical.programUs) /
        1000,
      worst:
        (STM32F411_TIMINGS.worst.sectorEraseUs(16384, 32) + 256 * STM32F411_TIMINGS.worst.programUs) / 1000,
    },
  },
  {
    name: 'STM32F103C8',
    create: (latency) => createSimulatedBluePill({ latency }),
    page: 0x0800fc00,
    words: 256,
    program: stm32f1Page,
    registers: (enable) => ({
      [CoreReg.R0]: 0x0800fc00,
      [CoreReg.R1]: 0x0800fc00,
      [CoreReg.R2]: DATA,
      [CoreReg.R3]: 512, // half-words
      [CoreReg.R4]: enable ? 1 : 0,
      [CoreReg.SP]: STACK,
    }),
    expectR0: 0x20, // EOP only: no PGERR, no WRPRTERR
    ignoredWrites: 512,
    minimumMs: {
      typical: (STM32F103_TIMINGS.typical.pageEraseUs + 512 * STM32F103_TIMINGS.typical.programUs) / 1000,
      worst: (STM32F103_TIMINGS.worst.pageEraseUs + 512 * STM32F103_TIMINGS.worst.programUs) / 1000,
    },
  },
];

describe.each(cases)('hand-assembled flash routine on $name', (c) => {
  it('erases a page and programs it through the flash controller', async () => {
    const probe = c.create('zero');
    const { cortex } = await connectDapjs(probe.usbDevice);
    const data = pattern(c.words, 0x5a5a0000);
    await writeWords(cortex, DATA, data);
    await runToHalt(cortex, CODE, c.program, c.registers(true));
    expect((await cortex.readCoreRegister(CoreReg.R0)) >>> 0).toBe(c.expectR0);
    expect(Array.from(await readWords(cortex, c.page, c.words))).toEqual(Array.from(data));
    expect(probe.target.ignoredFlashWrites).toBe(0);
  });

  it('leaves the flash unchanged when the write enable is not set', async () => {
    const probe = c.create('zero');
    const { cortex } = await connectDapjs(probe.usbDevice);
    await writeWords(cortex, DATA, pattern(c.words, 0x12340000));
    await runToHalt(cortex, CODE, c.program, c.registers(false));
    const flash = await readWords(cortex, c.page, c.words);
    expect(flash.every((w) => w === 0xffffffff)).toBe(true);
    expect(probe.target.ignoredFlashWrites).toBe(c.ignoredWrites ?? c.words);
  });

  it.each([
    ['typical', 'daplink' as LatencyOption],
    ['worst', DAPLINK_WORST_CASE as LatencyOption],
  ] as const)('takes the %s erase and program time in modeled time', async (column, latency) => {
    const run = async (profile: LatencyOption) => {
      const probe = c.create(profile);
      const { cortex } = await connectDapjs(probe.usbDevice);
      await writeWords(cortex, DATA, pattern(c.words, 1));
      const before = probe.clock.nowMs;
      await runToHalt(cortex, CODE, c.program, c.registers(true));
      const took = probe.clock.nowMs - before;
      expect(Array.from(await readWords(cortex, c.page, 4))).toEqual(Array.from(pattern(4, 1)));
      return took;
    };
    const took = await run(latency);
    expect(took).toBeGreaterThanOrEqual(c.minimumMs[column]);
    // Typical silicon is faster than the datasheet maximum wherever a measurement says so.
    if (column === 'typical' && c.minimumMs.typical < c.minimumMs.worst)
      expect(took).toBeLessThan(await run(DAPLINK_WORST_CASE as LatencyOption));
  });
});
