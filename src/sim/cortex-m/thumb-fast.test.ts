/**
 * FastThumb against rp2040js's own decode chain: every 16-bit opcode that has a handler,
 * executed from the same random core states (registers pointing into SRAM, at unaligned
 * addresses, into a device and at unmapped ones, random flags), gives the same registers,
 * flags, cycle count, clock, SRAM, device writes and faults.
 */
import { describe, expect, it } from 'vitest';
import { CODE, RAM, prng, randomCoreSystem as system, registerValue } from '../testing/random-core';
import { executedByRp2040js } from './thumb-fast';

/** The register values drawn: with unmapped addresses. */
const KINDS = { small: 64, unmapped: true };

/** A checksum of SRAM that any changed word changes. */
function checksum(words: Uint32Array): string {
  let a = 0;
  let b = 0;
  for (let i = 0; i < words.length; i++) {
    a = (a + Math.imul(words[i], 2 * i + 1)) | 0;
    b = (b ^ Math.imul(words[i] ^ i, 0x85ebca6b)) | 0;
  }
  return `${a >>> 0}:${b >>> 0}`;
}

type Sim = ReturnType<typeof system>;

/**
 * Runs `opcode` once on `s` from the state `seed` gives. Both systems see the same sequence of
 * runs, so what a run leaves behind (a fault's exception state) is the same on both.
 */
function run(s: Sim, opcode: number, seed: number) {
  const next = prng(seed);
  const words = new Uint32Array(s.ram.buffer);
  for (let i = 0; i < words.length; i++) words[i] = next();
  s.ram[CODE - RAM] = opcode & 0xff;
  s.ram[CODE - RAM + 1] = opcode >> 8;
  s.device.log.length = 0;
  s.runner.faults.length = 0;
  s.runner.state = 'running';
  s.runner.tBit = true;
  const core = s.runner.core;
  for (let i = 0; i < 15; i++) core.registers[i] = registerValue(next, KINDS);
  core.registers[13] = (RAM + 0x400 + (next() % 0x200)) & ~3;
  core.registers[15] = CODE;
  core.APSR = next() & 0xf0000000;
  core.IPSR = 0;
  core.cycles = 0;
  s.clock.nowUs = 0;
  s.runner.runFor(0.001);
  return [
    Array.from(core.registers).join(','),
    core.APSR >>> 0,
    core.IPSR,
    core.cycles,
    s.clock.nowUs,
    checksum(words),
    s.device.log.join(','),
    JSON.stringify(s.runner.faults),
    s.runner.state,
  ].join(' ');
}

describe('FastThumb', () => {
  it('handles the instructions of the device scripts’ hot loops', () => {
    // ldr, lsrs, bcc, adds, eors, uxtb, lsls, ldr (register), cmp, b, str, subs, bne
    for (const op of [0x683b, 0x085b, 0xd3fc, 0x3004, 0x4063, 0xb2dd, 0x00ad, 0x5955, 0x4288, 0xe7f0, 0x6003])
      expect(executedByRp2040js(op), op.toString(16)).toBe(false);
    // push, pop, ldmia, stmia, bx lr, blx r3, nop
    for (const op of [0xb5f0, 0xbdf0, 0xc808, 0xc00c, 0x4770, 0x4798, 0xbf00])
      expect(executedByRp2040js(op), op.toString(16)).toBe(false);
    // BKPT, BL, CPSID, WFI stay with rp2040js
    for (const op of [0xbe00, 0xf000, 0xb672, 0xbf30]) expect(executedByRp2040js(op)).toBe(true);
  });

  it('gives the same result as rp2040js for every opcode it handles', () => {
    let checked = 0;
    const fastSim = system(true);
    const slowSim = system(false);
    for (let opcode = 0; opcode < 0x10000; opcode++) {
      if (executedByRp2040js(opcode)) continue;
      for (let k = 0; k < 1; k++) {
        const seed = Math.imul(opcode + 1, 2654435761) ^ (k * 0x5bd1e995);
        const fast = run(fastSim, opcode, seed);
        const slow = run(slowSim, opcode, seed);
        if (fast !== slow) expect(`${opcode.toString(16)} ${fast}`).toBe(`${opcode.toString(16)} ${slow}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40_000);
  }, 300_000);
});
