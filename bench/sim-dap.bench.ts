/**
 * Speed of the simulated CMSIS-DAP probe and its Cortex-M core (wall time on this machine),
 * plus one modeled figure: how fast dapjs writes RAM through a simulated DAPLink.
 */
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './types';
import { median } from './stats';
import { createSimulatedMicrobit } from '../src/sim/index';
import { sumWords } from '../src/sim/chips/test-programs/programs';
import { RawDap, le32 } from '../src/sim/testing/raw-dap';
import { connectDapjs, writeWords } from '../src/sim/testing/dapjs-session';

const RAM = 0x20000000;

/**
 * Runs `code` from RAM on a simulated nRF52833 core until it halts, `repeats` times a round (so
 * a round lasts long enough to time: a few ms is mostly noise here); returns instr/s (wall),
 * the median of 5 rounds.
 */
function cpuSpeed(
  code: Uint8Array,
  registers: Record<number, number>,
  data?: Uint32Array,
  repeats = 1,
): number {
  const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
  const chip = probe.target.chip;
  const runner = chip.system.runner;
  chip.ram.set(code, 0);
  if (data) chip.ram.set(new Uint8Array(data.buffer), 0x1000);
  runner.debugEnabled = true;
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = runner.instructions;
    const start = performance.now();
    for (let i = 0; i < repeats; i++) {
      runner.halt(1);
      runner.core.registers.fill(0);
      for (const [r, v] of Object.entries(registers)) runner.core.registers[Number(r)] = v;
      runner.core.PC = RAM;
      runner.tBit = true;
      runner.updateChecks();
      runner.resume(false);
      while (runner.state === 'running') runner.runFor(100_000);
    }
    const seconds = (performance.now() - start) / 1000;
    samples.push((runner.instructions - before) / seconds);
  }
  return median(samples);
}

async function packetCost(): Promise<{ transfer: number; block: number }> {
  const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
  const raw = new RawDap(probe.usbDevice);
  await raw.open();
  await raw.connectSwd();
  await raw.powerUp();
  await raw.writeAp(0, 0x00, 0x23000012);
  // 12 DAP_Transfer operations: TAR write + 11 DRW reads.
  const transfer = [0x05, 0x00, 12, 0x05, ...le32(RAM), ...Array(11).fill(0x0f)];
  const block = [0x06, 0x00, 14, 0x00, 0x0d, ...Array(56).fill(0x5a)];
  const measure = async (packet: number[], n: number): Promise<number> => {
    const samples: number[] = [];
    for (let round = 0; round < 5; round++) {
      await raw.writeAp(0, 0x04, RAM);
      const start = performance.now();
      for (let i = 0; i < n; i++) await raw.command(packet);
      samples.push(((performance.now() - start) * 1000) / n);
    }
    return median(samples);
  };
  return { transfer: await measure(transfer, 5000), block: await measure(block, 5000) };
}

async function modeledRamWrite(): Promise<number> {
  const probe = createSimulatedMicrobit('v2');
  const { cortex } = await connectDapjs(probe.usbDevice);
  const words = new Uint32Array(16 * 1024); // 64 KiB
  const start = probe.clock.elapsedMs;
  await writeWords(cortex, RAM, words);
  return 64 / ((probe.clock.elapsedMs - start) / 1000);
}

/** The figures. */
export async function run(): Promise<BenchResult[]> {
  const loop = Uint8Array.from([0x01, 0x38, 0xfd, 0xd1, 0x00, 0xbe]); // subs r0,#1; bne .-2; bkpt
  const registerLoop = cpuSpeed(loop, { 0: 5_000_000 });
  const sum = cpuSpeed(sumWords, { 0: RAM + 0x1000, 1: 16 * 1024 }, new Uint32Array(16 * 1024).fill(3), 20);
  const cost = await packetCost();
  const ram = await modeledRamWrite();
  return [
    {
      name: 'simulated Cortex-M core, register loop',
      value: Math.round(registerLoop),
      unit: 'instr/s',
      target: { value: 20_000_000, better: 'higher' },
      note: 'wall time; rp2040js ARMv6-M core with debug checks, code in RAM',
    },
    {
      name: 'simulated Cortex-M core, load/add loop (sum-words.S)',
      value: Math.round(sum),
      unit: 'instr/s',
      target: { value: 20_000_000, better: 'higher' },
      note: 'wall time; every load goes through the system bus model',
    },
    {
      name: 'host cost per CMSIS-DAP packet, DAP_Transfer × 12',
      value: Number(cost.transfer.toFixed(2)),
      unit: 'µs',
      target: { value: 50, better: 'lower' },
      note: 'wall time per command/response pair through SimUsbDevice (zero latency)',
    },
    {
      name: 'host cost per CMSIS-DAP packet, DAP_TransferBlock 14 words',
      value: Number(cost.block.toFixed(2)),
      unit: 'µs',
      target: { value: 50, better: 'lower' },
      note: 'wall time per command/response pair through SimUsbDevice (zero latency)',
    },
    {
      name: 'dapjs writeBlock to RAM through a simulated DAPLink',
      value: Number(ram.toFixed(1)),
      unit: 'KiB/s',
      limit: Number((56 / 1.024 / 1.5).toFixed(1)),
      note: 'modeled time (1.5 ms per USB round trip, 2 MHz SWD); limit = one 56-byte block per round trip; reference notes estimate ≈ 28 KB/s at 2 ms',
    },
  ];
}
