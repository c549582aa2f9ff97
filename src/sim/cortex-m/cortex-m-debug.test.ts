import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe, type SimulatedProbe } from '../index';
import { sumWords } from '../chips/test-programs/programs';
import { connectDapjs, CoreReg, haltCore, Reg, runToHalt } from '../testing/dapjs-session';

interface ChipCase {
  name: string;
  create: () => SimulatedProbe;
  cpuid: number;
  /** ROM table address and its 8 ID words PID4..PID7, PID0..PID3. */
  romTables: { base: number; pids: number[] }[];
  ram: number;
}

const cases: ChipCase[] = [
  {
    name: 'nRF51822 (micro:bit V1)',
    create: () => createSimulatedMicrobit('v1', { latency: 'zero' }),
    cpuid: 0x410cc200,
    romTables: [
      { base: 0xf0000000, pids: [0x02, 0, 0, 0, 0x01, 0x40, 0x7c, 0x00] },
      { base: 0xe00ff000, pids: [0x04, 0, 0, 0, 0x71, 0xb4, 0x0b, 0x00] },
    ],
    ram: 0x20000000,
  },
  {
    name: 'nRF52833 (micro:bit V2)',
    create: () => createSimulatedMicrobit('v2', { latency: 'zero' }),
    cpuid: 0x410fc241,
    romTables: [{ base: 0xe00ff000, pids: [0x02, 0, 0, 0, 0x0d, 0x40, 0x0c, 0x00] }],
    ram: 0x20000000,
  },
  {
    name: 'STM32F411',
    create: () => createSimulatedStm32f411Probe({ latency: 'zero' }),
    cpuid: 0x410fc241,
    romTables: [{ base: 0xe00ff000, pids: [0x00, 0, 0, 0, 0x31, 0x04, 0x0a, 0x00] }],
    ram: 0x20000000,
  },
];

describe.each(cases)('Cortex-M debug through dapjs: $name', (c) => {
  it('reads the ROM table PIDs, CIDs and CPUID', async () => {
    const probe = c.create();
    const { cortex } = await connectDapjs(probe.usbDevice);
    for (const table of c.romTables) {
      const ids = await cortex.readBlock(table.base + 0xfd0, 12);
      expect(Array.from(ids.subarray(0, 8))).toEqual(table.pids);
      expect(Array.from(ids.subarray(8))).toEqual([0x0d, 0x10, 0x05, 0xb1]);
    }
    expect((await cortex.readMem32(Reg.CPUID)) >>> 0).toBe(c.cpuid);
    const scsCid = await cortex.readBlock(0xe000eff0, 4);
    expect(Array.from(scsCid)).toEqual([0x0d, 0xe0, 0x05, 0xb1]);
  });

  it('halts, writes and reads core registers', async () => {
    const probe = c.create();
    const { cortex } = await connectDapjs(probe.usbDevice);
    await haltCore(cortex);
    const dhcsr = (await cortex.readMem32(Reg.DHCSR)) >>> 0;
    expect(dhcsr & 0x00030003).toBe(0x00030003); // S_HALT, S_REGRDY, C_HALT, C_DEBUGEN
    expect((await cortex.readMem32(Reg.DFSR)) & 1).toBe(1); // HALTED
    for (let r = 0; r <= 12; r++) await cortex.writeCoreRegister(r, 0x1000 * r + 7);
    await cortex.writeCoreRegister(CoreReg.LR, 0xdeadbeef);
    for (let r = 0; r <= 12; r++) expect(await cortex.readCoreRegister(r)).toBe(0x1000 * r + 7);
    expect((await cortex.readCoreRegister(CoreReg.LR)) >>> 0).toBe(0xdeadbeef);
  });

  it('runs a program from RAM to its BKPT and reads the result', async () => {
    const probe = c.create();
    const { cortex } = await connectDapjs(probe.usbDevice);
    const data = c.ram + 0x800;
    await cortex.writeBlock(data, Uint32Array.from([1, 2, 3, 40, 500]));
    await runToHalt(cortex, c.ram, sumWords, {
      [CoreReg.R0]: data,
      [CoreReg.R1]: 5,
      [CoreReg.SP]: c.ram + 0x1000,
    });
    expect(await cortex.readCoreRegister(CoreReg.R0)).toBe(546);
    expect((await cortex.readMem32(Reg.DFSR)) & 2).toBe(2); // BKPT
    const pc = await cortex.readCoreRegister(CoreReg.PC);
    expect(pc).toBe(c.ram + sumWords.length - 2); // at the BKPT, not after it
    expect(probe.target.instructions).toBeGreaterThan(20);
  });
});
