/**
 * Device worker entry. It owns every USB/serial handle and the flash engine; the page talks to
 * it only through comlink and the types in `device/api.ts`.
 */
import { expose } from 'comlink';
import { registerTransferHandlers } from './shared/comlink-setup';
import { createDeviceService } from './device/service';
import { backendFactories } from './device/backend-registry';
import { bundledScripts } from './device/cmsis-dap/bundled-scripts';

registerTransferHandlers();
expose(
  createDeviceService({
    sources: {
      usb: 'usb' in navigator ? navigator.usb : undefined,
      serial: 'serial' in navigator ? navigator.serial : undefined,
      ...backendFactories({ scripts: bundledScripts }),
    },
    // Simulated probes take their modeled time on the wall clock, as hardware would.
    loadSimulation: () =>
      import('./device/simulation-impl').then((m) => m.createSimulation({ paceWallClock: true })),
  }),
);
