/**
 * A simulated RL78 target board behind a USB-UART bridge (CP2102 or CH340) on a Web Serial
 * port, wired as the common programming circuits are:
 * - RESET on the bridge's DTR# or RTS# pin: RESET is low while the host asserts that signal.
 * - TOOL0 on the bridge's TxD: a break (TxD held low) holds TOOL0 low.
 * - Single-wire: TxD through a resistor/diode onto TOOL0 together with RxD, so the host's RxD
 *   hears every byte the host sends (the echo) and the chip's replies on the same wire,
 *   half duplex. Two-wire: TxD to TOOLRxD (and TOOL0), RxD to TOOLTxD, full duplex, no echo.
 *
 * Entry (R01AN0815 §1.4): TOOL0 low while RESET is released starts the boot firmware in flash
 * programming mode; once TOOL0 is high the host sends the mode byte (0x3A single-wire, 0x00
 * two-wire) within the window; the UART then runs at 115200 Bd until Baud Rate Set. A mode byte
 * that does not match the wiring leaves the host without answers (the chip talks on a pin that
 * is not connected). Bytes at a rate other than the chip's arrive garbled, both ways.
 *
 * Time is modeled on a {@link WireClock}: every byte is 10 bit times at the sender's rate, the
 * bridge adds its USB latencies, the firmware its busy times.
 */
import { FaultInjector } from '../esp/faults';
import { SimSerialPort, type SerialDevice } from '../esp/serial-port';
import { receiveAtBaud } from '../esp/uart-line';
import { BRIDGE_TIMINGS, BridgeReceiver, USB_IDS } from '../esp/usb-connection';
import { WireClock, lineSeconds, type LatencyMode } from '../esp/wire-clock';
import { Rl78BootFirmware } from './boot-firmware';
import { RL78_CHIPS, RL78_TIMING, type Rl78ChipName, type Rl78ChipSpec } from './chips';
import { Rl78Flash } from './flash';
import { MODE_SINGLE_WIRE, MODE_TWO_WIRE } from './protocol';

/** How the host's UART reaches TOOL0. */
export type Rl78Wiring = 'single-wire' | 'two-wire';
/** Which bridge signal drives RESET. */
export type Rl78ResetLine = 'dtr' | 'rts';

/** Options of {@link createSimulatedRl78Board}. */
export interface Rl78BoardOptions {
  /** Which part (default R5F100LE, RL78/G13). */
  chip?: Rl78ChipName;
  /** Default 'single-wire'. */
  wiring?: Rl78Wiring;
  /** Default 'dtr'. */
  reset?: Rl78ResetLine;
  /** Default 'cp2102'. */
  bridge?: 'cp2102' | 'ch340';
  /** 'zero' (default, tests) or 'real' (deliver at modeled wall time). */
  latency?: LatencyMode;
  /** Initial security flags (FLG; 0xFF = nothing prohibited). */
  securityFlags?: number;
  /**
   * Give the port a non-standard in-place `setBaudRate()` (default false, like Chrome, whose
   * Web Serial can only change rate by reopening, which raises DTR and RTS and so resets the chip).
   */
  setBaudRate?: boolean;
}

/** What the chip is doing. */
export type Rl78BoardMode =
  'unpowered' | 'reset' | 'user-program' | 'entry' | 'await-mode' | 'programming' | 'silent';

/** Faults on demand. */
export class Rl78Faults extends FaultInjector {
  /** The echo does not come back (RxD not on TOOL0). */
  noEcho = false;
  private noise = 0;

  /** Puts one noise byte on the host's RxD before the chip's next reply. */
  noiseByte(): void {
    this.noise++;
  }

  /** Takes a pending noise byte, if one is armed. */
  takeNoise(): boolean {
    if (this.noise === 0) return false;
    this.noise--;
    return true;
  }
}

