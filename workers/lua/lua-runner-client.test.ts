import { afterAll, describe, expect, it } from 'vitest';
import { imageToDto } from '../device/image-dto';
import type { ScriptCallbacks } from './api';
import { LuaRunnerClient } from './lua-runner-client';
import { FAKE_DEVICE_ID, FakeDevice, fakeImage } from './testing/fake-device';
import { connectFakeDevice, startNodeLuaWorker } from './testing/node-lua-workers';

// Real Lua workers on worker_threads; the fake device lives in this thread, as the device
// worker does in the browser. Stop must end every kind of run within 100 ms.
const STOP_LIMIT_MS = 100;

const callbacks: ScriptCallbacks = { onLog: () => undefined, onStatus: () => undefined, confirm: () => true };

function clientFor(device: FakeDevice, useStopFlag: boolean) {
  let started = 0;
  const client = new LuaRunnerClient({
    createWorker: () => {
      started++;
      return startNodeLuaWorker();
    },
    connectDevice: (api) => connectFakeDevice(api, device),
    cancelDeviceCall: (callId) => device.cancel(callId),
    useStopFlag,
  });
  return { client, workersStarted: () => started };
}

const devices = { flag: new FakeDevice(), noFlag: new FakeDevice() };
const clients = { flag: clientFor(devices.flag, true), noFlag: clientFor(devices.noFlag, false) };

afterAll(() => {
  clients.flag.client.dispose();
  clients.noFlag.client.dispose();
});

function run(client: LuaRunnerClient, code: string) {
  return client.run(code, { image: imageToDto(fakeImage()), deviceId: FAKE_DEVICE_ID }, callbacks);
}

/** Starts `code`, waits until it is surely inside its loop or wait, stops it, measures. */
async function stopWhileRunning(mode: keyof typeof clients, code: string) {
  const { client } = clients[mode];
  await (await client.api()).hello();
  const running = run(client, code);
  await new Promise((resolve) => setTimeout(resolve, 150));
  const stopCalled = performance.now();
  const report = await client.stop();
  const result = await running;
  return { report, result, latency: performance.now() - stopCalled };
}

const cases = {
  'a busy loop': 'while true do end',
  'a loop inside pcall': 'while true do pcall(function() while true do local x = 1 end end) end',
  'a loop of pcall around errors': 'local n = 0 while true do pcall(error, "x") n = n + 1 end',
};

describe.each([
  ['with the shared stop flag', 'flag' as const],
  ['without it (terminate and replace the worker)', 'noFlag' as const],
])('Stop %s', (_title, mode) => {
  it.each(Object.entries(cases))('ends %s within 100 ms', async (_name, code) => {
    const { report, result, latency } = await stopWhileRunning(mode, code);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'CANCELLED', message: 'Script stopped.' });
    expect(latency).toBeLessThan(STOP_LIMIT_MS);
    expect(report.terminated).toBe(mode === 'noFlag');
  });

  it('ends a pending device call within 100 ms: the device operation is cancelled and the device stays usable', async () => {
    const device = devices[mode];
    device.delayMs = 10_000;
    const { report, result, latency } = await stopWhileRunning(
      mode,
      'mp.backend.connect() mp.log.info("not reached")',
    );
    device.delayMs = 0;
    expect(result, JSON.stringify({ ...result, image: undefined })).toMatchObject({
      error: { code: 'CANCELLED' },
    });
    expect(latency).toBeLessThan(STOP_LIMIT_MS);
    expect(report.terminated).toBe(false);
    expect(device.cancelled.length).toBeGreaterThan(0);
    const next = await run(
      clients[mode].client,
      'assert(mp.backend.connect()) return (mp.backend.blank_check())',
    );
    expect(next).toMatchObject({ ok: true, returns: [true] });
  });

  it('runs the next script after a stop', async () => {
    const next = await run(clients[mode].client, 'return 6 * 7');
    expect(next.returns).toEqual([42]);
    expect(await (await clients[mode].client.api()).evaluate('return "alive"')).toEqual(['alive']);
  });
});

describe('LuaRunnerClient', () => {
  it('replaced the worker only where the flag was missing', () => {
    expect(clients.flag.workersStarted()).toBe(1);
    expect(clients.noFlag.workersStarted()).toBe(1 + Object.keys(cases).length);
  });

  it('does nothing when stopped with no run, and refuses two runs at once', async () => {
    const { client } = clients.flag;
    expect(await client.stop()).toEqual({ terminated: false, ms: 0 });
    const first = run(client, 'mp.app.sleep(30) return 1');
    await expect(run(client, 'return 2')).rejects.toMatchObject({ code: 'WORKER_ERROR' });
    expect((await first).returns).toEqual([1]);
  });
});
