import { describe, expect, it } from 'vitest';
import { LogState } from './log.svelte';
import { fakeDevice, fakeLua } from './testing/fake-workers';
import { WorkerHealthState } from './worker-health.svelte';

describe('WorkerHealthState timeout', () => {
  it('gives up on a worker that never answers', async () => {
    const log = new LogState();
    const health = new WorkerHealthState(fakeDevice(), fakeLua('never'), log, () => 0, 20);
    expect(health.lua.state).toBe('idle');
    await health.check();
    expect(health.device.state).toBe('ready');
    await health.startLua();
    expect(health.lua).toMatchObject({ state: 'error', text: 'Lua failed' });
    expect(health.lua.detail).toBe('The operation timed out: The Lua worker did not answer within 20 ms.');
  });
});

describe('WorkerHealthState start-up', () => {
  it('checks the device worker at start-up and leaves Lua unloaded until scripts are used', async () => {
    const log = new LogState();
    let evaluated = 0;
    const fake = fakeLua();
    const lua = Object.assign(fake, {
      evaluate: (...args: Parameters<typeof fake.evaluate>) => (evaluated++, fakeLua().evaluate(...args)),
    });
    const health = new WorkerHealthState(fakeDevice(), lua, log, () => 0);
    await health.check();
    expect(health.device.state).toBe('ready');
    expect(health.lua.state).toBe('idle');
    expect(evaluated).toBe(0);
    await Promise.all([health.startLua(), health.startLua()]);
    await health.startLua();
    expect(evaluated).toBe(1);
    expect(health.lua).toMatchObject({ state: 'ready', text: 'Lua 5.4 ready' });
  });
});
