/**
 * The device-worker calls of the ESP panel, taken from the app's device client; a client
 * without the ESP calls (a test double) gets stand-ins that fail with NOT_SUPPORTED.
 */
import type { Remote } from 'comlink';
import { WebProgError } from '../core/errors';
import type { DeviceWorkerApi } from '../../workers/device/api';
import type { AppState } from './app-state.svelte';

/** What the ESP panel calls in the device worker. */
export type EspClient = Pick<
  Remote<DeviceWorkerApi>,
  | 'espConfigure'
  | 'espChipInfo'
  | 'espPlanParts'
  | 'espFlashParts'
  | 'espMonitorStart'
  | 'espMonitorSend'
  | 'espMonitorStop'
  | 'espReset'
  | 'connectDevice'
  | 'cancel'
>;

const METHODS = [
  'espConfigure',
  'espChipInfo',
  'espPlanParts',
  'espFlashParts',
  'espMonitorStart',
  'espMonitorSend',
  'espMonitorStop',
  'espReset',
  'connectDevice',
  'cancel',
] as const satisfies readonly (keyof EspClient)[];

/** `client` itself when it offers the ESP calls, else stand-ins rejecting with NOT_SUPPORTED. */
export function espClient(client: object | undefined): EspClient {
  if (client && METHODS.every((m) => typeof (client as Record<string, unknown>)[m] === 'function')) {
    return client as EspClient;
  }
  const unavailable = async (): Promise<never> => {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: this build has no device worker for ESP boards.');
  };
  return Object.fromEntries(METHODS.map((m) => [m, unavailable])) as unknown as EspClient;
}

/** The ESP calls of the app's device worker. */
export function espClientOf(app: AppState): EspClient {
  return espClient(app.deviceCalls);
}
