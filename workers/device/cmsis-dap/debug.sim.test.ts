/** Low-level debug access (for special scripts) on the simulated chips. */
import { describe, expect, it } from 'vitest';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { createSimulatedMicrobit, createSimulatedStm32f411Probe } from '../../../src/sim';
import { CPU_STAT } from '../debug-api';
import { simBackend } from './testing/sim-backend';

describe('CMSIS-DAP debug access', () => {
  it('attaches step by step and reads raw DP/AP registers, memory and core registers', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    await backend.debug({ op: 'attach', stage: 'debugger' });
    await backend.debug({ op: 'attach', stage: 'cpu' });
    expect((await backend.debug({ op: 'swd_read', ap: false, a23: 0 })).value).toBe(0x2ba01477); // DPIDR
    expect((await backend.debug({ op: 'word_read', address: 0x10000100 })).value).toBe(0x52833); // FICR INFO.PART
    expect((await backend.debug({ op: 'stop' })).value! & CPU_STAT.HALT_OR_STEP).toBeTruthy();
    await backend.debug({ op: 'reg_set', reg: 5, value: 0x1234 });
    expect((await backend.debug({ op: 'reg_get', reg: 5 })).value).toBe(0x1234);
    // Running the core from registers set here runs code the caller chose: gated like a write.
    await expect(backend.debug({ op: 'go' })).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
    await backend.debug({ op: 'go' }, { allowWrites: true });
    expect((await backend.debug({ op: 'status' })).value).toBe(0);
  });

  it('reports the script and core facts and runs script entries only with writes allowed', async () => {
    const probe = createSimulatedStm32f411Probe({ latency: 'zero' });
    const backend = simBackend(probe);
    await backend.debug({ op: 'attach', stage: 'init' });
    const { info } = await backend.debug({ op: 'info' });
    expect(info).toMatchObject({ isV7: true, supportedOps: 7, stagingAddr: 0x20000800 });
    expect(info!.blocks[0]).toMatchObject({ base: 0x0800_0000, size: 512 * 1024 });
    await expect(backend.debug({ op: 'script_erase_block', address: 0x0800_0000 })).rejects.toMatchObject({
      code: 'WRITES_NOT_ALLOWED',
    });
    const data = new Uint8Array(0x4000).fill(0x5a);
    await backend.debug({ op: 'script_erase_block', address: 0x0800_0000 }, { allowWrites: true });
    await backend.debug({ op: 'script_write_block', address: 0x0800_0000, data }, { allowWrites: true });
    expect(probe.target.readMemory(0x0800_0000, 0x4000)).toEqual(data);
  });
});

describe('raw debug access and the flash engine', () => {
  const pattern = (n: number, seed: number) =>
    Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);

  /** Flashes 8 KiB at 0x10000 of a micro:bit V2 after `disturb` ran on the connected backend. */
  async function flashAfter(disturb: (backend: ReturnType<typeof simBackend>) => Promise<unknown>) {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    await disturb(backend);
    const image = new MemoryImage(regions);
    const data = pattern(0x2000, 3);
    image.writeAt(0x10000, data);
    const report = await backend.flash(image, { allowWrites: true });
    expect(report.verified).toBe(true);
    expect(probe.target.readMemory(0x10000, data.length)).toEqual(data);
  }

  it('a raw DP SELECT write leaves debug memory reads right (the MemAp writes SELECT again)', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    await backend.debug({ op: 'attach', stage: 'debugger' });
    await backend.debug({ op: 'attach', stage: 'cpu' });
    expect((await backend.debug({ op: 'word_read', address: 0x10000100 })).value).toBe(0x52833);
    await backend.debug({ op: 'swd_write', ap: false, a23: 2, value: 0xf0 });
    expect((await backend.debug({ op: 'word_read', address: 0x10000100 })).value).toBe(0x52833);
  });

  it('attaching again while connected (a second special-script run) keeps memory access right', async () => {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    await backend.connect();
    await backend.debug({ op: 'attach', stage: 'debugger' });
    await backend.debug({ op: 'attach', stage: 'cpu' });
    expect((await backend.debug({ op: 'word_read', address: 0x10000100 })).value).toBe(0x52833);
  });

  it('a raw DP SELECT write (AP bank 0xF) does not make the next flash read the wrong registers', async () => {
    await flashAfter((b) => b.debug({ op: 'swd_write', ap: false, a23: 2, value: 0xf0 }));
  });

  it('resetting and running the core from a script does not break the next flash', async () => {
    await flashAfter(async (b) => {
      await b.debug({ op: 'reset' });
      await b.debug({ op: 'go' });
    });
  });
});

