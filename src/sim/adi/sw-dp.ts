/**
 * An ADIv5 SW-DP (or the SWD side of an SWJ-DP) at the wire level: DPIDR, ABORT, CTRL/STAT
 * with the power-up request/acknowledge handshake, SELECT, RESEND, RDBUFF; posted AP reads
 * (an AP read returns the previous AP read's data, RDBUFF holds the latest); sticky error
 * flags that make every access except DPIDR/CTRL-STAT reads and ABORT writes answer FAULT;
 * WAIT while a stalled AP access is still in progress; and the line reset (plus the
 * JTAG-to-SWD select on an SWJ-DP) that must come before the DP answers at all, followed by a
 * DPIDR read. Source: Arm ADIv5.2 (IHI 0031), chapters B2 and B4.
 */
import type { VirtualClock } from '../clock';
import { BUS_FAULT } from '../cortex-m/bus';
import type { AccessPort } from './access-port';
import { ACK, REQ, type SwdWire } from './swd-wire';
import { SwjSequenceDetector } from './swj-sequence';

/** CTRL/STAT bits. */
export const CTRL = {
  ORUNDETECT: 1 << 0,
  STICKYORUN: 1 << 1,
  STICKYCMP: 1 << 4,
  STICKYERR: 1 << 5,
  READOK: 1 << 6,
  WDATAERR: 1 << 7,
  CDBGRSTREQ: 1 << 26,
  CDBGRSTACK: 1 << 27,
  CDBGPWRUPREQ: 1 << 28,
  CDBGPWRUPACK: 1 << 29,
  CSYSPWRUPREQ: 1 << 30,
  CSYSPWRUPACK: 1 << 31,
} as const;

const STICKY = CTRL.STICKYORUN | CTRL.STICKYCMP | CTRL.STICKYERR | CTRL.WDATAERR;
const WRITABLE =
  CTRL.ORUNDETECT | 0x00000f0c | 0x00fff000 | CTRL.CDBGRSTREQ | CTRL.CDBGPWRUPREQ | CTRL.CSYSPWRUPREQ;

/** Options for {@link SwDp}. */
export interface SwDpOptions {
  dpidr: number;
  /** An SWJ-DP starts in JTAG mode and needs the JTAG-to-SWD sequence; a SW-DP does not. */
  swj: boolean;
  aps: AccessPort[];
  clock: VirtualClock;
  /** Lets target time pass (the CPU runs). */
  elapse: (us: number) => void;
  /** Drives the system reset line. */
  setResetHeld: (held: boolean) => void;
}

interface PendingAccess {
  ap: AccessPort;
  register: number;
  write: boolean;
  value: number;
  until: number;
}

/** The debug port. */
export class SwDp implements SwdWire {
  readData = 0;
  /** CTRL/STAT as stored (ACK bits are derived from the REQ bits). */
  private ctrl = 0;
  private select = 0;
  private rdbuff = 0;
  private lastRead = 0;
  private wcr = 0;
  private swdMode: boolean;
  /** A line reset has put the DP into its reset state; it answers only after that. */
  private synced = false;
  /** After a line reset only a DPIDR read is answered. */
  private needsIdRead = true;
  private pending: PendingAccess | undefined;
  private readonly detector: SwjSequenceDetector;
  private probeDrivesReset = false;
  /** Held in reset from outside (fault injection), whatever the probe drives. */
  externalResetHeld = false;
  /** Forced ACKs for the next transfers (fault injection). */
  private readonly forcedAcks: number[] = [];

  constructor(private readonly options: SwDpOptions) {
    this.swdMode = !options.swj;
    this.detector = new SwjSequenceDetector({
      lineReset: () => {
        if (this.swdMode) {
          this.synced = true;
          this.needsIdRead = true;
        }
      },
      jtagToSwd: () => {
        this.swdMode = true;
        this.synced = false;
      },
    });
  }

  /** The APs behind this DP, by APSEL. */
  get aps(): readonly AccessPort[] {
    return this.options.aps;
  }

  /** True once a debugger has requested debug power (CTRL/STAT.CDBGPWRUPREQ). */
  get debugPowerRequested(): boolean {
    return (this.ctrl & CTRL.CDBGPWRUPREQ) !== 0;
  }

  get resetPinHigh(): boolean {
    return !this.probeDrivesReset && !this.externalResetHeld;
  }

  /** Makes the next `count` transfers answer `ack` (WAIT, FAULT or NO_ACK). */
  forceAck(ack: number, count: number): void {
    for (let i = 0; i < count; i++) this.forcedAcks.push(ack);
  }

  /** Loses protocol synchronisation: no answer until the next line reset. */
  loseSync(): void {
    this.synced = false;
  }

  /** Re-evaluates the system reset line after the probe or a fault changed it. */
  setResetPin(high: boolean): void {
    this.probeDrivesReset = !high;
    this.options.setResetHeld(!this.resetPinHigh);
  }

  /** Applies an externally held reset (fault injection). */
  setExternalReset(held: boolean): void {
    this.externalResetHeld = held;
    this.options.setResetHeld(!this.resetPinHigh);
  }

  elapse(us: number): void {
    this.options.elapse(us);
  }

