/**
 * The idle-loop fast-forward of the simulated Cortex-M changes nothing a host or a test can see:
 * every built device script runs the same entry calls on its chip (DAPLink latency, datasheet
 * flash times, so its poll loops wait out real erase and program times) once with fast-forward
 * and once executing every iteration, and at every BKPT both runs show the same modeled time,
 * cycle and instruction counts, registers, SRAM and flash, to the bit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CortexM } from 'dapjs';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/core/checksum/crc32';
import { ENTRY_OFFSETS, parseSwds, type DeviceScript, type EntryName } from '../src/core/device-script';
import {
  createSimulatedBluePill,
  createSimulatedMicrobit,
  createSimulatedNrf52840Dk,
  createSimulatedStm32f411Probe,
  createSimulatedStm32g071Probe,
  createSimulatedArduinoZeroProbe,
  type SimulatedProbe,
  type SimulatedProbeOptions,
} from '../src/sim';
import { connectDapjs, CoreReg, haltCore, Reg, writeWords } from '../src/sim/testing/dapjs-session';

const BUILD_DIR = path.resolve(process.cwd(), 'device-scripts/build');
const KiB = 1024;

/** The simulated chip each script is for, and the blocks its calls work on. */
const CHIPS: Record<
  string,
  {
    create: (o: SimulatedProbeOptions) => SimulatedProbe;
    block: number;
    blockSize: number;
    writeSize: number;
  }
> = {
  nrf51822: {
    create: (o) => createSimulatedMicrobit('v1', o),
    block: 0x3f800,
    blockSize: KiB,
    writeSize: KiB,
  },
  nrf52833: {
    create: (o) => createSimulatedMicrobit('v2', o),
    block: 0x7e000,
    blockSize: 4 * KiB,
    writeSize: 4 * KiB,
  },
  nrf52840: {
    create: (o) => createSimulatedNrf52840Dk(o),
    block: 0xff000,
    blockSize: 4 * KiB,
    writeSize: 4 * KiB,
  },
  stm32f1: {
    create: (o) => createSimulatedBluePill(o),
    block: 0x0800fc00,
    blockSize: KiB,
    writeSize: KiB,
  },
  stm32f4: {
    create: (o) => createSimulatedStm32f411Probe(o),
    block: 0x08004000,
    blockSize: 16 * KiB,
    writeSize: 16 * KiB,
  },
  stm32g0: {
    create: (o) => createSimulatedStm32g071Probe(o),
    block: 0x0801f000,
    blockSize: 4 * KiB,
    writeSize: 4 * KiB,
  },
  samd21: {
    create: (o) => createSimulatedArduinoZeroProbe(o),
    block: 0x3fc00,
    blockSize: KiB,
    writeSize: KiB,
  },
};

/** Everything about the target that the fast-forward could get wrong. */
interface Snapshot {
  call: string;
  nowUs: number;
  hostUs: number;
  cycles: number;
  instructions: number;
  registers: number[];
  xpsr: number;
  state: string;
  ramCrc: number;
  flashCrc: number;
}

function snapshot(probe: SimulatedProbe, call: string): Snapshot {
  const chip = probe.target.chip;
  const runner = chip.system.runner;
  return {
    call,
    nowUs: probe.clock.nowUs,
    hostUs: probe.clock.hostUs,
    cycles: runner.cycles,
    instructions: runner.instructions,
    registers: Array.from(runner.core.registers),
    xpsr: runner.core.xPSR >>> 0,
    state: runner.state,
    ramCrc: crc32(chip.ram),
    flashCrc: crc32(chip.flash.data),
  };
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (Math.imul(i + seed, 0x9e3779b1) >>> 13) & 0xff);
}

/** Runs a fixed series of entry calls; returns the target's state at each BKPT. */
async function runCalls(
  script: DeviceScript,
  id: string,
  fastForward: boolean,
): Promise<{ snapshots: Snapshot[]; skipped: number }> {
  const chip = CHIPS[id];
  const probe = chip.create({
    latency: 'daplink',
    fastForward,
    flash: [{ address: chip.block, data: pattern(chip.blockSize, 7) }],
  });
  const { cortex } = await connectDapjs(probe.usbDevice);
  await haltCore(cortex);
  const upload = new Uint8Array(Math.ceil(script.image.length / 4) * 4);
  upload.set(script.image);
  await writeWords(cortex, script.loadAddr, new Uint32Array(upload.buffer));
  const snapshots: Snapshot[] = [snapshot(probe, 'upload')];
  const call = async (entry: EntryName, args: number[] = []) => {
    await callEntry(cortex, script, entry, args);
    snapshots.push(snapshot(probe, `${entry}(${args.map((a) => a.toString(16)).join(', ')})`));
  };
  await call('initStage1');
  await call('cpuid');
  await call('blankCheck', [chip.block, chip.blockSize]);
  await call('pageErase', [chip.block]);
  await call('blankCheck', [chip.block, chip.blockSize]);
  await writeWords(cortex, script.stagingAddr, new Uint32Array(pattern(chip.writeSize, 3).buffer));
  await call('pageWrite', [chip.block]);
  await call('blockChecksum', [chip.block, chip.writeSize]);
  await call('pageErase', [chip.block + 4]); // refused
  return { snapshots, skipped: probe.target.chip.system.runner.fastForwardStats.skippedInstructions };
}

async function callEntry(
  cortex: CortexM,
  script: DeviceScript,
  entry: EntryName,
  args: number[],
): Promise<void> {
  for (let r = 0; r < 4; r++) await cortex.writeCoreRegister(r, (args[r] ?? 0) >>> 0);
  await cortex.writeCoreRegister(CoreReg.PC, script.loadAddr + ENTRY_OFFSETS[entry]);
  await cortex.writeCoreRegister(CoreReg.XPSR, 0x01000000);
  await cortex.writeMem32(Reg.DFSR, 0x1f);
  await cortex.writeMem32(Reg.DHCSR, 0xa05f0001);
  for (let polls = 0; !(await cortex.isHalted()); polls++) {
    if (polls > 100_000) throw new Error(`${entry} did not reach its BKPT`);
  }
}

const scripts = readdirSync(BUILD_DIR)
  .filter((f) => f.endsWith('.swds'))
  .map((file) => ({ file, id: file.split('.')[0] }));

describe('idle-loop fast-forward on every device script', () => {
  it('has a simulated chip for every built script', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const { id } of scripts) expect(Object.keys(CHIPS), id).toContain(id);
  });

  it.each(scripts)('$file: same time, counts, registers and memory at every BKPT', async ({ file, id }) => {
    const script = parseSwds(new Uint8Array(readFileSync(path.join(BUILD_DIR, file))), file);
    const { snapshots: stepped, skipped: none } = await runCalls(script, id, false);
    const { snapshots: fast, skipped } = await runCalls(script, id, true);
    expect(fast).toEqual(stepped);
    expect(none).toBe(0);
    expect(skipped).toBeGreaterThan(stepped.at(-1)!.instructions / 2); // most were poll iterations
    // The calls really waited out erase and program times in poll loops.
    const erase = stepped.findIndex((s) => s.call.startsWith('pageErase'));
    expect(stepped[erase].nowUs - stepped[erase - 1].nowUs).toBeGreaterThan(20_000);
  });
});