describe('the hardware-write gate on debug access', () => {
  const NVMC_CONFIG = 0x4001e504;
  const NVMC_ERASEALL = 0x4001e50c;

  /** A connected micro:bit V2 whose flash holds a recognisable word at 0x1000. */
  async function programmedMicrobit() {
    const probe = createSimulatedMicrobit('v2', { latency: 'zero' });
    const backend = simBackend(probe);
    const { regions } = await backend.connect();
    const image = new MemoryImage(regions);
    image.writeAt(0x1000, Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    await backend.flash(image, { allowWrites: true });
    const word = () => probe.target.readMemory(0x1000, 4);
    expect(word()).toEqual(Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    return { probe, backend, word };
  }

  it('refuses memory and access-port writes unless hardware writes are allowed; reads stay allowed', async () => {
    const { backend, word } = await programmedMicrobit();
    for (const request of [
      { op: 'word_write', address: NVMC_CONFIG, value: 2 },
      { op: 'word_write', address: NVMC_ERASEALL, value: 1 },
      { op: 'swd_write', ap: true, a23: 3, value: 1 },
    ] as const) {
      await expect(backend.debug(request)).rejects.toMatchObject({ code: 'WRITES_NOT_ALLOWED' });
      await expect(backend.debug(request, { allowWrites: false })).rejects.toMatchObject({
        code: 'WRITES_NOT_ALLOWED',
      });
    }
    expect(word()).toEqual(Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    // Selecting an AP bank is part of reading it: DP writes are not gated.
    await backend.debug({ op: 'swd_write', ap: false, a23: 2, value: 0xf0 });
    expect((await backend.debug({ op: 'swd_read', ap: true, a23: 3 })).value).toBeDefined();
    expect((await backend.debug({ op: 'word_read', address: 0x1000 })).value).toBe(0x78563412);
  });

  it('asks before a direct write when a confirm callback is given; a refusal changes nothing', async () => {
    const { backend, word } = await programmedMicrobit();
    const questions: string[] = [];
    const refuse = async (q: string) => (questions.push(q), false);
    await expect(
      backend.debug(
        { op: 'word_write', address: NVMC_CONFIG, value: 2 },
        { allowWrites: true, confirm: refuse },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(questions).toEqual([
      "Write to the Nordic nRF52833's memory and access ports directly? Such writes can erase or program its flash.",
    ]);
    expect((await backend.debug({ op: 'word_read', address: NVMC_CONFIG })).value).toBe(0);
    const accept = async (q: string) => (questions.push(q), true);
    await backend.debug(
      { op: 'word_write', address: NVMC_CONFIG, value: 2 },
      { allowWrites: true, confirm: accept },
    );
    await backend.debug(
      { op: 'word_write', address: NVMC_ERASEALL, value: 1 },
      { allowWrites: true, confirm: accept },
    );
    expect(word()).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  });

  it("asks before the device script's mass erase, as mp.backend.erase does", async () => {
    const { backend, word } = await programmedMicrobit();
    await expect(
      backend.debug({ op: 'script_erase_all' }, { allowWrites: true, confirm: async () => false }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(word()).toEqual(Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    let asked = '';
    await backend.debug(
      { op: 'script_erase_all' },
      { allowWrites: true, confirm: async (q) => ((asked = q), true) },
    );
    expect(asked).toBe('Erase the whole Nordic nRF52833? Everything on the chip is lost.');
    expect(word()).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  });
});
