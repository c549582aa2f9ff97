/**
 * A simulated RA board on a Web Serial port: the chip's boot firmware behind either its own USB
 * CDC port (VID 0x045B, PID 0x0261, as the Arduino Uno R4 and EK-RA boards present it in boot
 * mode) or a USB-UART bridge wired to the boot SCI. Bytes cost wire time on the board's virtual
 * clock (UART: 10 bit times per byte at the baud rate in force; USB full speed: ≈1 µs per byte
 * plus a per-transfer overhead), and the chip adds its flash busy time before each reply.
 *
 * Faults on demand: unplug after a number of packets, a corrupted byte in the next reply, a
 * failing erase; a locked chip is one created with an ID code.
 *
 * An Arduino Uno R4 WiFi (`transport: 'uno-r4-wifi'`) has no such port: its USB-C goes to an
 * ESP32-S3 bridge ({@link UnoR4WifiBridge}) wired to the RA4M1's boot SCI. The chip runs its
 * program (nothing answers the boot protocol) until the host opens the port at 2400 baud; bytes
 * then cross USB and the bridge's UART at the rate the bridge's UART has.
 */
import { SimSerialPort } from '../esp/serial-port';
import { WireClock, type LatencyMode } from '../esp/wire-clock';
import { RA_CHIPS, type RaChipName, type RaChipSpec } from './chips';
import { RaBootFirmware, type BootCounters } from './boot-firmware';
import { UNO_R4_WIFI_USB_IDS, UnoR4WifiBridge } from './uno-r4-wifi-bridge';

/** USB identity of the RA boot firmware's CDC port. */
export const RA_USB_IDS = { usbVendorId: 0x045b, usbProductId: 0x0261 } as const;
/** USB identity of the simulated USB-UART bridge (an FTDI FT232R). */
export const RA_UART_BRIDGE_IDS = { usbVendorId: 0x0403, usbProductId: 0x6001 } as const;

/** µs per byte on a full-speed USB bulk pipe (≈1 MB/s of payload). */
const USB_US_PER_BYTE = 1;
/** µs a USB transfer costs besides its bytes (scheduling into frames, host controller). */
const USB_TRANSFER_US = 60;

/** How the host reaches the simulated chip. */
export type RaBoardTransport = 'usb' | 'uart' | 'uno-r4-wifi';

/** Options of {@link createSimulatedRaBoard}. */
export interface RaBoardOptions {
  /** Which chip (default RA4M1). */
  chip?: RaChipName;
  /**
   * 'usb' (the chip's own CDC port, default), 'uart' (through a USB-UART bridge) or
   * 'uno-r4-wifi' (an Arduino Uno R4 WiFi: the ESP32-S3 bridge, the chip running its program).
   */
  transport?: RaBoardTransport;
  /** 'zero' (default: replies at once, modeled time only) or 'real' (replies paced to the wall clock). */
  latency?: LatencyMode;
  /** 16-byte ID code that locks the chip (flash commands need ID authentication). */
  idCode?: Uint8Array;
  /** Wrong ID codes after which the boot interface is disabled. */
  idAttemptLimit?: number;
  /** Initial flash contents (absolute addresses). */
  flash?: readonly { address: number; data: Uint8Array }[];
}

/** Faults a test or a visitor can arm. */
export interface RaBoardFaults {
  /** The board is unplugged once the chip has received `packets` more packets. */
  unplugAfterPackets(packets: number): void;
  /** One byte of the next reply is corrupted on the wire. */
  corruptNextReply(): void;
  /** The next erase command fails (ERR_ERA). */
  failNextErase(): void;
}

/** A simulated RA board. */
export class SimulatedRaBoard {
  /** The Web Serial port. */
  readonly port: SimSerialPort;
  /** The chip's boot firmware (flash contents, counters). */
  readonly firmware: RaBootFirmware;
  /** Modeled time (seconds). */
  readonly clock: WireClock;
  /** The chip. */
  readonly spec: RaChipSpec;
  /** 'usb', 'uart' or 'uno-r4-wifi'. */
  readonly transport: RaBoardTransport;
  /** The Uno R4 WiFi's USB bridge ('uno-r4-wifi' only). */
  readonly bridge: UnoR4WifiBridge | undefined;
  /** Fault switches. */
  readonly faults: RaBoardFaults;
  /** Bytes the host sent and the board sent. */
  readonly wire = { hostBytes: 0, deviceBytes: 0 };
  private hostBaud = 0;
  private chipBaud = 9600;
  private rxFree = 0;
  private txFree = 0;
  private unplugAfter: number | undefined;
  private corrupt = false;
  /** Modeled µs from which the chip's boot firmware runs (after the bridge's reset). */
  private bootSinceUs = 0;

