/**
 * The device-worker calls of the chip workbench, taken from the app's device client; a client
 * without them (a test double) gets stand-ins that fail with NOT_SUPPORTED.
 */
import type { Remote } from 'comlink';
import { WebProgError } from '../core/errors';
import type { DeviceWorkerApi } from '../../workers/device/api';

/** What the workbench calls in the device worker. */
export type WorkbenchClient = Pick<
  Remote<DeviceWorkerApi>,
  'benchInfo' | 'benchLoad' | 'benchStage' | 'benchBlock'
>;

const METHODS = [
  'benchInfo',
  'benchLoad',
  'benchStage',
  'benchBlock',
] as const satisfies readonly (keyof WorkbenchClient)[];

/** `client` itself when it offers the workbench calls, else stand-ins rejecting with NOT_SUPPORTED. */
export function workbenchClient(client: object | undefined): WorkbenchClient {
  if (client && METHODS.every((m) => typeof (client as Record<string, unknown>)[m] === 'function')) {
    return client as WorkbenchClient;
  }
  const unavailable = async (): Promise<never> => {
    throw new WebProgError(
      'NOT_SUPPORTED',
      'Not Supported: this build has no device worker for the workbench.',
    );
  };
  return Object.fromEntries(METHODS.map((m) => [m, unavailable])) as unknown as WorkbenchClient;
}
