/**
 * Lua runtime costs (issue 7): script start-up, 100 000 `mp.memory` byte reads, 1 000 blocking
 * backend calls against a device op that resolves at once (direct, and over a MessageChannel
 * with comlink as between the Lua and device workers), moving 1 MiB from Lua to the buffer,
 * and Stop latency through `LuaRunnerClient` with real Lua workers on worker_threads (the
 * real-time figures the tests do not assert, issue 14).
 * Wall time in Node; apart from the Stop figures the Lua service runs in-process (the worker
 * adds only message hops).
 */
import { performance } from 'node:perf_hooks';
import { MessageChannel } from 'node:worker_threads';
import { MemoryImage } from '../src/core/memory/memory-image';
import { flashRegion } from '../src/core/memory/region';
import type { DeviceOperationsApi } from '../workers/device/device-api';
import { exposeDeviceOperations, wrapDeviceOperations } from '../workers/device/device-link';
import { imageToDto } from '../workers/device/image-dto';
import type { ScriptCallbacks, ScriptRunResult } from '../workers/lua/api';
import { createLuaService } from '../workers/lua/service';
import { LuaRunnerClient } from '../workers/lua/lua-runner-client';
import { FAKE_DEVICE_ID, FakeDevice, fakeImage } from '../workers/lua/testing/fake-device';
import { connectFakeDevice, startNodeLuaWorker } from '../workers/lua/testing/node-lua-workers';
import { registerTransferHandlers } from '../workers/shared/comlink-setup';
import { median, medianMs } from './stats';
import type { BenchResult } from './types';

const DEVICE_ID = 'bench:0';
const callbacks: ScriptCallbacks = { onLog: () => undefined, onStatus: () => undefined, confirm: () => true };
const image = () => imageToDto(new MemoryImage([flashRegion('Code Flash', 0, 2 * 1024 * 1024, 4096)]));

/** A device whose every operation succeeds at once: what is left is the bridge's cost. */
const instantDevice: DeviceOperationsApi = {
  listDevices: async () => [],
  connectDevice: async () => ({
    target: { name: 'Instant', additional: [] },
    regions: [],
    programmer: { name: 'Instant', serial: '', connected: true, type: 'bench' },
  }),
  disconnectDevice: async () => undefined,
  backendCall: async () => ({ elapsedMs: 0 }),
  targetInfo: async () => ({ name: 'Instant', additional: [] }),
  programmerInfo: async () => ({ name: 'Instant', serial: '', connected: true, type: 'bench' }),
  setPower: async () => undefined,
  debug: async () => ({}),
  cancel: async () => undefined,
  serialOpen: async () => undefined,
  serialWrite: async () => undefined,
  serialClose: async () => undefined,
};

/**
 * The instant device behind a MessageChannel, linked as the Lua worker reaches the device
 * worker in the app (`exposeDeviceOperations` / `wrapDeviceOperations`, comlink underneath).
 */
function instantDeviceOverPort(): { device: DeviceOperationsApi; close(): void } {
  registerTransferHandlers();
  const channel = new MessageChannel();
  exposeDeviceOperations(instantDevice, channel.port1 as unknown as MessagePort);
  return {
    device: wrapDeviceOperations(channel.port2 as unknown as MessagePort),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

async function runOk(service: ReturnType<typeof createLuaService>, code: string): Promise<ScriptRunResult> {
  const result = await service.run(code, { image: image(), deviceId: DEVICE_ID }, callbacks);
  if (!result.ok) throw new Error(result.error?.message);
  return result;
}

/** Median of what the script returns as its first value, over `runs` runs. */
async function medianReturned(
  service: ReturnType<typeof createLuaService>,
  code: string,
  runs = 7,
): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < runs + 1; i++) values.push((await runOk(service, code)).returns[0] as number);
  return median(values.slice(1));
}

