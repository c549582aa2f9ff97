/**
 * The device-worker calls of the RL78 flow, taken from the app's device client; a client
 * without them (a test double) gets stand-ins that fail with NOT_SUPPORTED.
 */
import type { Remote } from 'comlink';
import { WebProgError } from '../core/errors';
import type { DeviceWorkerApi } from '../../workers/device/api';

/** What the RL78 flow calls in the device worker. */
export type Rl78Client = Pick<Remote<DeviceWorkerApi>, 'rl78Configure' | 'rl78Security'>;

const METHODS = ['rl78Configure', 'rl78Security'] as const satisfies readonly (keyof Rl78Client)[];

/** `client` itself when it offers the RL78 calls, else stand-ins rejecting with NOT_SUPPORTED. */
export function rl78Client(client: object | undefined): Rl78Client {
  if (client && METHODS.every((m) => typeof (client as Record<string, unknown>)[m] === 'function')) {
    return client as Rl78Client;
  }
  const unavailable = async (): Promise<never> => {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: this build has no device worker for RL78.');
  };
  return Object.fromEntries(METHODS.map((m) => [m, unavailable])) as unknown as Rl78Client;
}
