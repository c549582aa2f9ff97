/**
 * A simulated ESP development board behind a Web Serial port: the chip (ROM loader, flasher
 * stub, application), its SPI flash, the USB-UART bridge or native USB port (USB-Serial/JTAG,
 * or USB-OTG, which re-enumerates on every chip reset), the auto-reset circuit, a virtual clock
 * for the wire and the chip's busy time, and faults.
 */
import { ESP_CHIPS, parseMac } from './chips';
import type { EspChipName, EspChipSpec } from './chips';
import { downloadBanner, flashBootBanner, imageBootLog } from './boot-log';
import { FaultInjector } from './faults';
import { RamImage } from './protocol';
import type { LoaderContext } from './protocol';
import { RegisterFile } from './registers';
import { EN_CAPACITANCE_FARADS, ResetCircuit, enRiseSeconds } from './reset-circuit';
import { RomLoader } from './rom-protocol';
import { SimSerialPort } from './serial-port';
import type { SerialDevice } from './serial-port';
import { SlipDecoder, slipEncode } from './slip';
import { SpiFlash } from './spi-flash';
import { STUB_FRAME_BUFFER_BYTES, StubLoader } from './stub';
import { receiveAtBaud } from './uart-line';
import {
  BRIDGE_TIMINGS,
  BridgeReceiver,
  NATIVE_USB_EQUIVALENT_BAUD,
  USB_IDS,
  USB_OTG_CHIPS,
  USB_REENUMERATION_SECONDS,
  type EspUsbBridge,
} from './usb-connection';
import { WireClock, lineSeconds } from './wire-clock';
import type { LatencyMode } from './wire-clock';

export { NATIVE_USB_EQUIVALENT_BAUD, USB_IDS, USB_REENUMERATION_SECONDS, type EspUsbBridge };

/**
 * Seconds from EN release to the ROM's first output. Source: none published; modeling
 * assumption, kept well under esptool's 50 ms between releasing EN and releasing IO0
 * (`reset.py` DEFAULT_RESET_DELAY), which real ROMs meet.
 */
export const ROM_BOOT_SECONDS = 0.005;
/**
 * Seconds from the ROM banner to the application's first output (second-stage bootloader + app
 * start). Source: none measured by the project; modeling assumption of the order of ESP-IDF's
 * default boot (image verification and logging on).
 */
export const APP_BOOT_SECONDS = 0.25;
/**
 * Seconds the uploaded stub takes to start and say OHAI. Source: none published; modeling
 * assumption (esptool-js waits up to 3 s for it, reference sheet §5).
 */
export const STUB_START_SECONDS = 0.001;

/** Options of {@link createSimulatedEspBoard}. */
export interface EspBoardOptions {
  /** Which chip. */
  chip: EspChipName;
  /** Flash size in bytes (default 4 MiB). */
  flashSize?: number;
  /** `'zero'` (default, for tests) or `'real'` (deliver data at modeled wall time). */
  latency?: LatencyMode;
  /** In `'real'` mode, how much faster than hardware the board runs (default 1). */
  timeScale?: number;
  /**
   * USB connection (default `'cp2102'`; `'native'` only on chips with USB-Serial/JTAG,
   * `'usb-otg'` only on the ESP32-S3).
   */
  usb?: EspUsbBridge;
  /** Text the application prints after it boots. */
  appOutput?: string;
  /** MAC address "aa:bb:cc:dd:ee:ff" (default per chip). */
  mac?: string;
  /** Whether DTR/RTS drive EN/IO0 (default true). False = bare module: hold BOOT, press RESET. */
  autoReset?: boolean;
  /** Give the port a non-standard in-place `setBaudRate()` (default false, like Chrome). */
  setBaudRate?: boolean;
  /**
   * The capacitor on EN in farads (default 1 µF, Espressif's reference design; boards fit up to
   * 10 µF; 0 = none): EN rises {@link enRiseSeconds} after it is released.
   */
  enCapacitanceFarads?: number;
}

/** What the chip is doing. */
export type EspBoardMode = 'unpowered' | 'reset' | 'download' | 'stub' | 'app' | 'hung';

/** Traffic counters. */
export interface EspWireStats {
  bytesToDevice: number;
  bytesToHost: number;
}

