/**
 * The runner skips its before-instruction checks (T bit, FPB breakpoints, DWT PC watches) for
 * PCs inside the address range no comparator can match; a comparator set while the core runs
 * (between time slices), at the edge of that range or after a loop left it, still stops the
 * core exactly where checking every instruction does.
 */
import { describe, expect, it } from 'vitest';
import { createSimulatedMicrobit } from '../index';
import { CPU, DEBUG } from './bus';
import { DEMCR, DFSR } from './cpu-runner';

const RAM = 0x20000000;
const DWT_COMP0 = 0xe0001020;

/** movs r0,#200; 1: subs r0,#1; bne 1b; nop; nop; bkpt — at RAM. */
const LOOP = [0x20c8, 0x3801, 0xd1fd, 0xbf00, 0xbf00, 0xbe00];

function start(options: { fastForward: boolean }) {
  const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
  const chip = probe.target.chip;
  const runner = chip.system.runner;
  const bus = chip.system.runner['bus'];
  LOOP.forEach((h, i) => bus.write16(RAM + 2 * i, h, DEBUG));
  runner.fastForward = options.fastForward;
  runner.debugEnabled = true;
  runner.halt(DFSR.HALTED);
  runner.core.registers.fill(0);
  runner.core.PC = RAM;
  runner.tBit = true;
  runner.demcr |= DEMCR.DWTENA;
  chip.system.dwt.refresh();
  runner.resume(false);
  return { runner, bus, chip };
}

/** Arms DWT comparator 0 as a PC match of `address` with `mask` low bits ignored. */
function watchPc(bus: ReturnType<typeof start>['bus'], address: number, mask = 0): void {
  bus.write32(DWT_COMP0, address, DEBUG);
  bus.write32(DWT_COMP0 + 4, mask, DEBUG);
  bus.write32(DWT_COMP0 + 8, 4, DEBUG);
}

describe('CpuRunner before-instruction checks', () => {
  it('stops on a PC watch armed while the core runs a loop', () => {
    for (const fastForward of [true, false]) {
      const { runner, bus } = start({ fastForward });
      watchPc(bus, RAM + 0x100); // far away: the loop runs in the range it leaves free
      runner.runFor(5); // part of the loop
      expect(runner.state).toBe('running');
      const r0 = runner.core.registers[0];
      expect(r0).toBeGreaterThan(0);
      expect(r0).toBeLessThan(200);
      watchPc(bus, RAM + 4); // the bne inside the loop
      runner.runFor(5);
      expect(runner.state).toBe('halted');
      expect(runner.core.PC).toBe(RAM + 4);
      expect(runner.dfsr & DFSR.DWTTRAP).toBe(DFSR.DWTTRAP);
      expect([r0, r0 - 1]).toContain(runner.core.registers[0]); // the slice ended at subs or bne
    }
  });

  it('stops at the first instruction past a loop that a comparator range covers', () => {
    // A range after the loop (second nop and bkpt, mask 2 = 4 bytes), armed before the run:
    // the free range around the loop ends where it begins.
    const { runner, bus } = start({ fastForward: true });
    watchPc(bus, RAM + 8, 2);
    runner.runFor(1000);
    expect(runner.state).toBe('halted');
    expect(runner.core.PC).toBe(RAM + 8);
    expect(runner.core.registers[0]).toBe(0);
  });

  it('stops on a watch that covers the whole address space (mask 31 in the upper half)', () => {
    const { runner, bus } = start({ fastForward: true });
    watchPc(bus, RAM + 0x100);
    runner.runFor(2);
    watchPc(bus, 0, 31); // 0x00000000–0x7FFFFFFF: SRAM at 0x20000000 is inside
    runner.runFor(2);
    expect(runner.state).toBe('halted');
    expect(runner.dfsr & DFSR.DWTTRAP).toBe(DFSR.DWTTRAP);
  });

  it('takes the same instructions and time to a BKPT with and without a far comparator', () => {
    const run = (armed: boolean) => {
      const { runner, bus, chip } = start({ fastForward: false });
      if (armed) watchPc(bus, RAM + 0x200);
      while (runner.state === 'running') runner.runFor(3);
      return [
        runner.core.PC,
        runner.instructions,
        runner.cycles,
        chip.system.runner['clock'].nowUs,
        bus.read32(RAM, CPU),
      ];
    };
    expect(run(true)).toEqual(run(false));
  });
});