  sequence(bitCount: number, bits: Uint8Array): void {
    this.detector.feed(bitCount, bits);
  }

  transfer(request: number, data: number): number {
    this.detector.interrupt();
    if (!this.swdMode || !this.synced) return ACK.NO_ACK;
    if (this.forcedAcks.length > 0) {
      const ack = this.forcedAcks.shift() as number;
      if (ack === ACK.FAULT) this.ctrl |= CTRL.STICKYERR;
      if (ack === ACK.WAIT && (this.ctrl & CTRL.ORUNDETECT) !== 0) this.ctrl |= CTRL.STICKYORUN;
      return ack;
    }
    const ap = (request & REQ.APnDP) !== 0;
    const read = (request & REQ.RnW) !== 0;
    const address = request & 0xc;
    if (this.needsIdRead) {
      if (ap || !read || address !== 0) return ACK.NO_ACK;
      this.needsIdRead = false;
    }
    this.completePending();
    return ap ? this.apAccess(read, address, data) : this.dpAccess(read, address, data);
  }

  private get sticky(): boolean {
    return (this.ctrl & STICKY) !== 0;
  }

  private dpAccess(read: boolean, address: number, data: number): number {
    const exempt = read ? address === 0x0 || address === 0x4 : address === 0x0;
    if (this.sticky && !exempt) return ACK.FAULT;
    if (read) {
      let value: number;
      switch (address) {
        case 0x0:
          value = this.options.dpidr;
          break;
        case 0x4:
          value = (this.select & 1) === 0 ? this.ctrlStat() : this.wcr;
          break;
        case 0x8:
          value = this.lastRead;
          break;
        default:
          if (this.pending) return this.wait();
          value = this.rdbuff;
          this.ctrl |= CTRL.READOK;
          this.lastRead = value >>> 0; // RESEND repeats AP and RDBUFF reads only
      }
      this.readData = value >>> 0;
      return ACK.OK;
    }
    switch (address) {
      case 0x0:
        this.abort(data);
        break;
      case 0x4:
        if ((this.select & 1) === 0) this.ctrl = (this.ctrl & (STICKY | CTRL.READOK)) | (data & WRITABLE);
        else this.wcr = data & 0x3ff;
        break;
      case 0x8:
        this.select = data >>> 0;
        break;
      default:
        break; // TARGETSEL does not exist on a DPv1
    }
    return ACK.OK;
  }

  private ctrlStat(): number {
    let value = this.ctrl;
    if (value & CTRL.CDBGPWRUPREQ) value |= CTRL.CDBGPWRUPACK;
    if (value & CTRL.CSYSPWRUPREQ) value |= CTRL.CSYSPWRUPACK;
    if (value & CTRL.CDBGRSTREQ) value |= CTRL.CDBGRSTACK;
    return value >>> 0;
  }

  private abort(data: number): void {
    if (data & 1) this.pending = undefined; // DAPABORT
    if (data & 2) this.ctrl &= ~CTRL.STICKYCMP;
    if (data & 4) this.ctrl &= ~CTRL.STICKYERR;
    if (data & 8) this.ctrl &= ~CTRL.WDATAERR;
    if (data & 16) this.ctrl &= ~CTRL.STICKYORUN;
  }

  private wait(): number {
    if (this.ctrl & CTRL.ORUNDETECT) this.ctrl |= CTRL.STICKYORUN;
    return ACK.WAIT;
  }

  private apAccess(read: boolean, address: number, data: number): number {
    if (this.sticky) return ACK.FAULT;
    if (this.pending) return this.wait();
    const powered = CTRL.CDBGPWRUPREQ | CTRL.CSYSPWRUPREQ;
    if ((this.ctrl & powered) !== powered) {
      // Modelling choice (reference notes): AP accesses before power-up fail.
      this.ctrl |= CTRL.STICKYERR;
      return ACK.FAULT;
    }
    const ap = this.options.aps[this.select >>> 24];
    const register = (this.select & 0xf0) | address;
    const previous = this.rdbuff;
    if (ap === undefined) {
      if (read) this.rdbuff = 0; // no AP here: IDR reads as zero
    } else {
      const until = ap.stallUntil(register, !read);
      if (until > this.options.clock.nowUs) {
        this.pending = { ap, register, write: !read, value: data, until };
      } else {
        this.perform(ap, register, !read, data);
      }
    }
    if (read) {
      this.readData = previous >>> 0;
      this.lastRead = this.readData;
    }
    return ACK.OK;
  }

  private perform(ap: AccessPort, register: number, write: boolean, value: number): void {
    try {
      if (write) ap.write(register, value);
      else this.rdbuff = ap.read(register) >>> 0;
    } catch (error) {
      if (error !== BUS_FAULT) throw error;
      this.ctrl |= CTRL.STICKYERR;
      this.ctrl &= ~CTRL.READOK;
    }
  }

  /** Finishes a stalled AP access once its stall time has passed. */
  private completePending(): void {
    const p = this.pending;
    if (p === undefined || this.options.clock.nowUs < p.until) return;
    const until = p.ap.stallUntil(p.register, p.write);
    if (until > this.options.clock.nowUs) {
      p.until = until;
      return;
    }
    this.pending = undefined;
    this.perform(p.ap, p.register, p.write, p.value);
  }
}
