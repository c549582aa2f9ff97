/**
 * The legacy UART of the nRF51822 and nRF52833 (UART0 at 0x40002000; nRF51 Reference Manual
 * §29, nRF52833 Product Specification §6.33 "UART — Universal asynchronous receiver/
 * transmitter"), as firmware sees it: tasks STARTRX/STOPRX/STARTTX/STOPTX, events RXDRDY,
 * TXDRDY, ERROR, ENABLE (4 = UART), PSEL.TXD/RXD, BAUDRATE, RXD/TXD, ERRORSRC.
 *
 * Wire time: a byte written to TXD is on the wire for 10 bit times (start, 8 data, stop; no
 * parity), after the previous one; TXDRDY is generated when it has been sent. Received bytes
 * enter a 6-byte RX FIFO when their stop bit has arrived; RXDRDY is generated as each one moves
 * into RXD; a byte arriving with the FIFO full is lost and sets ERRORSRC.OVERRUN. A byte sent at
 * a baud rate more than 5 % away from the receiver's arrives broken: ERRORSRC.FRAMING, no data.
 * Flow control, parity and the EasyDMA UARTE (ENABLE = 8) are not modeled.
 *
 * The pins matter: the board wires one TX and one RX pin to its interface chip ({@link UartWire});
 * bytes reach it only when PSEL.TXD selects that pin, and come in only on PSEL.RXD's.
 */
import type { VirtualClock } from '../clock';
import type { BusDevice } from '../cortex-m/bus';

/** The other end of the target's UART pins (the probe's bridge). */
export interface UartWire {
  /** GPIO number (nRF52: port × 32 + pin) of the target's TX pin wired to the probe. */
  readonly targetTxPin: number;
  /** GPIO number of the target's RX pin wired to the probe. */
  readonly targetRxPin: number;
  /** A byte the target finished sending at device time `doneUs`, at `baud`. */
  fromTarget(byte: number, doneUs: number, baud: number): void;
  /**
   * Bytes the probe is sending towards the target, each with the device time its stop bit ends
   * and its baud rate; the UART takes them with {@link takeToTarget} as time passes.
   */
  pendingToTarget(): readonly { byte: number; atUs: number; baud: number }[];
  /** Removes the first `count` bytes of {@link pendingToTarget}. */
  takeToTarget(count: number): void;
}

/** Register offsets. */
const TASKS_STARTRX = 0x000;
const TASKS_STOPRX = 0x004;
const TASKS_STARTTX = 0x008;
const TASKS_STOPTX = 0x00c;
const EVENTS_RXDRDY = 0x108;
const EVENTS_TXDRDY = 0x11c;
const EVENTS_ERROR = 0x124;
const EVENTS_RXTO = 0x144;
const INTENSET = 0x304;
const INTENCLR = 0x308;
const ERRORSRC = 0x480;
const ENABLE = 0x500;
const PSEL_RTS = 0x508;
const PSEL_TXD = 0x50c;
const PSEL_CTS = 0x510;
const PSEL_RXD = 0x514;
const RXD = 0x518;
const TXD = 0x51c;
const BAUDRATE = 0x524;
const CONFIG = 0x56c;

/** ENABLE value that selects the legacy UART. */
const ENABLE_UART = 4;
/** ERRORSRC bits. */
const OVERRUN = 1 << 0;
const FRAMING = 1 << 2;
/** RX FIFO depth (PS: "six-byte FIFO"). */
const RX_FIFO = 6;
/** Disconnected pin select (PSEL.*.CONNECT = 1 on nRF52, 0xFFFFFFFF on nRF51). */
const PSEL_DISCONNECTED = 0xffffffff;
/** BAUDRATE reset value: Baud9600. */
const BAUD9600 = 0x00275000;

/** The baud rate a BAUDRATE register value gives (16 MHz × value / 2³²). */
export function nrfBaud(register: number): number {
  return Math.round(((register >>> 0) * 16_000_000) / 2 ** 32);
}

