/**
 * Helpers for tests of the device worker's service and the backends behind it: the service as
 * the page reaches it (comlink over a MessageChannel, simulated devices on), and the byte
 * pattern the Renesas and Lua tests write.
 */
import { expose, wrap, type Remote } from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { registerTransferHandlers } from '../shared/comlink-setup';
import type { DeviceWorkerApi } from './api';
import { createDeviceService, type DeviceServiceOptions } from './service';

/** The device worker's service behind comlink, and how to close its channel. */
export interface ServiceRig {
  /** The service as the page's worker client sees it. */
  device: Remote<DeviceWorkerApi>;
  /** Closes both ends of the channel (call it in `afterAll`). */
  close(): void;
}

/**
 * The device worker's service made from `options` with the simulators loaded on demand (as the
 * worker loads them), exposed with comlink on one end of a MessageChannel and wrapped on the
 * other, as the page reaches it.
 */
export function serviceRig(options: Omit<DeviceServiceOptions, 'loadSimulation'>): ServiceRig {
  registerTransferHandlers();
  const channel = new MessageChannel();
  type Endpoint = Parameters<typeof wrap>[0];
  expose(
    createDeviceService({
      ...options,
      loadSimulation: () => import('./simulation-impl').then((m) => m.createSimulation()),
    }),
    channel.port1 as unknown as Endpoint,
  );
  return {
    device: wrap<DeviceWorkerApi>(channel.port2 as unknown as Endpoint),
    close() {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

/** `size` pseudo-random bytes from a linear congruential generator seeded with `seed`. */
export function lcgBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
