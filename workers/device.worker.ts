/**
 * Device worker entry. It owns every USB/serial handle and the flash engine; the page talks to
 * it only through comlink and the types in `device/api.ts`.
 */
import { expose } from 'comlink';
import { registerTransferHandlers } from './shared/comlink-setup';
import { createDeviceService } from './device/service';
import { backendFactories } from './device/backend-registry';
import { bundledScripts } from './device/cmsis-dap/bundled-scripts';
import { UserTargetRegistry } from './device/cmsis-dap/user-targets';

registerTransferHandlers();
const userTargets = new UserTargetRegistry();
expose(
  createDeviceService({
    sources: {
      usb: 'usb' in navigator ? navigator.usb : undefined,
      serial: 'serial' in navigator ? navigator.serial : undefined,
      ...backendFactories({
        scripts: userTargets.scriptsWith(bundledScripts),
        cmsisTargets: userTargets.cmsisTargets,
      }),
    },
    // Simulated probes take their modeled time on the wall clock, as hardware would.
    userTargets,
    builtInScripts: bundledScripts,
    loadSimulation: () =>
      import('./device/simulation-impl').then((m) => m.createSimulation({ paceWallClock: true })),
  }),
);
