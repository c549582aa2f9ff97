/**
 * The ESP backend's serial monitor: opens the board's port at the program's baud rate, resets
 * the chip into its application, and follows a native-USB board to its new port when a reset
 * re-enumerates it (up to {@link MAX_MONITOR_FOLLOWS} times a session, without resetting again).
 */
import { WebProgError } from '../../../src/core/errors';
import { resetIntoApp } from './app-reset';
import { toEspError } from './esp-protocol';
import type { PortFollower } from './port-follower';
import { SerialMonitor, type MonitorListener } from './serial-monitor';

/** Port changes one monitor session follows (each reset of a USB-OTG board is one). */
const MAX_MONITOR_FOLLOWS = 3;

/** What the monitor needs of its backend. */
export interface MonitorHost {
  /** The board's port, followed to its new one. */
  ports: PortFollower;
  /** Runs `work` under the backend's lock, after every earlier call. */
  exclusive: (what: string, work: () => Promise<void>) => Promise<void>;
  /** True while a flashing session holds the port. */
  hasSession: () => boolean;
  /** Receives a line when the monitor stops for good after losing its port. */
  log: (line: string) => void;
}

/** The serial monitor of one ESP backend (its methods are called with the backend's lock held). */
export class EspMonitor {
  private monitor: SerialMonitor | undefined;

  constructor(private readonly host: MonitorHost) {}

  /** True while the monitor has the port (open, or opening). */
  get isOpen(): boolean {
    return this.monitor !== undefined;
  }

  /** True while the serial monitor runs. */
  get running(): boolean {
    return this.monitor?.running ?? false;
  }

  /**
   * Opens the monitor at `baud` (following the board to a new port if its port is gone), then
   * with `reset` resets the chip into its application. `present`: the ports listed before
   * anything could reset the board.
   */
  async start(
    baud: number,
    listener: MonitorListener,
    reset: boolean,
    present: ReadonlySet<SerialPort>,
  ): Promise<void> {
    const { ports } = this.host;
    await ports.following('Monitor', {}, (moved) => this.open(baud, listener, 0, !moved, present), present);
    if (!reset) return;
    try {
      await resetIntoApp(ports.port);
    } catch (error) {
      // A board on its own USB port drops the port when it resets; the monitor follows it.
      if (toEspError(error, 'Monitor').code !== 'DEVICE_LOST' || !ports.canFollow) throw error;
    }
  }

  /** Sends text to the running program (the monitor must be running). */
  async send(text: string): Promise<void> {
    if (!this.monitor) throw new WebProgError('NOT_CONNECTED', 'The serial monitor is not running.');
    await this.monitor.send(text);
  }

  /** Stops the monitor and frees the port (nothing when it is not open). */
  async stop(): Promise<void> {
    const m = this.monitor;
    this.monitor = undefined;
    if (m) await m.stop();
  }

  /**
   * Opens the monitor on the current port. When the port is lost while monitoring and ports can
   * be listed, follows the board to its new port (a native-USB board re-enumerates on every
   * reset) up to {@link MAX_MONITOR_FOLLOWS} times, without resetting it again. `present`: the
   * ports listed before the reset the monitor follows (listed now if not given).
   */
  private async open(
    baud: number,
    listener: MonitorListener,
    follows: number,
    releaseLines: boolean,
    present?: ReadonlySet<SerialPort>,
  ): Promise<void> {
    const { ports } = this.host;
    present ??= await ports.present();
    const monitor = new SerialMonitor(ports.port, listener, (error) => {
      if (this.monitor !== monitor) return;
      this.monitor = undefined;
      if (error === undefined || !ports.canFollow || follows >= MAX_MONITOR_FOLLOWS) return;
      const lost = toEspError(error, 'Monitor');
      if (lost.code !== 'DEVICE_LOST') return;
      void this.host
        .exclusive('Monitor', async () => {
          if (this.monitor || this.host.hasSession()) return; // something else has the port now
          await ports.findAgain('Monitor', present, false, lost, {});
          await this.open(baud, listener, follows + 1, false);
        })
        .catch((e: unknown) => this.host.log(`Serial monitor stopped: ${toEspError(e, 'Monitor').message}`));
    });
    // Set before starting: the port may already be failing while it opens.
    this.monitor = monitor;
    try {
      await monitor.start(baud, releaseLines);
    } catch (error) {
      if (this.monitor === monitor) this.monitor = undefined;
      throw error;
    }
  }
}
