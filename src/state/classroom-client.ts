/**
 * The device-worker calls classroom mode makes, taken from the client the composition root is
 * given. A client without them (a unit-test fake of the file tools) gets stand-ins that fail
 * with `NOT_SUPPORTED`, so the rest of the app still works.
 */
import type { Remote } from 'comlink';
import { WebProgError } from '../core/errors';
import type { DeviceWorkerApi } from '../../workers/device/api';

/** Everything classroom mode calls in the device worker (connections go through the device panel). */
export type ClassroomClient = Pick<
  Remote<DeviceWorkerApi>,
  'backendCall' | 'cancel' | 'plugSimulated' | 'simulateFault'
>;

const METHODS = ['backendCall', 'cancel', 'plugSimulated', 'simulateFault'] as const;

/** `client` itself when it offers the classroom calls, else stand-ins that reject with NOT_SUPPORTED. */
export function classroomClient(client: object): ClassroomClient {
  if (METHODS.every((m) => typeof (client as Record<string, unknown>)[m] === 'function'))
    return client as ClassroomClient;
  const unavailable = async (): Promise<never> => {
    throw new WebProgError(
      'NOT_SUPPORTED',
      'Not Supported: this build has no device worker for classroom mode.',
    );
  };
  return {
    backendCall: unavailable,
    cancel: async () => undefined,
    plugSimulated: unavailable,
    simulateFault: unavailable,
  } as unknown as ClassroomClient;
}
