import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { imageToDto } from '../device/image-dto';
import type { ScriptCallbacks } from './api';
import { LuaRunnerClient } from './lua-runner-client';
import { FAKE_DEVICE_ID, FakeDevice, fakeImage } from './testing/fake-device';
import { connectFakeDevice, startNodeLuaWorker } from './testing/node-lua-workers';

// Real Lua workers on worker_threads; the fake device lives in this thread, as the device
// worker does in the browser. These tests check how Stop ends each kind of run (flag, cancel
// or terminate) and that the next run works; how fast it does is measured in
// bench/lua.bench.ts. The grace periods are far above the real figures (a few ms), so a busy
// machine cannot turn a stop by the flag or by cancelling into a terminate.
const GRACE_MS = { flag: 5_000, noFlag: 1_500 };
// A new worker thread compiles the Lua service with tsx: seconds on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** Lines the scripts log; a script logs "started" once it is inside what Stop must end. */
const logged: string[] = [];
const callbacks: ScriptCallbacks = {
  onLog: (_level, text) => void logged.push(text),
  onStatus: () => undefined,
  confirm: () => true,
};

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
    stopGraceMs: useStopFlag ? GRACE_MS.flag : GRACE_MS.noFlag,
  });
  return { client, workersStarted: () => started };
}

const devices = { flag: new FakeDevice(), noFlag: new FakeDevice() };
const clients = { flag: clientFor(devices.flag, true), noFlag: clientFor(devices.noFlag, false) };

beforeAll(async () => {
  await (await clients.flag.client.api()).hello();
  await (await clients.noFlag.client.api()).hello();
});

afterAll(() => {
  clients.flag.client.dispose();
  clients.noFlag.client.dispose();
});

function run(client: LuaRunnerClient, code: string) {
  return client.run(code, { image: imageToDto(fakeImage()), deviceId: FAKE_DEVICE_ID }, callbacks);
}

/**
 * Runs `code` after logging "started", waits until it has (and until `ready()`), and stops
 * it.
 */
async function stopWhileRunning(mode: keyof typeof clients, code: string, ready = () => true) {
  const { client } = clients[mode];
  logged.length = 0;
  const running = run(client, `mp.log.info("started") ${code}`);
  while (!logged.includes('started') || !ready()) await new Promise((resolve) => setTimeout(resolve, 5));
  const report = await client.stop();
  const result = await running;
  return { report, result };
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
  it.each(Object.entries(cases))('ends %s', async (_name, code) => {
    const { report, result } = await stopWhileRunning(mode, code);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'CANCELLED', message: 'Script stopped.' });
    // With the flag the loop ends by itself, well inside the grace period; without it only
    // terminating the worker can end it.
    expect(report.terminated).toBe(mode === 'noFlag');
  });

  it('ends a pending device call: the device operation is cancelled and the device stays usable', async () => {
    const device = devices[mode];
    // Far longer than the test may take: only the cancel can end this call.
    device.delayMs = 600_000;
    const { report, result } = await stopWhileRunning(
      mode,
      'mp.backend.connect() mp.log.info("not reached")',
      () => device.waitingCalls > 0,
    );
    device.delayMs = 0;
    expect(result, JSON.stringify({ ...result, image: undefined })).toMatchObject({
      error: { code: 'CANCELLED' },
    });
    expect(logged).not.toContain('not reached');
    expect(report.terminated).toBe(false);
    // The worker's cancel reaches the device over its own port: it may land just after the
    // run's result has come back.
    await vi.waitFor(() => expect(device.cancelled.length).toBeGreaterThan(0), { timeout: 10_000 });
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
