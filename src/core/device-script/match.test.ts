import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesCheckValues, matchesRomTable, peripheralId } from './match';
import { parseSwds } from './swds-file';

const BUILD_DIR = path.resolve(process.cwd(), 'device-scripts/build');

function builtScript(id: string) {
  const file = readdirSync(BUILD_DIR).find((f) => f.startsWith(`${id}.`) && f.endsWith('.swds'));
  if (!file) throw new Error(`no built script for ${id}`);
  return parseSwds(new Uint8Array(readFileSync(path.join(BUILD_DIR, file))), file);
}

/** ROM table PID words (PID4..PID7, PID0..PID3) from a 64-bit PID as pyOCD prints it. */
function pidWords(pid: bigint): number[] {
  const byte = (shift: bigint) => Number((pid >> shift) & 0xffn);
  return [byte(32n), 0, 0, 0, byte(0n), byte(8n), byte(16n), byte(24n)];
}

/** Nordic ROM table of a micro:bit V1 (reference: 0x2007C4001 = 02 00 00 00 01 40 7C 00). */
const MICROBIT_V1 = [0x02, 0, 0, 0, 0x01, 0x40, 0x7c, 0];
/** The nRF52 example of CortexProg's legacy doc: PID0 0x06, PID2 0x5C. */
const NRF52_EXAMPLE = [0x02, 0, 0, 0, 0x06, 0x40, 0x5c, 0];
/** ST ROM tables: JEP106 0x20, part = DEV_ID (0x431 F411, 0x413 F405) or 0x411 (F405 rev A). */
const STM32F411 = [0, 0, 0, 0, 0x31, 0x04, 0x0a, 0];
const STM32F405_REV_A = [0, 0, 0, 0, 0x11, 0x04, 0x0a, 0];
/** Arm's own Cortex-M0 ROM table (04 00 00 00 71 B4 0B 00): not a vendor chip. */
const ARM_M0_TABLE = [0x04, 0, 0, 0, 0x71, 0xb4, 0x0b, 0];
/** An ST ROM table with part 0x500, outside the F4's 0x4xx range. */
const ST_H7 = [0, 0, 0, 0, 0x00, 0x05, 0x0a, 0];

describe('matchesRomTable', () => {
  const nrf51 = builtScript('nrf51822');
  const nrf52 = builtScript('nrf52833');
  const stm32 = builtScript('stm32f4');

  it('matches the micro:bit V1 Nordic ROM table (PID2 = 0x7C) with both Nordic scripts', () => {
    expect(matchesRomTable(nrf51, MICROBIT_V1)).toBe(true);
    expect(matchesRomTable(nrf52, MICROBIT_V1)).toBe(true);
    expect(matchesRomTable(stm32, MICROBIT_V1)).toBe(false);
  });

  it('matches other Nordic revisions and parts', () => {
    expect(matchesRomTable(nrf52, NRF52_EXAMPLE)).toBe(true);
  });

  it('matches ST ROM tables of F4 parts only with the STM32F4 script', () => {
    for (const pids of [STM32F411, STM32F405_REV_A]) {
      expect(matchesRomTable(stm32, pids)).toBe(true);
      expect(matchesRomTable(nrf51, pids)).toBe(false);
    }
    expect(matchesRomTable(stm32, ST_H7)).toBe(false);
  });

  it('matches no script against Arm’s generic Cortex-M0 ROM table', () => {
    for (const script of [nrf51, nrf52, stm32]) expect(matchesRomTable(script, ARM_M0_TABLE)).toBe(false);
  });

  it('demands exactly eight words', () => {
    expect(() => matchesRomTable(nrf51, MICROBIT_V1.slice(0, 7))).toThrowError(/8 ROM table PID words/);
  });

  it('compares unsigned words (masks with bit 31 set)', () => {
    const script = {
      pidMasks: new Array(8).fill(0xffffffff),
      pidValues: new Array(8).fill(0x80000000),
      checkValues: [],
    };
    expect(matchesRomTable(script, new Array(8).fill(0x80000000))).toBe(true);
    expect(matchesRomTable(script, new Array(8).fill(0x80000001))).toBe(false);
  });
});

describe('matchesCheckValues', () => {
  const nrf51 = builtScript('nrf51822');
  const nrf52 = builtScript('nrf52833');
  const stm32 = builtScript('stm32f4');

  /** A chip as a table of readable words. */
  const chip = (words: Record<number, number>) => (address: number) => words[address];

  const microbitV1 = chip({ 0xe000ed00: 0x410cc200, 0x10000010: 0x400, 0x10000014: 0x100 });
  const microbitV2 = chip({ 0xe000ed00: 0x410fc241, 0x10000010: 0x1000, 0x10000100: 0x52833 });
  const stm32f411 = chip({ 0xe0042000: 0x10006431, 0x1fff7a20: 0x0200ffff });

  it('tells the two Nordic chips apart', async () => {
    expect(await matchesCheckValues(nrf51, microbitV1)).toBe(true);
    expect(await matchesCheckValues(nrf52, microbitV1)).toBe(false);
    expect(await matchesCheckValues(nrf52, microbitV2)).toBe(true);
    expect(await matchesCheckValues(nrf51, microbitV2)).toBe(false);
  });

  it('accepts the STM32F411 and treats unreadable words as no match', async () => {
    expect(await matchesCheckValues(stm32, stm32f411)).toBe(true);
    expect(await matchesCheckValues(stm32, chip({ 0xe0042000: 0x10006431 }))).toBe(false);
    expect(await matchesCheckValues(nrf51, stm32f411)).toBe(false);
  });

  it('works with an async reader and stops at the first failure', async () => {
    const read: number[] = [];
    const reader = async (address: number) => {
      read.push(address);
      return undefined;
    };
    expect(await matchesCheckValues(stm32, reader)).toBe(false);
    expect(read).toEqual([0xe0042000]);
  });
});

describe('peripheralId', () => {
  it('builds the 64-bit PID pyOCD shows', () => {
    expect(peripheralId(MICROBIT_V1)).toBe(0x2007c4001n);
    expect(peripheralId(ARM_M0_TABLE)).toBe(0x4000bb471n);
    expect(pidWords(0x2007c4001n)).toEqual(MICROBIT_V1);
  });
});
