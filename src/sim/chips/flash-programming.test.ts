import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, type SimulatedProbe } from '../index';
import { nrfNvmcPage, stm32f4Sector } from './test-programs/programs';
import { connectDapjs, CoreReg, readWords, runToHalt, writeWords } from '../testing/dapjs-session';
import type { LatencyOption } from '../clock';

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
  /** Minimum modeled time of one erase + program (datasheet figures). */
  minimumMs: number;
}

const nordic = (page: number, words: number) => (enable: boolean) => ({
  [CoreReg.R0]: page,
  [CoreReg.R1]: DATA,
  [CoreReg.R2]: words,
  [CoreReg.R3]: enable ? 1 : 0,
  [CoreReg.SP]: STACK,
});

const cases: FlashCase[] = [
  {
    name: 'nRF51822',
    create: (latency) => createSimulatedMicrobit('v1', { latency }),
    page: 0x3fc00,
    words: 256,
    program: nrfNvmcPage,
    registers: nordic(0x3fc00, 256),
    expectR0: 0,
    minimumMs: 22.3 + 256 * 0.046,
  },
  {
    name: 'nRF52833',
    create: (latency) => createSimulatedMicrobit('v2', { latency }),
    page: 0x7f000,
    words: 1024,
    program: nrfNvmcPage,
    registers: nordic(0x7f000, 1024),
    expectR0: 0,
    minimumMs: 85 + 1024 * 0.041,
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
    minimumMs: 250 + 256 * 0.016,
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
    expect(probe.target.ignoredFlashWrites).toBe(c.words);
  });

  it('takes the datasheet erase and program time in modeled time', async () => {
    const probe = c.create('daplink');
    const { cortex } = await connectDapjs(probe.usbDevice);
    await writeWords(cortex, DATA, pattern(c.words, 1));
    const before = probe.clock.nowMs;
    await runToHalt(cortex, CODE, c.program, c.registers(true));
    expect(probe.clock.nowMs - before).toBeGreaterThanOrEqual(c.minimumMs);
    expect(Array.from(await readWords(cortex, c.page, 4))).toEqual(Array.from(pattern(4, 1)));
  });
});