/** True when a receiver at `rx` baud reads a byte sent at `tx` baud (within 5 %). */
export function baudsMatch(tx: number, rx: number): boolean {
  return Math.abs(tx - rx) <= 0.05 * rx;
}

/** Device time (µs) one 10-bit frame takes at `baud`. */
export function frameUs(baud: number): number {
  return 10e6 / baud;
}

/** One UART0 instance. */
export class NrfUart implements BusDevice {
  private enable = 0;
  private baudRegister = BAUD9600;
  private pselTxd = PSEL_DISCONNECTED;
  private pselRxd = PSEL_DISCONNECTED;
  private readonly plain = new Map<number, number>();
  private rxOn = false;
  private txOn = false;
  /** Bytes received, not yet moved into RXD. */
  private readonly fifo: number[] = [];
  private rxd = 0;
  private rxdValid = false;
  private rxdrdy = 0;
  private txdrdy = 0;
  private error = 0;
  private errorSrc = 0;
  /** When the byte on the TX wire ends (device µs), and a byte waiting behind it. */
  private txBusyUntil = 0;
  private txPending: number | undefined;
  /** Device time TXDRDY rises (pending), or -1. */
  private txdrdyAt = -1;

  constructor(
    private readonly clock: VirtualClock,
    /** The probe's end of the wires; undefined leaves the pins unconnected. */
    public wire?: UartWire,
  ) {}

  /** Baud rate in force. */
  get baud(): number {
    return nrfBaud(this.baudRegister);
  }

  private get enabled(): boolean {
    return (this.enable & 0xf) === ENABLE_UART;
  }

  private pinSelected(psel: number): number | undefined {
    if ((psel & 0x80000000) !== 0) return undefined; // CONNECT = 1 (or nRF51's 0xFFFFFFFF)
    return psel & 0x3f;
  }

  /** Brings events up to device time now: finished TX bytes, arrived RX bytes. */
  private sync(): void {
    const now = this.clock.nowUs;
    if (this.txdrdyAt >= 0 && this.txdrdyAt <= now) {
      this.txdrdy = 1;
      this.txdrdyAt = -1;
      if (this.txPending !== undefined) {
        const byte = this.txPending;
        this.txPending = undefined;
        this.send(byte, this.txBusyUntil);
      }
    }
    const wire = this.wire;
    if (!wire) return;
    const pending = wire.pendingToTarget();
    let taken = 0;
    const connected = this.enabled && this.rxOn && this.pinSelected(this.pselRxd) === wire.targetRxPin;
    while (taken < pending.length && pending[taken].atUs <= now) {
      const { byte, baud } = pending[taken++];
      if (!connected) continue; // nobody listening: the byte is gone
      if (!baudsMatch(baud, this.baud)) {
        this.raiseError(FRAMING);
      } else if (this.fifo.length >= RX_FIFO) {
        this.raiseError(OVERRUN);
      } else {
        this.fifo.push(byte);
      }
    }
    if (taken > 0) wire.takeToTarget(taken);
    this.fillRxd();
  }

  private raiseError(source: number): void {
    this.errorSrc |= source;
    this.error = 1;
  }

  private fillRxd(): void {
    if (!this.rxdValid && this.fifo.length > 0) {
      this.rxd = this.fifo.shift()!;
      this.rxdValid = true;
      this.rxdrdy = 1;
    }
  }

  /** Puts `byte` on the TX wire starting no earlier than `fromUs`. */
  private send(byte: number, fromUs: number): void {
    const start = Math.max(fromUs, this.clock.nowUs);
    const baud = this.baud;
    const done = start + frameUs(baud);
    this.txBusyUntil = done;
    this.txdrdyAt = done;
    const wire = this.wire;
    if (wire && this.pinSelected(this.pselTxd) === wire.targetTxPin) wire.fromTarget(byte, done, baud);
  }

  read(offset: number, size: number): number {
    this.sync();
    const word = this.readWord(offset & ~3);
    if (size === 4) return word >>> 0;
    return (word >>> (8 * (offset & 3))) & (size === 2 ? 0xffff : 0xff);
  }