/** A simulated board; see {@link createSimulatedEspBoard}. */
export class SimulatedEspBoard implements SerialDevice {
  /** The chip description. */
  readonly chip: EspChipSpec;
  /** The SPI flash, for direct inspection and preloading in tests. */
  readonly flash: SpiFlash;
  /** Modeled time. */
  readonly clock: WireClock;
  /** Fault switches. */
  readonly faults = new FaultInjector();
  /** Byte counters since creation. */
  readonly stats: EspWireStats = { bytesToDevice: 0, bytesToHost: 0 };
  private readonly native: boolean;
  private readonly otg: boolean;
  /** The USB-UART bridge's receive side (null on the chip's own USB ports). */
  private readonly bridge: BridgeReceiver | null;
  private readonly offerSetBaudRate: boolean;
  private usbPort: SimSerialPort;
  /** USB-OTG: the chip reset tore down the USB device; a new port comes after the restart. */
  private usbDetached = false;
  private enumerationTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly circuit: ResetCircuit;
  private readonly registers: RegisterFile;
  private readonly ram = new RamImage();
  private readonly context: LoaderContext;
  private readonly slip = new SlipDecoder();
  private loader: RomLoader | StubLoader | null = null;
  private state: EspBoardMode = 'unpowered';
  private appOutput: string;
  private uartBaud: number;
  private hostBaud = 0;
  private autobaud = false;
  private cursor = 0;
  private busyUntil = 0;
  /** When the SPI flash chip finishes its current operation (it keeps erasing across a CPU reset). */
  private flashBusyUntil = 0;
  /** When the stub finished the frames in its two frame buffers (older first). */
  private frameBuffersFree: [number, number] = [0, 0];
  /** Frames the stub dropped: both of its frame buffers were full, or the frame fits neither. */
  droppedFrames = 0;
  private lineFreeToDevice = 0;
  private lineFreeToHost = 0;
  private generation = 0;
  private readonly queue: { at: number; bytes: Uint8Array; unplug: boolean; port: SimSerialPort }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: EspBoardOptions) {
    const chip = ESP_CHIPS[options.chip];
    if (chip === undefined) throw new RangeError(`Unknown chip ${String(options.chip)}`);
    const usb = options.usb ?? 'cp2102';
    if (usb === 'native' && !chip.hasUsbSerialJtag) {
      throw new RangeError(`${chip.displayName} has no native USB-Serial/JTAG port`);
    }
    if (usb === 'usb-otg' && !USB_OTG_CHIPS.has(chip.name)) {
      throw new RangeError(`${chip.displayName} has no USB-OTG port`);
    }
    this.chip = chip;
    this.otg = usb === 'usb-otg';
    this.native = usb === 'native' || this.otg;
    this.bridge = this.native ? null : new BridgeReceiver(BRIDGE_TIMINGS[usb as keyof typeof BRIDGE_TIMINGS]);
    this.offerSetBaudRate = options.setBaudRate ?? false;
    this.uartBaud = chip.romBaud;
    this.appOutput = options.appOutput ?? '';
    this.flash = new SpiFlash({ size: options.flashSize });
    this.clock = new WireClock({ latency: options.latency, timeScale: options.timeScale });
    const mac = options.mac === undefined ? chip.defaultMac : parseMac(options.mac);
    this.registers = new RegisterFile(
      chip,
      this.flash,
      mac,
      () => this.uartBaud,
      this.otg ? 'usb-otg' : this.native ? 'usb-serial-jtag' : 'uart',
    );
    const wiring = this.otg
      ? 'usb-otg'
      : this.native
        ? 'usb-serial-jtag'
        : options.autoReset === false
          ? 'none'
          : 'auto';
    const capacitance = options.enCapacitanceFarads ?? EN_CAPACITANCE_FARADS;
    this.circuit = new ResetCircuit(
      wiring,
      {
        enterReset: () => this.enterReset(this.clock.hostNow()),
        releaseReset: (download) => {
          if (this.state !== 'unpowered') this.boot(this.clock.hostNow(), download);
        },
        usbRestart: (download) => this.usbRestart(download),
      },
      capacitance > 0 ? enRiseSeconds(capacitance) : 0,
      {
        // EN charges in board time, which is the host's wall time here (the host's own sleeps
        // are wall time); in 'real' mode scaled like the rest of the board.
        schedule: (seconds, done) => {
          const scale = this.clock.latency === 'real' ? this.clock.timeScale : 1;
          const timer = setTimeout(done, (seconds * 1000) / scale);
          return () => clearTimeout(timer);
        },
      },
    );
    this.usbPort = new SimSerialPort({ info: USB_IDS[usb], setBaudRate: this.offerSetBaudRate });
    this.usbPort.attach(this);
    this.context = this.createContext();
    this.boot(0, false);
  }

  /**
   * The Web Serial port to hand to esptool-js or the app. On a `'usb-otg'` board this is a new
   * object after each chip reset (the old one is dead for good); the old port's
   * `successor` and `replaced` event lead to it, and a simulated `navigator.serial` lists it.
   */
  get port(): SimSerialPort {
    return this.usbPort;
  }

  /** What the chip is doing now. */
  get mode(): EspBoardMode {
    return this.state;
  }

  /** The chip's UART baud rate now. */
  get baudRate(): number {
    return this.uartBaud;
  }

  /** Pulls the USB cable: the port errors like Chrome's and the board loses power. */
  unplug(): void {
    if (this.state === 'unpowered') return;
    this.powerDown();
    this.port.lose();
  }

  /**
   * Plugs the USB cable back in: the board powers up (into download mode if BOOT is held). A
   * `'usb-otg'` board enumerates as a new port once the chip runs, as after a reset.
   */
  plug(): void {
    if (this.state !== 'unpowered') return;
    if (!this.otg) this.port.restore();
    this.boot(this.clock.hostNow(), !this.circuit.io0);
  }

  /** Sets what the application prints after boot; printed now too if the app is running. */
  setAppOutput(text: string): void {
    this.appOutput = text;
    if (this.state === 'app' && text) this.emitText(text, this.clock.hostNow());
  }

  /** Holds or releases the BOOT button. */
  holdBoot(down: boolean): void {
    this.circuit.setBootButton(down);
  }

  /**
   * Presses and releases the RESET (EN) button. The chip starts once EN has charged through its
   * RC delay (see {@link enSettled}); hold BOOT until then to enter download mode.
   */
  pressReset(): void {
    this.circuit.setResetButton(true);
    this.circuit.setResetButton(false);
  }

  /** Resolves once EN is no longer charging (the chip has started after a released reset). */
  async enSettled(): Promise<void> {
    while (this.circuit.enCharging) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  // --- SerialDevice (called by the port) ---

  /** @inheritdoc */
  opened(baud: number): void {
    this.hostBaud = baud;
    // A POSIX tty raises DTR and RTS on open; with both asserted the circuit leaves EN/IO0 high.
    this.setSignals(true, true, undefined);
  }

  /** @inheritdoc */
  closed(): void {
    this.setSignals(false, false, undefined);
    this.hostBaud = 0;
  }

  /** @inheritdoc */
  setSignals(dtr: boolean | undefined, rts: boolean | undefined, _brk: boolean | undefined): void {
    if (this.faults.resetLinesDisconnected || this.state === 'unpowered') return;
    this.circuit.setSignals(dtr, rts);
  }

  /** @inheritdoc */
  setBaudRate(baud: number): void {
    this.hostBaud = baud;
  }

  /** @inheritdoc */
  write(bytes: Uint8Array): boolean {
    if (this.state === 'unpowered') return false;
    this.stats.bytesToDevice += bytes.length;
    const sent = this.clock.hostNow();
    // Through a bridge the write is a USB transfer that starts at the next USB frame.
    const start = Math.max(sent + (this.bridge?.timing.hostWriteSeconds ?? 0), this.lineFreeToDevice);
    const arrival = start + lineSeconds(bytes.length, this.hostRate());
    this.lineFreeToDevice = arrival;
    this.clock.observe(arrival);
    const filtered = this.faults.filter('to-device', bytes);
    this.receive(filtered.bytes, arrival);
    if (filtered.unplug) {
      this.unplug();
      return false;
    }
    return true;
  }

  // --- chip ---

  private hostRate(): number {
    return this.native ? NATIVE_USB_EQUIVALENT_BAUD : this.hostBaud || this.uartBaud;
  }

  private deviceRate(): number {
    return this.native ? NATIVE_USB_EQUIVALENT_BAUD : this.uartBaud;
  }

  private receive(bytes: Uint8Array, at: number): void {
    if (this.state !== 'download' && this.state !== 'stub') return;
    let data = bytes;
    if (!this.native) {
      // The ROM measures the baud rate of the first SYNC it sees (autobaud).
      if (this.autobaud && this.hostBaud) this.uartBaud = this.hostBaud;
      data = receiveAtBaud(bytes, this.hostBaud || this.uartBaud, this.uartBaud);
    }
    for (const frame of this.slip.push(data)) {
      if (this.loader === null || !(this.state === 'download' || this.state === 'stub')) return;
      if (frame.length >= 2 && frame[1] === 0x08) this.autobaud = false;
      const generation = this.generation;
      if (this.state === 'stub' && !this.claimFrameBuffer(frame, at)) continue;
      this.cursor = Math.max(at, this.busyUntil);
      if (this.cursor === Number.POSITIVE_INFINITY) return;
      this.loader.handle(frame);
      if (generation !== this.generation) return;
      this.busyUntil = this.cursor;
      if (this.state === 'stub') this.frameBuffersFree = [this.frameBuffersFree[1], this.busyUntil];
      if (this.busyUntil === Number.POSITIVE_INFINITY) this.state = 'hung';
    }
  }

  /**
   * The stub receives into two frame buffers (esp-flasher-stub `frame_buffer.c`): one being
   * processed, one being filled. A frame whose first byte arrives while the stub is still
   * processing the frame two before it finds no free buffer and is lost, as on the chip; so is
   * a frame longer than a buffer ({@link STUB_FRAME_BUFFER_BYTES}).
   */
  private claimFrameBuffer(frame: Uint8Array, at: number): boolean {
    if (frame.length > STUB_FRAME_BUFFER_BYTES) {
      this.droppedFrames++;
      return false;
    }
    const firstByte = at - lineSeconds(frame.length + 2, this.hostRate());
    if (firstByte >= this.frameBuffersFree[0]) return true;
    this.droppedFrames++;
    return false;
  }

  private createContext(): LoaderContext {
    return {
      chip: this.chip,
      flash: this.flash,
      registers: this.registers,
      ram: this.ram,
      work: (seconds) => {
        this.cursor += seconds;
      },
      flashWork: (seconds) => {
        this.cursor = Math.max(this.cursor, this.flashBusyUntil) + seconds;
        this.flashBusyUntil = this.cursor;
      },
      flashIdle: () => this.flashBusyUntil <= this.cursor,
      waitFlash: () => {
        this.cursor = Math.max(this.cursor, this.flashBusyUntil);
      },
      startFlash: (seconds) => {
        this.flashBusyUntil = Math.max(this.cursor, this.flashBusyUntil) + seconds;
      },
      send: (payload) => this.emit(slipEncode(payload), this.cursor),
      changeBaud: (baud) => {
        if (!this.faults.stuckBaud) this.uartBaud = baud;
      },
      startStub: () => {
        this.loader = new StubLoader(this.context);
        this.state = 'stub';
        this.frameBuffersFree = [0, 0];
        this.cursor += STUB_START_SECONDS;
        this.emit(slipEncode(new TextEncoder().encode('OHAI')), this.cursor);
      },
      runUserCode: () => this.startApp(this.cursor, false),
      softReset: () => {
        const at = this.cursor;
        this.enterReset(at);
        this.boot(at, !this.circuit.io0);
      },
    };
  }

  /**
   * `'usb-otg'`: the firmware saw RTS released and restarts the chip (ESP-IDF's USB console rule,
   * see reset-circuit.ts), into download mode if DTR was asserted. Modeling assumption: a
   * download request while the ROM loader or the stub already runs changes nothing (esptool
   * reopens a port that dropped during its reset and resets again; that only converges if the
   * loader leaves the request alone), while a normal restart request (esptool's USB HardReset)
   * restarts the chip. The console's 50 ms restart delay is in USB_REENUMERATION_SECONDS.
   */
  private usbRestart(download: boolean): void {
    if (this.state === 'reset' || this.state === 'unpowered') return;
    if (download && (this.state === 'download' || this.state === 'stub')) return;
    const at = this.clock.hostNow();
    this.enterReset(at);
    this.boot(at, download || !this.circuit.io0);
  }

  /** USB-OTG: the chip reset tears the USB device down; its port dies for good. */
  private detachUsb(): void {
    if (this.enumerationTimer !== null) clearTimeout(this.enumerationTimer);
    this.enumerationTimer = null;
    this.usbDetached = true;
    this.usbPort.retire();
  }

  /** USB-OTG: the restarted chip enumerates again after {@link USB_REENUMERATION_SECONDS}. */
  private scheduleEnumeration(at: number): void {
    const due = at + USB_REENUMERATION_SECONDS;
    // In 'zero' latency mode wallDelayMs is 0: the port appears on the next macrotask.
    this.enumerationTimer = setTimeout(() => this.enumerate(due), this.clock.wallDelayMs(due));
  }

  /** USB-OTG: a new port with the same ids replaces the dead one and fires `connect`. */
  private enumerate(due: number): void {
    this.enumerationTimer = null;
    if (this.state === 'unpowered') return;
    this.clock.received(due);
    const previous = this.usbPort;
    const next = new SimSerialPort({
      info: previous.getInfo(),
      setBaudRate: this.offerSetBaudRate,
      connected: false,
    });
    next.attach(this);
    this.usbPort = next;
    this.usbDetached = false;
    this.hostBaud = 0;
    this.circuit.clearLines();
    previous.announceSuccessor(next);
    next.restore();
  }

  /** Holds the chip in reset from modeled time `at`: output not yet on the wire is lost. */
  private enterReset(at: number): void {
    if (this.otg) this.detachUsb();
    this.generation++;
    this.lineFreeToHost = Math.min(this.lineFreeToHost, at);
    this.bridge?.rewind(at);
    while (this.queue.length > 0 && this.queue[this.queue.length - 1].at > at) this.queue.pop();
    this.state = 'reset';
    this.loader = null;
    this.busyUntil = 0;
    this.frameBuffersFree = [0, 0];
    this.slip.reset();
    this.registers.reset();
    this.ram.clear();
  }

  private powerDown(): void {
    this.enterReset(this.clock.now());
    this.state = 'unpowered';
    this.queue.length = 0;
  }

  private boot(at: number, download: boolean): void {
    if (this.usbDetached) this.scheduleEnumeration(at);
    this.generation++;
    this.uartBaud = this.chip.romBaud;
    this.busyUntil = 0;
    this.slip.reset();
    const t = at + ROM_BOOT_SECONDS;
    if (download) {
      this.state = 'download';
      this.autobaud = true;
      this.loader = new RomLoader(this.context);
      this.emitText(downloadBanner(this.chip), t);
    } else {
      this.emitText(flashBootBanner(this.chip), t);
      this.startApp(this.lineFreeToHost, true);
    }
  }

  private startApp(at: number, fromRom: boolean): void {
    this.state = 'app';
    this.loader = null;
    this.autobaud = false;
    const header = this.flash.read(this.chip.bootloaderOffset, 4);
    const text = imageBootLog(this.chip, header) + (header[0] === 0xe9 ? this.appOutput : '');
    this.emitText(text, at + (fromRom ? APP_BOOT_SECONDS : 0));
  }

  private emitText(text: string, at: number): void {
    this.emit(new TextEncoder().encode(text), at);
  }

  /** Sends bytes from the chip's UART at modeled time `at`. */
  private emit(bytes: Uint8Array, at: number): void {
    const start = Math.max(at, this.lineFreeToHost);
    const end = start + lineSeconds(bytes.length, this.deviceRate());
    this.lineFreeToHost = end;
    this.clock.observe(end);
    const port = this.usbPort;
    if (!port.isOpen || !port.connected) {
      // Output no host can read: a host that opens the port later acts after it.
      this.clock.received(end);
      return;
    }
    this.stats.bytesToHost += bytes.length;
    const seen = this.native ? bytes : receiveAtBaud(bytes, this.uartBaud, this.hostBaud);
    const filtered = this.faults.filter('to-host', seen);
    if (this.bridge === null) {
      this.schedule(end, filtered.bytes, filtered.unplug, port);
      return;
    }
    const deliveries = this.bridge.receive(filtered.bytes, start, end);
    deliveries.forEach((d, i) => {
      this.clock.observe(d.at);
      this.schedule(d.at, d.bytes, filtered.unplug && i === deliveries.length - 1, port);
    });
  }

  /**
   * Hands `bytes` to the host at modeled time `at`, in order, from a timer (at once in 'zero'
   * mode, but never inside the host's write: the host learns of the data, and its clock moves
   * to `at`, only when it is delivered).
   */
  private schedule(at: number, bytes: Uint8Array, unplug: boolean, port: SimSerialPort): void {
    this.queue.push({ at, bytes, unplug, port });
    this.arm();
  }

  private arm(): void {
    if (this.timer !== null || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      while (this.queue.length > 0 && this.clock.wallDelayMs(this.queue[0].at) <= 0) {
        const item = this.queue.shift()!;
        item.port.deliver(item.bytes, item.at, this.clock);
        if (item.unplug) this.unplug();
      }
      this.arm();
    }, this.clock.wallDelayMs(this.queue[0].at));
  }
}

/** Creates a simulated ESP32 / ESP32-S3 / ESP32-C3 board; hand `board.port` to esptool-js. */
export function createSimulatedEspBoard(options: EspBoardOptions): SimulatedEspBoard {
  return new SimulatedEspBoard(options);
}
