/**
 * What the device worker offers the page for RL78 cables: saying that a USB-UART leads to an
 * RL78 (with its wiring, reset line, baud rate and voltage), and the security commands.
 */
import type { BackendCallOptions } from '../device-api';

/** How a USB-UART reaches the RL78. */
export interface Rl78Settings {
  /** 'single-wire' (TxD via resistor/diode onto TOOL0 with RxD) or 'two-wire'. */
  wiring?: 'single-wire' | 'two-wire';
  /** Which modem line drives RESET ('dtr' or 'rts'). */
  reset?: 'dtr' | 'rts';
  /** Baud rate after Baud Rate Set (115200, 250000, 500000, 1000000). */
  baud?: number;
  /** Supply voltage in volts (Baud Rate Set's voltage byte). */
  volts?: number;
}

/** Security flags as Security Get reports them. */
export interface Rl78SecurityState {
  flags: number;
  bootBlock: number;
  windowStart: number;
  windowEnd: number;
  blockEraseProhibited: boolean;
  programmingProhibited: boolean;
  bootClusterProhibited: boolean;
}

/** A security request. */
export type Rl78SecurityRequest =
  | { action: 'get' }
  | { action: 'set'; prohibit: { blockErase?: boolean; programming?: boolean; bootCluster?: boolean } }
  | { action: 'release' };

/** The RL78 part of the device worker's API. */
export interface Rl78WorkerApi {
  /**
   * Says that serial device `deviceId` is an RL78 programming cable with `settings` (null: an
   * ESP board again). Refused while the device is connected.
   */
  rl78Configure(deviceId: string, settings: Rl78Settings | null): Promise<void>;
  /**
   * Security Get / Set / Release on a connected RL78. Set and Release need `allowWrites` and
   * two confirmations through `options.confirm` (the second names the consequence).
   */
  rl78Security(
    deviceId: string,
    request: Rl78SecurityRequest,
    options?: BackendCallOptions,
  ): Promise<Rl78SecurityState>;
}
