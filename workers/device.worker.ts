/**
 * Device worker entry. It owns every USB/serial handle and the flash engine; the page talks to
 * it only through comlink and the types in `device/api.ts`.
 */
import { expose } from 'comlink';
import { registerTransferHandlers } from './shared/comlink-setup';
import { createDeviceService } from './device/service';
import { CmsisDapBackend } from './device/cmsis-dap/backend';
import { WebUsbPacketTransport } from './device/cmsis-dap/packet-transport';
import { bundledScripts } from './device/cmsis-dap/bundled-scripts';
import { decodeScriptLayout } from './device/cmsis-dap/script-catalogue';
import { EspBackend } from './device/esp/esp-backend';

registerTransferHandlers();
expose(
  createDeviceService({
    sources: {
      usb: 'usb' in navigator ? navigator.usb : undefined,
      usbBackend: (device) =>
        new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: bundledScripts,
          decodeLayout: decodeScriptLayout,
        }),
      serial: 'serial' in navigator ? navigator.serial : undefined,
      serialBackend: (port, getPorts) => new EspBackend(port, { getPorts }),
    },
    // Simulated probes take their modeled time on the wall clock, as hardware would.
    loadSimulation: () =>
      import('./device/simulation-impl').then((m) => m.createSimulation({ paceWallClock: true })),
  }),
);
