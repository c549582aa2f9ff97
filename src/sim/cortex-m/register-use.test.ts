/**
 * decodeRegisterUse against what rp2040js's core (the one the simulated Cortex-M runs) does for
 * every 16-bit opcode and the 32-bit ones it implements: from random states, registers and
 * flags outside an instruction's writes keep their values, and changing every register and
 * flag outside its reads changes nothing it writes, reads from a device, stores or faults on.
 */
import { describe, expect, it } from 'vitest';
import { CODE, RAM, prng, randomCoreSystem, registerValue } from '../testing/random-core';
import { USE_ALL, decodeRegisterUse, isWideOpcode, type RegisterUse } from './register-use';

/** The register values drawn: no unmapped addresses (a fault ends the check). */
const KINDS = { small: 40, unmapped: false };

const { clock, ram, runner, device } = randomCoreSystem(false);
const core = runner.core;

/** Registers r0–r14 and the flags (bits 16–19, as a use mask) in one array. */
function state(): number[] {
  const s = Array.from(core.registers.subarray(0, 15));
  s.push(core.N ? 1 : 0, core.Z ? 1 : 0, core.C ? 1 : 0, core.V ? 1 : 0);
  return s;
}

/** Bit of a use mask for index `i` of {@link state}. */
const bit = (i: number) => (i < 15 ? 1 << i : 1 << (i + 1));

/**
 * Executes `opcode`/`opcode2` once from the state `seed` gives; with `keep`, the registers and
 * flags in that mask come from `seed` and the rest from `otherSeed`.
 */
function execute(opcode: number, opcode2: number, seed: number, keep = USE_ALL, otherSeed = seed) {
  const memory = prng(seed);
  const words = new Uint32Array(ram.buffer);
  for (let i = 0; i < words.length; i++) words[i] = memory();
  new DataView(ram.buffer).setUint16(CODE - RAM, opcode, true);
  new DataView(ram.buffer).setUint16(CODE - RAM + 2, opcode2, true);
  device.log.length = 0;
  runner.faults.length = 0;
  runner.state = 'running';
  runner.tBit = true;
  const kept = prng(seed ^ 0x1234567);
  const other = prng(otherSeed ^ 0x1234567);
  const values: number[] = [];
  for (let i = 0; i < 19; i++) {
    const a =
      i === 13 ? (RAM + 0x400 + (kept() % 0x200)) & ~3 : i < 15 ? registerValue(kept, KINDS) : kept() & 1;
    const b =
      i === 13 ? (RAM + 0x400 + (other() % 0x200)) & ~3 : i < 15 ? registerValue(other, KINDS) : other() & 1;
    values.push(keep & bit(i) ? a : b);
  }
  for (let i = 0; i < 15; i++) core.registers[i] = values[i];
  core.N = values[15] === 1;
  core.Z = values[16] === 1;
  core.C = values[17] === 1;
  core.V = values[18] === 1;
  core.registers[15] = CODE;
  core.IPSR = 0;
  core.currentMode = 0 as typeof core.currentMode; // Thread mode (a fault leaves Handler mode)
  core.cycles = 0;
  clock.nowUs = 0;
  const before = state();
  runner.runFor(0.001);
  const after = state();
  let ramSum = 0;
  for (let i = 0; i < words.length; i++) ramSum = (ramSum + Math.imul(words[i], 2 * i + 1)) | 0;
  return {
    before,
    after,
    /** What must not depend on registers and flags outside the reads. */
    effects: [
      core.registers[15],
      core.cycles,
      ramSum,
      device.log.join(','),
      JSON.stringify(runner.faults),
    ].join(' '),
    faulted: runner.faults.length > 0 || runner.state !== 'running',
  };
}

function check(opcode: number, opcode2: number, use: RegisterUse): number {
  if (use.reads === USE_ALL && use.writes === USE_ALL) return 0;
  const name = `${opcode.toString(16)} ${opcode2.toString(16)}`;
  const seed = Math.imul(opcode + 1, 2654435761) ^ opcode2;
  const a = execute(opcode, opcode2, seed);
  if (a.faulted) return 0; // exception entry: a write to the stack ends any recording anyway
  for (let i = 0; i < 19; i++)
    if (!(use.writes & bit(i)) && a.after[i] !== a.before[i])
      expect(`${name}: ${i} changed`).toBe(`${name}: kept`);
  const b = execute(opcode, opcode2, seed, use.reads, seed ^ 0x5bd1e995);
  expect(`${name}: ${b.effects}`).toBe(`${name}: ${a.effects}`);
  for (let i = 0; i < 19; i++)
    if (use.writes & bit(i) && a.after[i] !== b.after[i])
      expect(`${name}: ${i} = ${b.after[i]}`).toBe(`${name}: ${i} = ${a.after[i]}`);
  return 1;
}

describe('decodeRegisterUse', () => {
  it('claims every register and flag an instruction reads or writes', () => {
    const use: RegisterUse = { reads: 0, writes: 0 };
    let checked = 0;
    for (let opcode = 0; opcode < 0x10000; opcode++) {
      if (isWideOpcode(opcode)) continue;
      decodeRegisterUse(opcode, 0, false, use);
      checked += check(opcode, 0, use);
    }
    // BL (both directions), DMB, DSB, ISB
    for (const [op, op2] of [
      [0xf000, 0xf800],
      [0xf7ff, 0xffc2],
      [0xf3bf, 0x8f5f],
      [0xf3bf, 0x8f4f],
      [0xf3bf, 0x8f6f],
    ]) {
      decodeRegisterUse(op, op2, false, use);
      expect(use.writes).not.toBe(USE_ALL);
      checked += check(op, op2, use);
    }
    expect(checked).toBeGreaterThan(35_000);
  }, 300_000);

  it('takes BX and POP {PC} in Handler mode (an exception return) as using everything', () => {
    const use: RegisterUse = { reads: 0, writes: 0 };
    for (const op of [0x4770, 0xbd00, 0xbdf0]) {
      decodeRegisterUse(op, 0, true, use);
      expect(use).toEqual({ reads: USE_ALL, writes: USE_ALL });
      decodeRegisterUse(op, 0, false, use);
      expect(use.writes).not.toBe(USE_ALL);
    }
  });
});
