/**
 * Starts the two workers and wraps them with comlink. The page imports only the workers' API
 * types; errors thrown in a worker arrive here as `WebProgError` with their code intact.
 */
import { wrap, type Remote } from 'comlink';
import type { DeviceWorkerApi } from '../../workers/device/api';
import type { LuaWorkerApi } from '../../workers/lua/api';
import { registerTransferHandlers } from '../../workers/shared/comlink-setup';

/** The page's handles on the workers. */
export interface WorkerClients {
  /** The device worker (USB/serial, flash engine, file parsing). */
  device: Remote<DeviceWorkerApi>;
  /** The Lua worker (user scripts). */
  lua: Remote<LuaWorkerApi>;
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
  const luaWorker = new Worker(new URL('../../workers/lua.worker.ts', import.meta.url), {
    type: 'module',
    name: 'lua',
  });
  return {
    device: wrap<DeviceWorkerApi>(deviceWorker),
    lua: wrap<LuaWorkerApi>(luaWorker),
    terminate() {
      deviceWorker.terminate();
      luaWorker.terminate();
    },
  };
}