  constructor(options: RaBoardOptions = {}) {
    this.spec = RA_CHIPS[options.chip ?? 'RA4M1'];
    this.transport = options.transport ?? 'usb';
    this.clock = new WireClock({ latency: options.latency ?? 'zero' });
    this.firmware = new RaBootFirmware(this.spec, {
      transport: this.transport === 'usb' ? 'usb' : 'uart',
      idCode: options.idCode,
      idAttemptLimit: options.idAttemptLimit,
      flash: options.flash,
    });
    this.bridge =
      this.transport === 'uno-r4-wifi'
        ? new UnoR4WifiBridge({
            sleep: (seconds) => {
              const scale = this.clock.latency === 'real' ? this.clock.timeScale : 1;
              return new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / scale));
            },
            chipMode: (mode, at) => {
              // Any reset ends the boot firmware's session; it starts afresh when MD was low.
              this.firmware.reset();
              this.chipBaud = 9600;
              this.clock.observe(at);
              if (mode === 'rom-boot') this.bootSinceUs = at * 1e6;
            },
            now: () => this.clock.hostNow(),
          })
        : undefined;
    const info =
      this.transport === 'usb' ? RA_USB_IDS : this.bridge ? UNO_R4_WIFI_USB_IDS : RA_UART_BRIDGE_IDS;
    this.port = new SimSerialPort({ info });
    this.port.attach({
      opened: (baud) => {
        this.hostBaud = baud;
        this.bridge?.lineCoding(baud);
      },
      closed: () => undefined,
      write: (bytes) => this.fromHost(bytes),
      setSignals: () => undefined,
      setBaudRate: (baud) => {
        this.hostBaud = baud;
        this.bridge?.lineCoding(baud);
      },
    });
    this.faults = {
      unplugAfterPackets: (packets) => {
        this.unplugAfter = this.firmware.counters.packets + packets;
      },
      corruptNextReply: () => {
        this.corrupt = true;
      },
      failNextErase: () => {
        this.firmware.failNextErase = true;
      },
    };
  }

  /** Counters of the boot firmware. */
  get counters(): BootCounters {
    return this.firmware.counters;
  }

  /** The baud rate the chip's SCI runs at now (UART). */
  get baud(): number {
    return this.chipBaud;
  }

  /** Pulls the cable. */
  unplug(): void {
    this.port.lose();
  }

  /**
   * Plugs the board in again: it starts afresh in boot mode (the MD pin still selects it); an
   * Uno R4 WiFi's bridge starts again with BOOT high, so its chip runs its program.
   */
  plug(): void {
    this.firmware.reset();
    this.chipBaud = 9600;
    this.bridge?.powerUp();
    this.port.restore();
  }

  private byteUs(baud: number): number {
    return 10_000_000 / baud;
  }

  private fromHost(bytes: Uint8Array): boolean {
    if (!this.port.connected) return false;
    this.wire.hostBytes += bytes.length;
    let t = Math.max(this.clock.hostNow() * 1e6, this.rxFree);
    // Through the Uno R4 WiFi's bridge: a USB transfer to the ESP32-S3, then its UART at the
    // rate the bridge set; the chip hears nothing unless its boot firmware runs.
    const lineBaud = this.bridge ? this.bridge.uartBaud : this.hostBaud;
    if (this.transport !== 'uart') t += USB_TRANSFER_US;
    if (this.bridge) {
      if (this.bridge.mode !== 'rom-boot') {
        this.rxFree = t + bytes.length * this.byteUs(lineBaud);
        this.clock.observe(this.rxFree / 1e6);
        return true;
      }
      t = Math.max(t, this.bootSinceUs);
    }
    for (const byte of bytes) {
      if (this.transport === 'usb') t += USB_US_PER_BYTE;
      else t += this.byteUs(lineBaud);
      // A byte sent at a baud rate other than the chip's arrives garbled (the handshake byte is
      // measured, so it only needs the line at 9600).
      const heard =
        this.transport !== 'usb' && this.firmware.inCommandPhase && lineBaud !== this.chipBaud
          ? byte ^ 0x5a
          : byte;
      const reply = this.firmware.receive(heard, this.transport === 'usb' ? 9600 : lineBaud);
      if (this.unplugAfter !== undefined && this.firmware.counters.packets >= this.unplugAfter) {
        this.unplugAfter = undefined;
        this.rxFree = t;
        this.clock.observe(t / 1e6);
        this.port.lose();
        return false;
      }
      if (!reply || reply.bytes.length === 0) continue;
      const out = Uint8Array.from(reply.bytes);
      if (this.corrupt && out.length > 4) {
        this.corrupt = false;
        out[4] ^= 0x10;
      }
      let start = Math.max(t + reply.busyUs, this.txFree);
      if (this.transport === 'usb') start += USB_TRANSFER_US;
      const perByte = this.transport === 'usb' ? USB_US_PER_BYTE : this.byteUs(this.chipBaud);
      // The bridge forwards what its UART received in its next USB transfer.
      const end = start + out.length * perByte + (this.bridge ? USB_TRANSFER_US : 0);
      this.txFree = end;
      // The chip does not read the next byte while it is busy programming and answering.
      t = Math.max(t, end);
      if (reply.baudAfter !== undefined) this.chipBaud = reply.baudAfter;
      this.send(out, end);
    }
    this.rxFree = t;
    this.clock.observe(t / 1e6);
    return true;
  }

  private send(bytes: Uint8Array, endUs: number): void {
    this.wire.deviceBytes += bytes.length;
    this.clock.observe(endUs / 1e6);
    const delay = this.clock.wallDelayMs(endUs / 1e6);
    // The host learns of the reply (and its clock reaches the reply's time) when it is delivered.
    const deliver = (): void => this.port.deliver(bytes, endUs / 1e6, this.clock);
    if (delay <= 0) deliver();
    else setTimeout(deliver, delay);
  }
}

/** Creates a simulated RA board. */
export function createSimulatedRaBoard(options: RaBoardOptions = {}): SimulatedRaBoard {
  return new SimulatedRaBoard(options);
}
