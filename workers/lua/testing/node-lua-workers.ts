/**
 * Starts real Lua workers on Node `worker_threads` for tests and benchmarks, with a
 * {@link FakeDevice} in the parent thread reached over a MessageChannel, as the device worker
 * is in the browser.
 */
import { transfer, wrap, type Remote } from 'comlink';
import { exposeDeviceOperations } from '../../device/device-link';
import { MessageChannel, Worker } from 'node:worker_threads';
import { registerTransferHandlers } from '../../shared/comlink-setup';
import type { LuaWorkerApi } from '../api';
import type { LuaWorkerHandle } from '../lua-runner-client';
import type { FakeDevice } from './fake-device';

type ComlinkEndpoint = Parameters<typeof wrap>[0];

/** Starts one Lua worker thread (comlink over a MessagePort handed over in workerData). */
export function startNodeLuaWorker(): LuaWorkerHandle & { worker: Worker } {
  registerTransferHandlers();
  const channel = new MessageChannel();
  const worker = new Worker(new URL('./node-lua-worker.mjs', import.meta.url), {
    workerData: { port: channel.port2 },
    transferList: [channel.port2],
  });
  const api = wrap<LuaWorkerApi>(channel.port1 as unknown as ComlinkEndpoint);
  return {
    worker,
    api,
    terminate: () => {
      void worker.terminate();
      channel.port1.close();
    },
  };
}

/** Connects a Lua worker to `device` through a new MessageChannel (the device side stays here). */
export async function connectFakeDevice(api: Remote<LuaWorkerApi>, device: FakeDevice): Promise<void> {
  const channel = new MessageChannel();
  exposeDeviceOperations(device, channel.port1 as unknown as MessagePort);
  const port = channel.port2 as unknown as MessagePort;
  await api.connectDevicePort(transfer(port, [port]));
}
