/**
 * FastThumb's run loop and its translated blocks against the runner's instruction-by-instruction
 * path (fastDecode off): a checksum loop over SRAM with stack pushes and pops and LDMIA, a
 * store a DWT data watchpoint catches on every pass, breakpoints, an unaligned load that enters
 * a HardFault handler, time slices of odd lengths: the same clock, cycles, instruction count,
 * registers, flags, faults and SRAM after every slice. (`thumb-fast.test.ts` covers each opcode
 * and a fault's timing.)
 */
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../index';
import { DEBUG } from './bus';
import { DEMCR, DFSR } from './cpu-runner';

const RAM = 0x20000000;
const DATA = RAM + 0x1000;
const TABLE = RAM + 0x2000;
const WATCHED = RAM + 0x3000;

// r0 = data, r1 = end, r2 = table, r3 = crc; the word loop of a table-driven CRC-32, a call to a
// leaf that pushes and pops, a store to WATCHED, a breakpoint, then an unaligned word load.
const PROGRAM = [
  0x1a0c, // 0x00: subs r4, r1, r0
  0x2c04, // cmp r4, #4
  0xd30f, // blo 0x26
  0x6804, // ldr r4, [r0]
  0x3004, // adds r0, #4
  0x4063, // eors r3, r4
  0xb2dd, // uxtb r5, r3
  0x00ad, // lsls r5, r5, #2
  0x5955, // ldr r5, [r2, r5]
  0x0a1b, // lsrs r3, r3, #8
  0x406b, // eors r3, r5
  0xb430, // push {r4, r5}
  0xbc30, // pop {r4, r5}
  0xc940, // ldmia r1!, {r6}  (r1 not in the list: writes back) — undone below
  0x3904, // subs r1, #4
  0x6033, // str r3, [r6]    (r6 = the word after the data: WATCHED)
  0xe7ee, // b 0x00
  0x0000, // 0x22: (padding)
  0x0000,
  0xbe01, // 0x26: bkpt #1
  0x1c40, // adds r0, r0, #1
  0x6800, // ldr r0, [r0]    (unaligned: HardFault)
  0xbe02, // bkpt #2 (not reached: HardFault)
  0x0000, // 0x2e: (padding)
  ...Array<number>(12).fill(0xbf00), // 0x30: the HardFault handler: 12 nops
  0xbe03, // bkpt #3
];

/** The vector table: SP, reset, NMI, and HardFault at 0x30 in SRAM. */
const VECTORS = new Uint8Array(new Uint32Array([RAM + 0x4000, 0x101, 0x101, RAM + 0x31]).buffer);

function board(fastDecode: boolean) {
  const probe = createSimulatedMicrobit('v2', { latency: 'daplink', flash: [{ address: 0, data: VECTORS }] });
  const chip = probe.target.chip;
  const runner = chip.system.runner;
  const bus = runner['bus'];
  PROGRAM.forEach((h, i) => bus.write16(RAM + 2 * i, h, DEBUG));
  for (let i = 0; i < 256; i++) bus.write32(TABLE + 4 * i, Math.imul(i + 1, 0x9e3779b1) >>> 0, DEBUG);
  for (let i = 0; i < 16; i++) bus.write32(DATA + 4 * i, Math.imul(i + 7, 0x85ebca6b) >>> 0, DEBUG);
  bus.write32(DATA + 64, WATCHED, DEBUG); // what ldmia loads into r6
  runner.fastDecode = fastDecode;
  runner.translateBlocksAfter = 1; // FastThumb's translated blocks from the first pass on
  runner.debugEnabled = true;
  runner.halt(DFSR.HALTED);
  runner.demcr |= DEMCR.DWTENA;
  chip.system.dwt.refresh();
  bus.write32(0xe0001020, WATCHED, DEBUG); // DWT comparator 0: data write watch on WATCHED
  bus.write32(0xe0001024, 0, DEBUG);
  bus.write32(0xe0001028, 6, DEBUG);
  const core = runner.core;
  core.registers.fill(0);
  core.registers[0] = DATA;
  core.registers[1] = DATA + 64;
  core.registers[2] = TABLE;
  core.registers[3] = 0xffffffff;
  core.registers[13] = RAM + 0x4000;
  core.PC = RAM;
  runner.tBit = true;
  runner.updateChecks();
  return { probe, runner, chip };
}

function snapshot(b: ReturnType<typeof board>): string {
  const { runner, probe, chip } = b;
  let sum = 0;
  const words = new Uint32Array(chip.ram.buffer, chip.ram.byteOffset, 0x4000 / 4);
  for (let i = 0; i < words.length; i++) sum = (Math.imul(sum, 31) + words[i]) | 0;
  return [
    runner.state,
    runner.dfsr,
    Array.from(runner.core.registers).join(','),
    runner.core.APSR >>> 0,
    runner.core.IPSR,
    runner.cycles,
    runner.instructions,
    probe.clock.nowUs,
    sum,
    JSON.stringify(runner.faults),
  ].join(' ');
}

describe('FastThumb run loop', () => {
  it('gives the same state after every time slice as executing instruction by instruction', () => {
    const fast = board(true);
    const slow = board(false);
    const slices = [0.7, 3.3, 0.05, 11, 1.9];
    const halts: string[] = [];
    for (let stop = 0; stop < 18; stop++) {
      for (const b of [fast, slow]) {
        if ((b.runner.dfsr & DFSR.BKPT) !== 0) b.runner.core.PC += 2; // step over the BKPT
        b.runner.dfsr = 0;
        b.runner.resume(false);
      }
      for (let i = 0; fast.runner.state === 'running' && i < 100_000; i++) {
        for (const b of [fast, slow]) b.runner.runFor(slices[i % slices.length]);
        expect(snapshot(fast)).toBe(snapshot(slow));
      }
      halts.push(snapshot(fast));
      if (fast.runner.state !== 'halted') break;
    }
    // The watchpoint halted the run once per word, then the breakpoint, then the one in the
    // HardFault handler the unaligned load entered.
    expect(halts.filter((h) => h.startsWith('halted 4 ')).length).toBe(16);
    expect(halts.filter((h) => h.startsWith('halted 2 ')).length).toBe(2);
    expect(fast.runner.core.PC).toBe(RAM + 0x30 + 24);
    expect(fast.runner.faults.map((f) => f.kind)).toEqual(['bus-fault']);
    expect(fast.runner.blocksTranslated).toBeGreaterThan(0);
    expect(slow.runner.blocksTranslated).toBe(0);
  });
});
