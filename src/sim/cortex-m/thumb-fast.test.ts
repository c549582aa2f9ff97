/**
 * FastThumb against rp2040js's own decode chain: every 16-bit opcode that has a handler,
 * executed from the same random core states (registers pointing into SRAM, at unaligned
 * addresses, into a device and at unmapped ones, random flags), gives the same registers,
 * flags, cycle count, clock, SRAM, device writes and faults.
 */
import { describe, expect, it } from 'vitest';
import { randomCoreSystem as system, runFromRandomState } from '../testing/random-core';
import { executedByRp2040js } from './thumb-fast';

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
        // 0.001 µs: one instruction starts in the slice (a cycle is 1/64 µs).
        const fast = runFromRandomState(fastSim, [opcode], seed, 0.001);
        const slow = runFromRandomState(slowSim, [opcode], seed, 0.001);
        if (fast !== slow) expect(`${opcode.toString(16)} ${fast}`).toBe(`${opcode.toString(16)} ${slow}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40_000);
  }, 300_000);
});
