/**
 * The CMSIS-DAP backend's USB link to its probe: opened once and kept, started afresh after
 * the probe was lost (unplugged and back); each connect drains what an interrupted session
 * left in the probe's pipe, reads the probe's information, and reaches the core through the
 * MEM-AP; after a failure it drains the pipe again and tells whether stale responses caused it.
 */
import { WebProgError, throwIfCancelled, type CancelSignal } from '../../../src/core/errors';
import { withChipChanges } from '../../../src/core/flash/chip-changes';
import { CortexM } from './cortex-m';
import { DapProbe, type ProbeInfo } from './dap-probe';
import { readChipIds, type ChipIds } from './identify';
import { MemAp, type DebugPortInfo } from './mem-ap';
import type { PacketTransport } from './packet-transport';
import { haltOrLocked } from './read-protection';

/** How the link reaches the core. */
export interface ProbeLinkOptions {
  /** SWD clock in Hz (the MEM-AP's default when absent). */
  clockHz?: number;
  /** Milliseconds now, for the core's deadlines (real time when absent). */
  now?: () => number;
}

/** A halted core with what the debug port and the ROM table reported. */
export interface HaltedCore {
  cpu: CortexM;
  port: DebugPortInfo;
  ids: ChipIds;
}

/** The USB link to a CMSIS-DAP probe. */
export class ProbeLink {
  private current: DapProbe;
  private opened = false;
  /** What the probe reported when last started, if it was. */
  info: ProbeInfo | undefined;

  constructor(
    private readonly transport: PacketTransport,
    private readonly options: ProbeLinkOptions,
  ) {
    this.current = new DapProbe(transport);
  }

  /** The probe's DAP commands (a new instance once the probe was lost and the link opened again). */
  get dap(): DapProbe {
    return this.current;
  }

  /** True while the USB link is open. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** Opens the USB link, starting afresh when the probe was lost (unplugged and back). */
  async open(): Promise<void> {
    if (this.current.pipe.isLost) {
      this.current = new DapProbe(this.transport);
      await this.close();
    }
    if (!this.opened) {
      await this.transport.open();
      this.opened = true;
    }
  }

  /**
   * Opens the link, drains responses an earlier, interrupted session left in the probe's pipe
   * (they would answer our commands; with `forgetStale` they no longer count as seen), then,
   * unless `signal` was cancelled, reads the probe's information.
   */
  async start(forgetStale: boolean, signal?: CancelSignal): Promise<ProbeInfo> {
    await this.open();
    await this.current.pipe.drain();
    if (forgetStale) this.current.pipe.takeStaleSeen();
    throwIfCancelled(signal);
    const probe = await this.current.readInfo();
    this.info = probe;
    return probe;
  }

  /** Connects the debug port and its MEM-AP at the link's SWD clock. */
  async connectAp(): Promise<{ ap: MemAp; port: DebugPortInfo }> {
    const ap = new MemAp(this.current);
    const port = await ap.connect({ clockHz: this.options.clockHz });
    return { ap, port };
  }

  /** Connects the MEM-AP, reads the chip's ids from its ROM table and halts the core. */
  async haltCore(): Promise<HaltedCore> {
    const { ap, port } = await this.connectAp();
    const cpu = new CortexM(ap, this.options.now);
    const ids = await readChipIds(ap, port);
    await haltOrLocked(cpu, ids.romTable);
    return { cpu, port, ids };
  }

  /**
   * After an operation failed with `error` on the link: drains the probe's pipe. When that
   * finds stale responses (or the pipe had seen one, or the error names one) they were the
   * cause: the error returned says so and keeps what `error` said of the chip's changes;
   * otherwise it is `error` itself.
   */
  async resync(error: WebProgError): Promise<WebProgError> {
    const discarded = await this.current.pipe.drain().catch(() => 0);
    if (
      discarded > 0 ||
      this.current.pipe.takeStaleSeen() ||
      /stale response|out of order/.test(error.message)
    ) {
      return withChipChanges(
        new WebProgError(
          'DEVICE_PROTOCOL',
          'The probe answered out of order (a stale response was left in its pipe, a known DAPLink problem). It has been resynchronised: connect and try again.',
          { cause: error },
        ),
        error.changes,
      );
    }
    return error;
  }

  /** Closes the USB link when it is open. */
  async close(): Promise<void> {
    if (this.opened) {
      this.opened = false;
      await this.transport.close();
    }
  }
}
