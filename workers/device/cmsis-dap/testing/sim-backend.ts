/** A CMSIS-DAP backend on a simulated probe, for tests and benchmarks. */
import { CmsisDapBackend } from '../backend';
import { WebUsbPacketTransport } from '../packet-transport';
import { decodeScriptLayout } from '../script-catalogue';
import type { SimulatedProbe } from '../../../../src/sim';
import type { ScriptCandidate } from '../identify';
import { nodeScripts } from './node-scripts';

/** The backend driving `probe` through its simulated USB device and the built scripts. */
export function simBackend(
  probe: SimulatedProbe,
  scripts: () => Promise<readonly ScriptCandidate[]> = nodeScripts,
): CmsisDapBackend {
  return new CmsisDapBackend(new WebUsbPacketTransport(probe.usbDevice), {
    scripts,
    decodeLayout: decodeScriptLayout,
    now: () => probe.clock.elapsedMs,
  });
}

/**
 * The device sources' `usbBackend` as the device worker sets it up, with the built scripts:
 * deadlines on the simulated probe's modeled clock.
 */
export function nodeUsbBackend(device: USBDevice, clock?: () => number): CmsisDapBackend {
  return new CmsisDapBackend(new WebUsbPacketTransport(device), {
    scripts: nodeScripts,
    decodeLayout: decodeScriptLayout,
    now: clock,
  });
}
