/**
 * The registry of backends: which backend drives a USB device (CMSIS-DAP probes) and which a
 * serial port (ESP boards, Renesas RA chips in boot mode). One place, shared by the browser's device worker and the `webprog`
 * command line, so both hosts run the same engine; a new backend (Renesas RA, RL78…) is added
 * here once.
 */
import { CmsisDapBackend } from './cmsis-dap/backend';
import type { ScriptCandidate } from './cmsis-dap/identify';
import { WebUsbPacketTransport } from './cmsis-dap/packet-transport';
import { decodeScriptLayout } from './cmsis-dap/script-catalogue';
import type { DeviceSources } from './devices';
import { EspBackend } from './esp/esp-backend';
import { RaBackend } from './ra/ra-backend';

/** What the backends need from their host. */
export interface BackendRegistryOptions {
  /** The device scripts CMSIS-DAP identification chooses from (fetched in the browser, read from disk in Node). */
  scripts: () => Promise<readonly ScriptCandidate[]>;
}

/** The backend factories of the device manager. */
export function backendFactories(
  options: BackendRegistryOptions,
): Required<Pick<DeviceSources, 'usbBackend' | 'serialBackend'>> {
  return {
    usbBackend: (device, clock) =>
      new CmsisDapBackend(new WebUsbPacketTransport(device), {
        scripts: options.scripts,
        decodeLayout: decodeScriptLayout,
        // A simulated probe's modeled clock, so device-script deadlines hold on a busy machine.
        now: clock,
      }),
    serialBackend: (port, getPorts, kind) =>
      kind === 'ra' ? new RaBackend(port) : new EspBackend(port, { getPorts }),
  };
}
