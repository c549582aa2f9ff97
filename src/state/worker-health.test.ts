import { describe, expect, it } from 'vitest';
import { LogState } from './log.svelte';
import { fakeDevice, fakeLua } from './testing/fake-workers';
import { WorkerHealthState } from './worker-health.svelte';

describe('WorkerHealthState timeout', () => {
  it('gives up on a worker that never answers', async () => {
    const log = new LogState();
    const health = new WorkerHealthState(fakeDevice(), fakeLua('never'), log, () => 0, 20);
    expect(health.lua.state).toBe('pending');
    await health.check();
    expect(health.device.state).toBe('ready');
    expect(health.lua).toMatchObject({ state: 'error', text: 'Lua failed' });
    expect(health.lua.detail).toBe('The operation timed out: The Lua worker did not answer within 20 ms.');
  });
});