/** A simulated RL78 board; see the module comment. */
export class SimulatedRl78Board implements SerialDevice {
  /** The part. */
  readonly chip: Rl78ChipSpec;
  /** Its flash (live; preload or inspect in tests). */
  readonly flash: Rl78Flash;
  /** Modeled time. */
  readonly clock: WireClock;
  /** Fault switches. */
  readonly faults = new Rl78Faults();
  /** The wiring. */
  readonly wiring: Rl78Wiring;
  /** The signal on RESET. */
  readonly resetLine: Rl78ResetLine;
  /** The Web Serial port. */
  readonly port: SimSerialPort;
  /** The firmware while in programming mode (null otherwise). */
  firmware: Rl78BootFirmware | null = null;
  private readonly bridge: BridgeReceiver;
  private state: Rl78BoardMode = 'user-program';
  private hostBaud = 0;
  private chipBaud = 115_200;
  private dtr = false;
  private rts = false;
  private brk = false;
  private resetReleasedAt = 0;
  private lineFreeToDevice = 0;
  private lineFreeToHost = 0;
  private readonly queue: { at: number; bytes: Uint8Array; unplug: boolean }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: Rl78BoardOptions = {}) {
    const chip = RL78_CHIPS[options.chip ?? 'R5F100LE'];
    if (chip === undefined) throw new RangeError(`Unknown RL78 part ${String(options.chip)}`);
    this.chip = chip;
    this.flash = new Rl78Flash(chip);
    if (options.securityFlags !== undefined) this.flash.security.flags = options.securityFlags & 0xff;
    this.wiring = options.wiring ?? 'single-wire';
    this.resetLine = options.reset ?? 'dtr';
    const bridge = options.bridge ?? 'cp2102';
    this.bridge = new BridgeReceiver(BRIDGE_TIMINGS[bridge]);
    this.clock = new WireClock({ latency: options.latency });
    this.port = new SimSerialPort({ info: USB_IDS[bridge], setBaudRate: options.setBaudRate });
    this.port.attach(this);
  }

  /** What the chip is doing now. */
  get mode(): Rl78BoardMode {
    return this.state;
  }

  /** The chip's UART rate now. */
  get baudRate(): number {
    return this.chipBaud;
  }

  /** Pulls the USB cable: the port errors like Chrome's and the board loses power. */
  unplug(): void {
    if (this.state === 'unpowered') return;
    this.state = 'unpowered';
    this.firmware = null;
    this.chipBaud = 115_200;
    this.queue.length = 0;
    this.port.lose();
  }

  /** Plugs the cable back in: the chip runs its user program until the host enters programming mode. */
  plug(): void {
    if (this.state !== 'unpowered') return;
    this.state = 'user-program';
    this.port.restore();
  }

  /**
   * The board's reset button: RESET pulses low while TOOL0 idles high (the host's TxD is idle),
   * so the chip restarts into its user program. A host that had it in programming mode is not
   * told; its next command goes unanswered.
   */
  pressReset(): void {
    if (this.state === 'unpowered') return;
    const now = this.clock.hostNow();
    this.enterReset(now);
    this.releaseReset(now);
  }

  // --- SerialDevice ---

  /**
   * The host opened the port: DTR and RTS are asserted as the port opens, before the page can
   * call `setSignals` (Chromium's serial_io_handler_win.cc sets the DCB's DTR_CONTROL_ENABLE and
   * RTS_CONTROL_ENABLE; serial_io_handler_posix.cc leaves the lines to the kernel, whose tty
   * open raises both; WICG/serial issue 177), so whichever drives RESET holds the chip in reset —
   * for at least a USB control transfer, far longer than the RL78's minimum reset pulse (about
   * 10 µs). A reopen at a new rate therefore resets the chip.
   */
  opened(baud: number): void {
    this.hostBaud = baud;
    this.setSignals(true, true, false);
  }

  /** The host closed the port: DTR and RTS drop (HUPCL, which Chromium leaves set; drivers on close). */
  closed(): void {
    this.setSignals(false, false, false);
    this.hostBaud = 0;
  }

  /** @inheritdoc */
  setBaudRate(baud: number): void {
    this.hostBaud = baud;
  }

  /** @inheritdoc */
  setSignals(dtr: boolean | undefined, rts: boolean | undefined, brk: boolean | undefined): void {
    if (this.state === 'unpowered') return;
    const wasReset = this.resetAsserted();
    const wasBreak = this.brk;
    if (dtr !== undefined) this.dtr = dtr;
    if (rts !== undefined) this.rts = rts;
    if (brk !== undefined) this.brk = brk;
    const now = this.clock.hostNow();
    const inReset = this.resetAsserted();
    if (inReset && !wasReset) this.enterReset(now);
    else if (!inReset && wasReset) this.releaseReset(now);
    if (wasBreak && !this.brk && this.state === 'entry') this.state = 'await-mode';
  }

  /** @inheritdoc */
  write(bytes: Uint8Array): boolean {
    if (this.state === 'unpowered') return false;
    const sent = this.clock.hostNow();
    const start = Math.max(sent + this.bridge.timing.hostWriteSeconds, this.lineFreeToDevice);
    const arrival = start + lineSeconds(bytes.length, this.hostBaud || 115_200);
    this.lineFreeToDevice = arrival;
    if (this.wiring === 'single-wire') this.lineFreeToHost = Math.max(this.lineFreeToHost, arrival);
    this.clock.observe(arrival);
    const filtered = this.faults.filter('to-device', bytes);
    // Single-wire: the host's own bytes come back on its RxD as they go out (at its own rate).
    if (this.wiring === 'single-wire' && !this.faults.noEcho) this.toHost(filtered.bytes, start, arrival);
    this.chipReceives(filtered.bytes, arrival);
    if (filtered.unplug) {
      this.unplug();
      return false;
    }
    return true;
  }

  // --- chip ---

  private resetAsserted(): boolean {
    return this.resetLine === 'dtr' ? this.dtr : this.rts;
  }

  private enterReset(_at: number): void {
    this.state = 'reset';
    this.firmware = null;
    this.chipBaud = 115_200;
  }

  private releaseReset(at: number): void {
    this.resetReleasedAt = at;
    // The boot firmware samples TOOL0 as it starts: low = flash memory programming mode.
    this.state = this.brk ? 'entry' : 'user-program';
  }

  private chipReceives(bytes: Uint8Array, at: number): void {
    if (bytes.length === 0) return;
    const seen = receiveAtBaud(bytes, this.hostBaud || this.chipBaud, this.chipBaud);
    if (this.state === 'await-mode') {
      const startsAt = this.resetReleasedAt + RL78_TIMING.bootSeconds;
      if (at > this.resetReleasedAt + RL78_TIMING.modeByteWindowSeconds || at < startsAt) {
        this.state = 'silent';
        return;
      }
      const mode = seen[0];
      const matches =
        (mode === MODE_SINGLE_WIRE && this.wiring === 'single-wire') ||
        (mode === MODE_TWO_WIRE && this.wiring === 'two-wire');
      if (!matches) {
        this.state = 'silent';
        return;
      }
      this.state = 'programming';
      this.firmware = new Rl78BootFirmware(this.chip, this.flash, {
        send: (out, when) => this.chipSends(out, when),
        setBaud: (baud) => {
          // Fault: the chip acknowledges the new rate but its UART keeps the old one.
          if (!this.faults.stuckBaud) this.chipBaud = baud;
        },
      });
      if (seen.length > 1) this.firmware.receive(seen.subarray(1), at);
      return;
    }
    if (this.state === 'programming') this.firmware?.receive(seen, at);
  }

  /** The chip transmits `bytes` no sooner than `at`; returns when the last byte has left. */
  private chipSends(bytes: Uint8Array, at: number): number {
    const start = Math.max(
      at,
      this.lineFreeToHost,
      this.wiring === 'single-wire' ? this.lineFreeToDevice : 0,
    );
    const end = start + lineSeconds(bytes.length, this.chipBaud);
    this.lineFreeToHost = end;
    if (this.wiring === 'single-wire') this.lineFreeToDevice = Math.max(this.lineFreeToDevice, end);
    this.clock.observe(end);
    let out = receiveAtBaud(bytes, this.chipBaud, this.hostBaud || this.chipBaud);
    if (this.faults.takeNoise()) out = Uint8Array.from([0x55, ...out]);
    this.toHost(out, start, end);
    return end;
  }

  private toHost(bytes: Uint8Array, start: number, end: number): void {
    if (!this.port.isOpen || !this.port.connected) return;
    const filtered = this.faults.filter('to-host', bytes);
    const deliveries = this.bridge.receive(filtered.bytes, start, end);
    deliveries.forEach((d, i) => {
      this.clock.observe(d.at);
      this.schedule(d.at, d.bytes, filtered.unplug && i === deliveries.length - 1);
    });
  }

  private schedule(at: number, bytes: Uint8Array, unplug: boolean): void {
    if (this.clock.latency === 'zero' && this.queue.length === 0) {
      this.port.deliver(bytes, at, this.clock);
      if (unplug) this.unplug();
      return;
    }
    this.queue.push({ at, bytes, unplug });
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      while (this.queue.length > 0 && this.clock.wallDelayMs(this.queue[0].at) <= 0) {
        const item = this.queue.shift()!;
        this.port.deliver(item.bytes, item.at, this.clock);
        if (item.unplug) this.unplug();
      }
      this.arm();
    }, this.clock.wallDelayMs(this.queue[0].at));
  }
}

/** Creates a simulated RL78 board; hand `board.port` to the host. */
export function createSimulatedRl78Board(options: Rl78BoardOptions = {}): SimulatedRl78Board {
  return new SimulatedRl78Board(options);
}
