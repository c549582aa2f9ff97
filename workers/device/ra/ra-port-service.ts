/**
 * The device worker's implementation of {@link RaWorkerApi} over the device manager: marking a
 * USB-UART as an RA chip in boot mode drops the port's ESP (or RL78) backend so the next use
 * makes an `ra` one, and the other way round.
 */
import type { DeviceManager } from '../devices';
import { markRl78Port } from '../rl78/rl78-ports';
import type { RaWorkerApi } from './ra-api';
import { RaBackend } from './ra-backend';
import { markRaPort } from './ra-ports';

/** Creates the RA API. */
export function createRaApi(devices: Pick<DeviceManager, 'renewSerialBackend'>): RaWorkerApi {
  return {
    async raMarkPort(deviceId, isRa, entry) {
      // An RA backend already made stays when the port is (still) an RA chip; any other is replaced.
      const port = await devices.renewSerialBackend(
        deviceId,
        (backend) => isRa && backend instanceof RaBackend,
      );
      markRaPort(port, isRa, entry);
      // One port leads to one kind of chip: an RA chip is no RL78 cable.
      if (isRa) markRl78Port(port, null);
    },
  };
}