  private readWord(offset: number): number {
    switch (offset) {
      case EVENTS_RXDRDY:
        return this.rxdrdy;
      case EVENTS_TXDRDY:
        return this.txdrdy;
      case EVENTS_ERROR:
        return this.error;
      case ERRORSRC:
        return this.errorSrc;
      case ENABLE:
        return this.enable;
      case PSEL_TXD:
        return this.pselTxd;
      case PSEL_RXD:
        return this.pselRxd;
      case BAUDRATE:
        return this.baudRegister;
      case RXD: {
        // Reading RXD takes the byte; the next one (if any) moves in and raises RXDRDY again.
        const value = this.rxd;
        if (this.rxdValid) {
          this.rxdValid = false;
          this.fillRxd();
        }
        return value;
      }
      default:
        return this.plain.get(offset) ?? (offset === PSEL_RTS || offset === PSEL_CTS ? PSEL_DISCONNECTED : 0);
    }
  }

  write(offset: number, value: number, size: number): void {
    this.sync();
    if (size !== 4) return; // the peripheral bus takes word writes only
    const v = value >>> 0;
    switch (offset) {
      case TASKS_STARTRX:
        if (v & 1) this.rxOn = this.enabled;
        return;
      case TASKS_STOPRX:
        if (v & 1) this.rxOn = false;
        return;
      case TASKS_STARTTX:
        if (v & 1) this.txOn = this.enabled;
        return;
      case TASKS_STOPTX:
        if (v & 1) this.txOn = false;
        return;
      case EVENTS_RXDRDY:
        this.rxdrdy = v & 1;
        return;
      case EVENTS_TXDRDY:
        this.txdrdy = v & 1;
        return;
      case EVENTS_ERROR:
        this.error = v & 1;
        return;
      case ERRORSRC:
        this.errorSrc &= ~v; // write 1 to clear
        return;
      case ENABLE:
        this.enable = v;
        if (!this.enabled) this.rxOn = this.txOn = false;
        return;
      case PSEL_TXD:
        this.pselTxd = v;
        return;
      case PSEL_RXD:
        this.pselRxd = v;
        return;
      case BAUDRATE:
        this.baudRegister = v;
        return;
      case TXD:
        if (!this.txOn) return;
        if (this.txdrdyAt >= 0)
          this.txPending = v & 0xff; // one byte waits behind the wire
        else this.send(v & 0xff, this.txBusyUntil);
        return;
      case INTENSET:
        this.plain.set(INTENSET, (this.plain.get(INTENSET) ?? 0) | v);
        return;
      case INTENCLR:
        this.plain.set(INTENSET, (this.plain.get(INTENSET) ?? 0) & ~v);
        return;
      case EVENTS_RXTO:
      case CONFIG:
      default:
        this.plain.set(offset, v);
    }
  }

  /**
   * When a CPU read next changes on its own: EVENTS_TXDRDY when the byte on the wire ends,
   * EVENTS_RXDRDY / RXD / ERROR when the next byte from the probe arrives.
   */
  nextChangeUs(offset: number): number {
    const aligned = offset & ~3;
    if (aligned === EVENTS_TXDRDY) return this.txdrdyAt >= 0 ? this.txdrdyAt : Infinity;
    if (aligned === EVENTS_RXDRDY || aligned === EVENTS_ERROR || aligned === ERRORSRC || aligned === RXD) {
      if (aligned === RXD) return 0; // a read of RXD has a side effect
      const next = this.wire?.pendingToTarget()[0];
      return next ? next.atUs : Infinity;
    }
    return Infinity;
  }

  /** System reset: registers to their reset values, wires idle. */
  reset(): void {
    this.enable = 0;
    this.baudRegister = BAUD9600;
    this.pselTxd = this.pselRxd = PSEL_DISCONNECTED;
    this.plain.clear();
    this.rxOn = this.txOn = false;
    this.fifo.length = 0;
    this.rxdValid = false;
    this.rxd = this.rxdrdy = this.txdrdy = this.error = this.errorSrc = 0;
    this.txPending = undefined;
    this.txdrdyAt = -1;
  }
}
