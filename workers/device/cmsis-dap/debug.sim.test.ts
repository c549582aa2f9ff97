/** Low-level debug access (for special scripts) on the simulated chips. */
import { describe, expect, it } from 'vitest';
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
    await backend.debug({ op: 'go' });
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
