/**
 * The device-worker calls of the RA flow, taken from the app's device client; a client without
 * them (a test double) gets a stand-in that fails with NOT_SUPPORTED.
 */
import { WebProgError } from '../core/errors';
import type { RaWorkerApi } from '../../workers/device/ra/ra-api';

/** What the RA flow calls in the device worker. */
export type RaClient = Pick<RaWorkerApi, 'raMarkPort'>;

/** `client` itself when it offers the RA calls, else a stand-in rejecting with NOT_SUPPORTED. */
export function raClient(client: object | undefined): RaClient {
  if (client && typeof (client as Record<string, unknown>).raMarkPort === 'function') {
    return client as RaClient;
  }
  return {
    raMarkPort: async (): Promise<never> => {
      throw new WebProgError(
        'NOT_SUPPORTED',
        'Not Supported: this build has no device worker for Renesas RA.',
      );
    },
  };
}
