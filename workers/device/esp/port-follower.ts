/**
 * Following an ESP board from port to port. A board on the chip's own USB-OTG port
 * re-enumerates when reset: its old port object dies and a new one with the same USB ids
 * appears. When ports can be listed (`getPorts`), an operation that finds its port gone moves to
 * the board's new one and tries again.
 */
import { WebProgError, throwIfCancelled } from '../../../src/core/errors';
import type { OperationContext } from '../backend';
import { sleep } from './app-reset';
import { toEspError } from './esp-protocol';

/**
 * Port changes one connect follows: the reset into download mode re-enumerates a USB-OTG board,
 * and its port may already have changed since the last session (a disconnect resets the chip).
 */
const MAX_PORT_CHANGES = 2;

/** Where the board's ports come from. */
export interface PortFollowerOptions {
  /** Ports granted now: finds a native-USB board again after its port re-enumerated. */
  getPorts?: () => Promise<SerialPort[]>;
  /** How long to wait for a re-enumerated port to appear (default 3000 ms). */
  portWaitMs?: number;
}

/** The board's current port, moved to the board's new port when the old one is gone. */
export class PortFollower {
  constructor(
    /** The port in use. */
    public port: SerialPort,
    private readonly options: PortFollowerOptions,
  ) {}

  /** True when ports can be listed, so a board can be followed to a new port. */
  get canFollow(): boolean {
    return this.options.getPorts !== undefined;
  }

  /** The ports listed before an operation that may reset the board (empty when ports cannot be listed). */
  async present(): Promise<ReadonlySet<SerialPort>> {
    return new Set((await this.options.getPorts?.()) ?? []);
  }

  /**
   * Runs `open` on the current port; when the port turns out to be gone (DEVICE_LOST) and ports
   * can be listed, moves to the board's new port and tries again (`moved` true), up to
   * {@link MAX_PORT_CHANGES} times. `listed`: the ports listed before anything could reset the
   * board (listed now if not given).
   */
  async following<T>(
    what: string,
    ctx: OperationContext,
    open: (moved: boolean) => Promise<T>,
    listed?: ReadonlySet<SerialPort>,
  ): Promise<T> {
    const present = listed ?? (await this.present());
    const movedWhileIdle = !present.has(this.port);
    for (let changes = 0; ; changes++) {
      try {
        return await open(changes > 0);
      } catch (error) {
        const e = toEspError(error, what);
        if (e.code !== 'DEVICE_LOST' || changes === MAX_PORT_CHANGES || !this.canFollow) throw e;
        await this.findAgain(what, present, movedWhileIdle && changes === 0, e, ctx);
      }
    }
  }

  /**
   * Switches to the board's new port (same USB ids), waiting up to `portWaitMs`; throws
   * DEVICE_LOST saying what to do when none comes (`lost` is the original failure, thrown as it
   * is when ports cannot be listed; `what` names the operation in the message).
   * Only a port that was not `present` before the reset counts: another board with the same
   * USB ids is already listed, and must never be taken for this one. A board that `movedWhileIdle`
   * (a disconnect restarts it, and its port was gone when the operation began) is followed to
   * the one listed port with its ids, if there is exactly one.
   */
  async findAgain(
    what: string,
    present: ReadonlySet<SerialPort>,
    movedWhileIdle: boolean,
    lost: WebProgError,
    ctx: OperationContext,
  ): Promise<void> {
    const getPorts = this.options.getPorts;
    if (!getPorts) throw lost;
    const { usbVendorId, usbProductId } = this.port.getInfo();
    const waitMs = this.options.portWaitMs ?? 3000;
    const step = Math.min(250, waitMs);
    for (let waited = 0; ; waited += step) {
      throwIfCancelled(ctx.signal);
      const same = (await getPorts()).filter((p) => {
        const i = p.getInfo();
        return p !== this.port && i.usbVendorId === usbVendorId && i.usbProductId === usbProductId;
      });
      // A port that has come since the reset is this board's. When the board moved while idle
      // (its port was already gone when the operation began), only a lone candidate can be it.
      const found =
        same.find((p) => !present.has(p)) ?? (movedWhileIdle && same.length === 1 ? same[0] : undefined);
      if (found) {
        this.port = found;
        return;
      }
      if (waited >= waitMs) break;
      await sleep(step);
    }
    const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    throw new WebProgError(
      'DEVICE_LOST',
      `${what}: the board's serial port (USB ${hex4(usbVendorId)}:${hex4(usbProductId)}) went away and did not come back within ${waitMs / 1000} s. ` +
        'Boards on native USB show up as a new port after a reset: plug the board in again (or hold BOOT, press and release RESET, release BOOT), choose its port again and retry.',
      { cause: lost },
    );
  }
}
