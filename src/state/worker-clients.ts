/**
 * Starts the two workers and wraps them with comlink. The page imports only the workers' API
 * types; errors thrown in a worker arrive here as `WebProgError` with their code intact.
 *
 * The Lua worker is owned by a {@link LuaRunnerClient}, which can end it to stop a busy script
 * and starts a fresh one; every Lua worker reaches the device worker through a MessageChannel
 * of its own, so stopping a script never cuts a USB transfer.
 */
import { transfer, wrap, type Remote } from 'comlink';
import type { DeviceWorkerApi } from '../../workers/device/api';
import type { LuaWorkerApi } from '../../workers/lua/api';
import { LuaRunnerClient } from '../../workers/lua/lua-runner-client';
import { registerTransferHandlers } from '../../workers/shared/comlink-setup';
import type { LuaClient } from './clients';
import { provideScriptRunner } from './script-runtime';

/** The page's handles on the workers. */
export interface WorkerClients {
  /** The device worker (USB/serial, flash engine, file parsing). */
  device: Remote<DeviceWorkerApi>;
  /** The current Lua worker, for health checks and `evaluate`. */
  lua: LuaClient;
  /** Runs user scripts (and stops them). */
  scripts: LuaRunnerClient;
  /** Stops both workers. */
  terminate(): void;
}

/** Creates both workers. Call once, from the composition root. */
export function createWorkerClients(): WorkerClients {
  registerTransferHandlers();
  const deviceWorker = new Worker(new URL('../../workers/device.worker.ts', import.meta.url), {
    type: 'module',
    name: 'device',
  });
  const device = wrap<DeviceWorkerApi>(deviceWorker);
  const scripts = new LuaRunnerClient({
    createWorker() {
      const worker = new Worker(new URL('../../workers/lua.worker.ts', import.meta.url), {
        type: 'module',
        name: 'lua',
      });
      return { api: wrap<LuaWorkerApi>(worker), terminate: () => worker.terminate() };
    },
    async connectDevice(api) {
      const channel = new MessageChannel();
      await device.connectPort(transfer(channel.port1, [channel.port1]));
      await api.connectDevicePort(transfer(channel.port2, [channel.port2]));
    },
    cancelDeviceCall: (callId) => device.cancel(callId),
  });
  provideScriptRunner(scripts);
  return {
    device,
    // Always the runner's current worker (a stopped script may have replaced it). Only the two
    // methods are used, so the comlink proxy extras of the Remote type are not needed.
    lua: {
      hello: async () => (await scripts.api()).hello(),
      evaluate: async (code: string, chunkName?: string) => (await scripts.api()).evaluate(code, chunkName),
    } as Pick<LuaWorkerApi, 'hello' | 'evaluate'> as LuaClient,
    scripts,
    terminate() {
      scripts.dispose();
      deviceWorker.terminate();
    },
  };
}
