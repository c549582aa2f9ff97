/**
 * The registry of backends: which backend drives a USB device (CMSIS-DAP probes) and which a
 * serial port (ESP boards, Renesas RA chips in boot mode, RL78 chips on a USB-UART). One place,
 * shared by the browser's device worker and the `webprog` command line, so both hosts run the
 * same engine; a new backend is added here once.
 */
import type { CmsisTarget } from '../../src/core/cmsis/algorithm';
import { CmsisDapBackend } from './cmsis-dap/backend';
import type { ScriptCandidate } from './cmsis-dap/identify';
import { WebUsbPacketTransport } from './cmsis-dap/packet-transport';
import { decodeScriptLayout } from './cmsis-dap/script-catalogue';
import type { Backend } from './backend';
import type { DeviceSources, SerialDeviceKind } from './devices';
import { EspBackend } from './esp/esp-backend';
import { RaBackend } from './ra/ra-backend';
import { Rl78Backend } from './rl78/rl78-backend';
import { rl78OptionsFor } from './rl78/rl78-ports';

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
    serialBackend: serialBackendFor,
  };
}

/**
 * The backend of a serial port: `rl78` for a port marked as an RL78 cable, `ra` for a Renesas
 * RA chip in boot mode (its USB CDC ids, or a USB-UART the caller knows leads to one), else an
 * ESP board.
 */
export function serialBackendFor(
  port: SerialPort,
  getPorts: () => Promise<SerialPort[]>,
  kind?: SerialDeviceKind,
): Backend {
  const rl78 = rl78OptionsFor(port);
  if (rl78) return new Rl78Backend(port, rl78);
  if (kind === 'ra') return new RaBackend(port);
  return new EspBackend(port, { getPorts });
}