/** Runs the Lua benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const coldStarted = performance.now();
  const cold = createLuaService({ version: 'bench', device: instantDevice });
  await runOk(cold, 'return 1');
  results.push({
    name: 'Lua: first script in a new Lua service (wasm + engine + sandbox + mp)',
    value: performance.now() - coldStarted,
    unit: 'ms',
    target: { value: 150, better: 'lower' },
    note: 'Node, wasm from disk; the browser adds the worker start (terminate + new worker measured 62–88 ms)',
  });

  const service = createLuaService({ version: 'bench', device: instantDevice });
  results.push({
    name: 'Lua: script start-up in a warm worker (fresh engine per run)',
    value: await medianMs(() => runOk(service, 'return 1'), 15, 3),
    unit: 'ms',
    target: { value: 150, better: 'lower' },
    note: 'median of 15 runs of "return 1"',
  });

  const reads = await medianReturned(
    service,
    `local t0 = os.clock() local s = 0
     for i = 0, 99999 do s = s + mp.memory.read_byte_at(i) end
     return (os.clock() - t0) * 1000`,
  );
  results.push({
    name: 'Lua: 100 000 mp.memory.read_byte_at calls',
    value: reads,
    unit: 'ms',
    note: `${((reads * 1000) / 100_000).toFixed(2)} µs per read, loop included; median of 7 runs (os.clock)`,
  });

  const blockingCode = `local t0 = os.clock()
     for i = 1, 1000 do assert(mp.backend.blank_check()) end
     return (os.clock() - t0) * 1000`;
  const direct = await medianReturned(service, blockingCode);
  results.push({
    name: 'Lua: overhead of a blocking backend call (bridge only)',
    value: (direct * 1000) / 1000,
    unit: 'µs',
    target: { value: 100, better: 'lower' },
    note: '1 000 × mp.backend.blank_check() against an op that resolves at once, in-process',
  });
  const link = instantDeviceOverPort();
  const overPort = createLuaService({ version: 'bench', device: link.device });
  const quickCode = `local t0 = os.clock()
     for i = 1, 1000 do mp.backend.is_connected() end
     return (os.clock() - t0) * 1000`;
  results.push({
    name: 'Lua: overhead of a blocking backend call over a MessageChannel (comlink)',
    value: await medianMs(() => runOk(overPort, quickCode), 5, 1),
    unit: 'µs',
    target: { value: 100, better: 'lower' },
    note: '1 000 × mp.backend.is_connected() per run (ms per run = µs per call), wall time incl. run start-up; Node MessageChannel',
  });
  results.push({
    name: 'Lua: same, for an operation that passes progress and confirm callbacks',
    value: await medianMs(() => runOk(overPort, blockingCode), 5, 1),
    unit: 'µs',
    note: "1 000 × blank_check(); onProgress travels by id over the link's one callback channel (no proxy per call); real such operations take ms to s",
  });
  link.close();

  const moveString = await medianReturned(
    service,
    `local s = ("\\x5A\\xA5"):rep(512 * 1024)
     local t0 = os.clock()
     mp.memory.write("Code Flash", 0, s)
     return (os.clock() - t0) * 1000`,
  );
  results.push({
    name: 'Lua: move 1 MiB from a Lua string to the buffer',
    value: moveString,
    unit: 'ms',
    target: { value: 50, better: 'lower' },
    note: 'mp.memory.write with a 1 MiB string (binary-safe raw copy); os.clock resolution is 1 ms in this build',
  });
  const moveTable = await medianReturned(
    service,
    `local t = {} for i = 1, 1024 * 1024 do t[i] = i % 256 end
     local t0 = os.clock()
     mp.memory.write("Code Flash", 0, t)
     return (os.clock() - t0) * 1000`,
    5,
  );
  results.push({
    name: 'Lua: move 1 MiB from a Lua table of bytes to the buffer',
    value: moveTable,
    unit: 'ms',
    target: { value: 50, better: 'lower' },
    note: 'packed to a string inside Lua 4096 values at a time, then one copy',
  });
  results.push(...(await stopLatency()));
  return results;
}

/**
 * Stop latency: from `LuaRunnerClient.stop()` until the run has ended, for a busy loop with
 * the shared stop flag, a busy loop without it (terminate + replace the worker), and a run
 * waiting in a device call (cancelled). Medians of 5 stops each.
 */
async function stopLatency(): Promise<BenchResult[]> {
  const device = new FakeDevice();
  const stopped: string[] = [];
  const stopCallbacks: ScriptCallbacks = {
    onLog: (_level, text) => void stopped.push(text),
    onStatus: () => undefined,
    confirm: () => true,
  };
  const clientWith = (useStopFlag: boolean) =>
    new LuaRunnerClient({
      createWorker: startNodeLuaWorker,
      connectDevice: (api) => connectFakeDevice(api, device),
      cancelDeviceCall: (callId) => device.cancel(callId),
      useStopFlag,
    });
  const measure = async (client: LuaRunnerClient, code: string, ready = () => true) => {
    const values: number[] = [];
    for (let i = 0; i < 5; i++) {
      stopped.length = 0;
      const running = client.run(
        `mp.log.info("started") ${code}`,
        { image: imageToDto(fakeImage()), deviceId: FAKE_DEVICE_ID },
        stopCallbacks,
      );
      while (!stopped.includes('started') || !ready()) await new Promise((r) => setTimeout(r, 2));
      const report = await client.stop();
      await running;
      values.push(report.ms);
    }
    return median(values);
  };
  const flag = clientWith(true);
  const noFlag = clientWith(false);
  try {
    await (await flag.api()).hello();
    await (await noFlag.api()).hello();
    const busyFlag = await measure(flag, 'while true do end');
    const busyTerminate = await measure(noFlag, 'while true do end');
    device.delayMs = 600_000;
    const deviceCall = await measure(flag, 'mp.backend.connect()', () => device.waitingCalls > 0);
    device.delayMs = 0;
    const workerStart = await medianMs(
      async () => {
        const worker = startNodeLuaWorker();
        await worker.api.hello();
        worker.terminate();
      },
      3,
      0,
    );
    return [
      {
        name: 'Lua: Stop a busy loop (shared stop flag)',
        value: busyFlag,
        unit: 'ms',
        target: { value: 100, better: 'lower' },
        note: 'LuaRunnerClient.stop() until the run ended; Node worker_threads; median of 5',
      },
      {
        name: 'Lua: Stop a busy loop without the flag (terminate + replace the worker)',
        value: busyTerminate,
        unit: 'ms',
        target: { value: 100, better: 'lower' },
        note: 'includes the 40 ms grace period before terminating; median of 5',
      },
      {
        name: 'Lua: Stop a run waiting in a device call (cancelled, worker kept)',
        value: deviceCall,
        unit: 'ms',
        target: { value: 100, better: 'lower' },
        note: 'the device call is cancelled in the device worker; median of 5',
      },
      {
        name: 'Lua: start a new Lua worker until it answers',
        value: workerStart,
        unit: 'ms',
        note: 'Node worker_threads with tsx compiling the service (a browser worker loads the built bundle); median of 3',
      },
    ];
  } finally {
    flag.dispose();
    noFlag.dispose();
  }
}
