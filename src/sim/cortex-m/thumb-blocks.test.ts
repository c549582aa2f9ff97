/**
 * Translated blocks against FastThumb's own loop (which `thumb-fast.test.ts` checks against
 * rp2040js): opcodes as a block's first instruction (every high-register one, a fifth of the
 * rest), random runs of instructions with time slices that end anywhere in a block, at a core
 * clock whose cycle time is not a binary fraction (so the clock's floating-point sums must be
 * made in the same order), code rewritten after it was translated, and a store into the
 * block's own next instruction. The same registers, flags, cycles, clock, SRAM, device
 * accesses, faults and core state every time.
 */
import { describe, expect, it } from 'vitest';
import { CODE, RAM, prng, randomCoreSystem, runFromRandomState } from '../testing/random-core';
import { translatesEveryFastOpcode } from './thumb-blocks';
import { executedByRp2040js } from './thumb-fast';

const BKPT = 0xbe00;

/** Every opcode FastThumb executes itself. */
const FAST_OPCODES = Array.from({ length: 0x10000 }, (_, op) => op).filter((op) => !executedByRp2040js(op));

describe('ThumbBlocks', () => {
  it('translates every opcode FastThumb handles', () => {
    expect(translatesEveryFastOpcode()).toBe(true);
  });

  it('gives what FastThumb’s loop gives for each opcode followed by a BKPT', () => {
    const blocks = randomCoreSystem(true, { blocks: true });
    const loop = randomCoreSystem(true, { blocks: false });
    let checked = 0;
    // Every high-register ADD/CMP/MOV and BX/BLX (the PC and SP as operands), and a fifth of
    // the others drawn evenly (each is a block of its own, compiled: all 40,000 took 16 s).
    const opcodes = FAST_OPCODES.filter(
      (op) => (op >= 0x4400 && op < 0x4800) || Math.imul(op, 2654435761) >>> 0 < 0x33333333,
    );
    for (const opcode of opcodes) {
      const seed = Math.imul(opcode + 1, 2654435761);
      // 1 µs: the instruction, then the BKPT (a HardFault without a debugger: the exception entry).
      const got = runFromRandomState(blocks, [opcode, BKPT], seed, 1);
      const want = runFromRandomState(loop, [opcode, BKPT], seed, 1);
      if (got !== want) expect(`${opcode.toString(16)} ${got}`).toBe(`${opcode.toString(16)} ${want}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(8_000);
  }, 300_000);

  it('gives what FastThumb’s loop gives for random runs of instructions and slice ends, at 64 and 100 MHz', () => {
    for (const hz of [64_000_000, 100_000_000]) {
      const blocks = randomCoreSystem(true, { blocks: true, hz });
      const loop = randomCoreSystem(true, { blocks: false, hz });
      const next = prng(hz);
      for (let n = 0; n < 600; n++) {
        const opcodes = Array.from({ length: 24 }, () => FAST_OPCODES[next() % FAST_OPCODES.length]);
        const us = [0.001, 0.04, 0.13, 0.3, 1, 5][n % 6];
        const got = runFromRandomState(blocks, opcodes, n, us);
        const want = runFromRandomState(loop, opcodes, n, us);
        if (got !== want) expect(`${n} ${got}`).toBe(`${n} ${want}`);
      }
    }
  });

  it('runs the block’s new code after an instruction of it was rewritten', () => {
    const s = randomCoreSystem(true, { blocks: true });
    // movs r0, #1; adds r0, #2; movs r1, #3; bkpt — then adds r0, #2 becomes adds r0, #100.
    const program = [0x2001, 0x3002, 0x2103, BKPT];
    const run = () => {
      s.runner.state = 'running';
      s.runner.core.registers[15] = CODE;
      s.runner.runFor(0.05); // 3 cycles: the three instructions before the BKPT
      return s.runner.core.registers[0];
    };
    program.forEach((h, i) => new DataView(s.ram.buffer).setUint16(CODE - RAM + 2 * i, h, true));
    expect(run()).toBe(3);
    new DataView(s.ram.buffer).setUint16(CODE - RAM + 2, 0x3064, true); // adds r0, #100
    expect(run()).toBe(101);
  });

  it('fetches the instructions after a store into its own block anew, as the core does', () => {
    // strh r1, [r0]; movs r2, #3; bkpt — the store puts movs r2, #7 where movs r2, #3 was.
    const program = [0x8001, 0x2203, BKPT];
    const results = [true, false].map((blocks) => {
      const s = randomCoreSystem(true, { blocks });
      program.forEach((h, i) => new DataView(s.ram.buffer).setUint16(CODE - RAM + 2 * i, h, true));
      const r = s.runner.core.registers;
      r[0] = CODE + 2;
      r[1] = 0x2207; // movs r2, #7
      r[15] = CODE;
      s.runner.state = 'running';
      s.runner.tBit = true;
      s.runner.runFor(0.04); // strh (2 cycles), then the movs starts before 0.04 µs (a cycle is 1/64 µs)
      return { r2: r[2], translated: s.runner.blocksTranslated };
    });
    expect(results[0]).toEqual({ r2: 7, translated: 2 }); // [strh, movs #3], then [movs #7]
    expect(results[1]).toEqual({ r2: 7, translated: 0 });
  });
});
