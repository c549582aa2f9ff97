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
      usbBackend: (device, clock) =>
        new CmsisDapBackend(new WebUsbPacketTransport(device), {
          scripts: bundledScripts,
          decodeLayout: decodeScriptLayout,
          now: clock,
        }),
      serial: 'serial' in navigator ? navigator.serial : undefined,
      serialBackend: (port, getPorts) => new EspBackend(port, { getPorts }),
    },
    loadSimulation: () => import('./device/simulation-impl').then((m) => m.createSimulation()),
  }),
);
