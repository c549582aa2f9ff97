import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebProgError } from '../../src/core/errors';
import type { ProgressEvent } from '../../src/core/progress';
import { registerTransferHandlers } from '../shared/comlink-setup';
import type { BackendCallOptions, DeviceOperationsApi } from './device-api';
import { exposeDeviceOperations, wrapDeviceOperations } from './device-link';

const event = (done: number, kind: 'progress' | 'finished' = 'progress'): ProgressEvent =>
  ({ kind, operation: 'Erase', done, total: 3, rate: 0, elapsedMs: done }) as ProgressEvent;

/** A device whose backendCall reports three progress events and asks to confirm erases. */
function scriptedDevice(seen: { options?: BackendCallOptions; cancelled: number[] }): DeviceOperationsApi {
  const fail = async () => {
    throw new WebProgError('NOT_SUPPORTED', 'not here');
  };
  return {
    listDevices: async () => [
      { id: 'd', type: 'cmsis-dap', name: 'D', serial: '1', simulated: true, connected: true },
    ],
    connectDevice: async (_id, options) => {
      options?.onProgress?.(event(1));
      return {
        target: { name: 'T', additional: [] },
        regions: [],
        programmer: { name: 'P', serial: '', connected: true, type: 't' },
      };
    },
    disconnectDevice: async () => undefined,
    backendCall: async (_id, operation, _args, options) => {
      seen.options = options;
      if (operation === 'erase' && options?.confirm && !(await options.confirm('Erase the whole chip?'))) {
        throw new WebProgError('CANCELLED', 'Mass erase was not confirmed.');
      }
      options?.onProgress?.(event(1));
      options?.onProgress?.(event(2));
      options?.onProgress?.(event(3, 'finished'));
      return { elapsedMs: 1 };
    },
    targetInfo: fail,
    programmerInfo: fail,
    setPower: fail,
    debug: async (_id, _request, options) => ({ value: (await options?.confirm?.('write?')) ? 1 : 0 }),
    cancel: async (callId) => void seen.cancelled.push(callId),
    serialOpen: fail,
    serialWrite: fail,
    serialClose: fail,
  };
}

const channels: MessageChannel[] = [];
function link(device: DeviceOperationsApi): DeviceOperationsApi {
  registerTransferHandlers();
  const channel = new MessageChannel();
  channels.push(channel);
  exposeDeviceOperations(device, channel.port1 as unknown as MessagePort);
  return wrapDeviceOperations(channel.port2 as unknown as MessagePort);
}

afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
  vi.restoreAllMocks();
});

describe('device link', () => {
  it('delivers every progress event of a call before the call returns, in order', async () => {
    const seen = { cancelled: [] as number[] } as { options?: BackendCallOptions; cancelled: number[] };
    const device = link(scriptedDevice(seen));
    for (let run = 0; run < 3; run++) {
      const events: number[] = [];
      await device.backendCall(
        'd',
        'blank_check',
        {},
        { callId: 7, onProgress: (e) => void events.push(e.done) },
      );
      expect(events).toEqual([1, 2, 3]);
    }
    // Plain options cross as they are; the functions are rebuilt on the device side.
    expect(seen.options?.callId).toBe(7);
    expect(typeof seen.options?.onProgress).toBe('function');
    expect(seen.options?.confirm).toBeUndefined();
  });

  it('asks the caller to confirm and passes the answer back', async () => {
    const device = link(scriptedDevice({ cancelled: [] }));
    const asked: string[] = [];
    await expect(
      device.backendCall('d', 'erase', {}, { confirm: async (m) => (asked.push(m), false) }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(
      device.backendCall('d', 'erase', {}, { confirm: () => Promise.resolve(true) }),
    ).resolves.toEqual({
      elapsedMs: 1,
    });
    expect(asked).toEqual(['Erase the whole chip?']);
    await expect(
      device.debug('d', { op: 'word_read', address: 0 }, { confirm: async () => true }),
    ).resolves.toEqual({
      value: 1,
    });
  });

  it('keeps the callbacks of overlapping calls apart', async () => {
    const device = link(scriptedDevice({ cancelled: [] }));
    const a: number[] = [];
    const b: number[] = [];
    await Promise.all([
      device.backendCall('d', 'read', {}, { onProgress: (e) => void a.push(e.done) }),
      device.backendCall('d', 'read', {}, { onProgress: (e) => void b.push(e.done * 10) }),
      device.connectDevice('d', { onProgress: (e) => void a.push(e.done * 100) }),
    ]);
    expect(a.sort((x, y) => x - y)).toEqual([1, 2, 3, 100]);
    expect(b).toEqual([10, 20, 30]);
  });

  it('opens one callback channel per link, not one per call', async () => {
    const device = link(scriptedDevice({ cancelled: [] }));
    const opened = vi.spyOn(globalThis, 'MessageChannel');
    for (let i = 0; i < 20; i++)
      await device.backendCall('d', 'blank_check', {}, { onProgress: () => undefined });
    expect(opened).toHaveBeenCalledTimes(1);
  });

  it('passes cancel, plain calls and error codes through', async () => {
    const seen = { cancelled: [] as number[] };
    const device = link(scriptedDevice(seen));
    await device.cancel(42);
    expect(seen.cancelled).toEqual([42]);
    expect((await device.listDevices())[0]?.id).toBe('d');
    await expect(device.targetInfo('d')).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      message: 'not here',
    });
  });
});
