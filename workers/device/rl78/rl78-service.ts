/**
 * The device worker's implementation of {@link Rl78WorkerApi} over the device manager.
 */
import { WebProgError } from '../../../src/core/errors';
import type { DeviceManager } from '../devices';
import type { Rl78WorkerApi } from './rl78-api';
import { Rl78Backend } from './rl78-backend';
import { markRl78Port, rl78OptionsFor } from './rl78-ports';
import { markRaPort } from '../ra/ra-ports';

/** Creates the RL78 API. */
export function createRl78Api(
  devices: Pick<DeviceManager, 'renewSerialBackend' | 'withBackend'>,
): Rl78WorkerApi {
  return {
    async rl78Configure(deviceId, settings) {
      // An RL78 backend already made takes the settings for its next connect; any other is replaced.
      const port = await devices.renewSerialBackend(deviceId, (backend) => {
        if (settings === null || !(backend instanceof Rl78Backend)) return false;
        backend.configure(settings);
        return true;
      });
      markRl78Port(port, settings === null ? null : { ...(rl78OptionsFor(port) ?? {}), ...settings });
      // One port leads to one kind of chip: an RL78 cable is no RA chip.
      if (settings !== null) markRaPort(port, undefined);
    },

    async rl78Security(deviceId, request, options = {}) {
      return devices.withBackend(deviceId, `security ${request.action}`, options, async (backend, ctx) => {
        if (!(backend instanceof Rl78Backend)) {
          throw new WebProgError('NOT_SUPPORTED', `Not Supported: ${deviceId} is not an RL78 cable.`);
        }
        if (request.action === 'get') return backend.securityGet();
        if (request.action === 'set') return backend.securitySet(request.prohibit, ctx);
        return backend.securityRelease(ctx);
      });
    },
  };
}
