/**
 * The registry of backends: which backend drives a USB device (CMSIS-DAP probes) and which a
 * serial port (ESP boards). One place, shared by the browser's device worker and the `webprog`
 * command line, so both hosts run the same engine; a new backend (Renesas RA, RL78…) is added
 * here once.
 */
import type { CmsisTarget } from '../../src/core/cmsis/algorithm';
import { CmsisDapBackend } from './cmsis-dap/backend';
import type { ScriptCandidate } from './cmsis-dap/identify';
import { WebUsbPacketTransport } from './cmsis-dap/packet-transport';
import { decodeScriptLayout } from './cmsis-dap/script-catalogue';
import type { DeviceSources } from './devices';
import { EspBackend } from './esp/esp-backend';

/** What the backends need from their host. */
export interface BackendRegistryOptions {
  /** The device scripts CMSIS-DAP identification chooses from (fetched in the browser, read from disk in Node). */
  scripts: () => Promise<readonly ScriptCandidate[]>;
  /** CMSIS flash algorithm targets the person loaded (connect with `chip` naming one). */
  cmsisTargets?: () => Promise<readonly CmsisTarget[]>;
}

/** The backend factories of the device manager. */
export function backendFactories(
  options: BackendRegistryOptions,
): Required<Pick<DeviceSources, 'usbBackend' | 'serialBackend'>> {
  return {
    usbBackend: (device, clock) =>
      new CmsisDapBackend(new WebUsbPacketTransport(device), {
        scripts: options.scripts,
        cmsisTargets: options.cmsisTargets,
        decodeLayout: decodeScriptLayout,
        // A simulated probe's modeled clock, so device-script deadlines hold on a busy machine.
        now: clock,
      }),
    serialBackend: (port, getPorts) => new EspBackend(port, { getPorts }),
  };
}
