/**
 * A Renesas RL78 on a USB-UART as a device of the one Flash flow: how the cable is wired
 * (single-wire TOOL0 or two-wire, RESET on DTR or RTS), the baud rate and supply voltage the
 * boot firmware is told, its memory map (Code Flash, Data Flash at 0xF1000), and the wiring help.
 * Writing is the backend's `flash` (chip-side blank check, block erase, skip unchanged by the
 * chip's checksum confirmed by its Verify, verify by the chip's checksum). Everything that
 * touches the chip goes through the device worker.
 */
import { flashRegion } from '../core/memory/region';
import type { TargetDescription } from '../core/targets';
import type { DeviceConnection } from '../../workers/device/device-api';
import { proxy } from 'comlink';
import type {
  Rl78SecurityRequest,
  Rl78SecurityState,
  Rl78Settings,
} from '../../workers/device/rl78/rl78-api';
import type { DeviceFlow } from './device-flow';
import type { LogState } from './log.svelte';
import { PendingConfirmation } from './pending-confirmation.svelte';
import type { Rl78Client } from './rl78-client';
import type { SerialMark } from './serial-marks';

/** Baud rates the RL78 boot firmware offers (Baud Rate Set). */
export const RL78_BAUDS = [115200, 250000, 500000, 1000000] as const;

/** The wiring help shown beside the options. */
export const RL78_WIRING_HELP = {
  'single-wire':
    'Single-wire (TOOL0): USB-UART TxD through a 1 kΩ resistor (or a Schottky diode, cathode to TxD) onto TOOL0; RxD straight to TOOL0; a 4.7–10 kΩ pull-up on TOOL0; GND to VSS. Every byte sent comes back as an echo, which WebProg checks and drops.',
  'two-wire':
    'Two-wire: USB-UART TxD to TOOLRxD (and to TOOL0, which must be low while RESET is released), RxD to TOOLTxD, GND to VSS. No echo.',
  reset:
    'RESET goes to the USB-UART’s DTR# or RTS# pin (RESET is low while the line is asserted; keep the board’s RESET pull-up). WebProg holds TOOL0 low with a break while it releases RESET, then sends the mode byte.',
  baud: 'Chrome’s Web Serial cannot change a port’s rate in place, and reopening the port at a new rate would reset the chip (opening asserts DTR and RTS, one of which drives RESET), so 115200 Bd is used there whatever is chosen; a port that can change its rate in place (the command line’s serial ports can) uses the chosen rate.',
  support:
    'Supported: RL78 Protocol A parts (RL78/G13, G14 and other R5F10… RL78/x1x). Not supported yet: RL78/G10, RL78/G2x (Protocol C) and NEC 78K0 / 78K0R.',
} as const;

/** The RL78 in the one Flash flow; see the module comment. */
export class Rl78State implements DeviceFlow {
  readonly type = 'rl78';
  /** How the USB-UART reaches the chip. */
  wiring = $state<'single-wire' | 'two-wire'>('single-wire');
  /** Which modem line drives RESET. */
  reset = $state<'dtr' | 'rts'>('dtr');
  /** Baud rate after Baud Rate Set. */
  baud = $state<number>(115200);
  /** Supply voltage in volts (Baud Rate Set's voltage byte). */
  volts = $state<number>(3.3);
  /** The last problem, in words. */
  error = $state<string | undefined>();
  /** The chip's security flags as last read. */
  security = $state.raw<Rl78SecurityState | undefined>();
  private readonly pending = new PendingConfirmation();
  /** Told what the person said a port leads to, once the worker took it (kept across reloads). */
  onMarked: (deviceId: string, mark: SerialMark) => void = () => undefined;
  /** Told the settings each connect uses (a remembered RL78 cable keeps the latest). */
  onSettings: (deviceId: string, settings: Rl78Settings) => void = () => undefined;

  constructor(
    private readonly client: Rl78Client,
    private readonly log: LogState,
  ) {}

  /** The settings as the worker takes them. */
  get settings(): Rl78Settings {
    return { wiring: this.wiring, reset: this.reset, baud: this.baud, volts: this.volts };
  }

  /** Code Flash and Data Flash (an R5F100LE's 64 KiB + 4 KiB until connected). */
  layout(connection: DeviceConnection | undefined): TargetDescription {
    const regions = connection?.regions.length
      ? connection.regions.map((r) => ({ ...r }))
      : [
          flashRegion('Code Flash', 0, 0x10000, 1024, 256),
          flashRegion('Data Flash', 0xf1000, 0x1000, 1024, 256),
        ];
    return { id: 'rl78', name: `${connection?.target.name ?? 'RL78'} (Code Flash + Data Flash)`, regions };
  }

  /** Applies the wiring, reset line, baud and voltage before the operation connects. */
  async beforeConnect(deviceId: string): Promise<boolean> {
    await this.client.rl78Configure(deviceId, this.settings);
    this.onSettings(deviceId, this.settings);
    return false;
  }

  /** Says that serial device `deviceId` is an RL78 cable (from the ESP options), with these settings. */
  async useAsRl78(deviceId: string): Promise<void> {
    try {
      await this.client.rl78Configure(deviceId, this.settings);
      this.error = undefined;
      this.onMarked(deviceId, { kind: 'rl78', settings: this.settings });
      this.log.info('The USB-UART is now used as an RL78 programming cable.');
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * Security Get, Set or Release on the connected chip. Set and Release ask twice through
   * {@link question}; the second question names what cannot be undone.
   */
  async securityCall(deviceId: string, request: Rl78SecurityRequest): Promise<void> {
    try {
      this.security = await this.client.rl78Security(deviceId, request, {
        allowWrites: request.action !== 'get',
        confirm: proxy((message: string) => this.pending.ask(message)),
      });
      this.error = undefined;
      if (request.action !== 'get') this.log.info(`RL78 security ${request.action}: done.`);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** A pending question of a security change (asked twice; the second names the consequence). */
  get question(): string | undefined {
    return this.pending.current?.message;
  }

  /** Answers the pending security question. */
  answer(ok: boolean): void {
    this.pending.answer(ok);
  }

  /** Back to an ESP board on this port. */
  async useAsEsp(deviceId: string): Promise<void> {
    try {
      await this.client.rl78Configure(deviceId, null);
      this.error = undefined;
      this.onMarked(deviceId, { kind: 'esp' });
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}
