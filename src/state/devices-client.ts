/**
 * The device-worker calls of the device panel and the workflow, taken from the client the
 * composition root is given. The real worker client (a comlink remote) has them all; a client
 * without them (a unit-test fake of the file tools) gets stand-ins that fail with
 * `NOT_SUPPORTED`, so the rest of the app still works.
 */
import { WebProgError } from '../core/errors';
import type { DeviceSessionClient } from './devices.svelte';
import type { OperationClient } from './operation.svelte';

/** Everything the device panel and the workflow call. */
export type DeviceWorkflowClient = DeviceSessionClient & OperationClient;

const METHODS = [
  'listDevices',
  'connectDevice',
  'disconnectDevice',
  'enableSimulation',
  'plugSimulated',
  'unplugSimulated',
  'backendCall',
  'cancel',
  'saveFile',
] as const satisfies readonly (keyof DeviceWorkflowClient)[];

/** True when `client` offers every call the device panel and the workflow make. */
export function hasDeviceCalls(client: object): client is DeviceWorkflowClient {
  return METHODS.every((m) => typeof (client as Record<string, unknown>)[m] === 'function');
}

/** `client` itself when it offers the device calls, else stand-ins that reject with NOT_SUPPORTED. */
export function deviceWorkflowClient(client: object): DeviceWorkflowClient {
  if (hasDeviceCalls(client)) return client;
  const unavailable = async (): Promise<never> => {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: this build has no device worker for devices.');
  };
  return {
    listDevices: async () => [],
    connectDevice: unavailable,
    disconnectDevice: unavailable,
    enableSimulation: unavailable,
    plugSimulated: unavailable,
    unplugSimulated: unavailable,
    backendCall: unavailable,
    cancel: async () => undefined,
    saveFile: unavailable,
  } as unknown as DeviceWorkflowClient;
}
