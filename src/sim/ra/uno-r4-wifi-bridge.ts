/**
 * The Arduino Uno R4 WiFi's USB bridge: an ESP32-S3 running Arduino's bridge firmware
 * (github.com/arduino/uno-r4-wifi-usb-bridge, `UNOR4USBBridge/UNOR4USBBridge.ino`), whose USB
 * CDC port (VID 0x2341, PID 0x1002, "UNO WiFi R4 CMSIS-DAP"; the same ids are `unor4wifi.vid.0`
 * / `pid.0` in ArduinoCore-renesas' boards.txt) is the board's only USB connection. Modelled from
 * that source:
 *
 * - `setup()`: GPIO_BOOT (wired to the RA4M1's MD pin) and GPIO_RST (its RES#) high, so the
 *   RA4M1 runs its program; the UART to the RA4M1's SCI9 (P109/P110, the bridge's `Serial`)
 *   starts at 115200 baud.
 * - `loop()`: every byte from USB goes out on that UART and every byte from it goes to USB,
 *   whatever the UART's rate is.
 * - `usbEventCallback`, on a line-coding event: 1200 baud → BOOT high, RST low, 100 ms, high,
 *   100 ms, low, 100 ms, high (a double reset: Arduino's bootloader); 2400 baud → BOOT low, RST
 *   high, 100 ms, low, 100 ms, high (MD low at reset: the ROM boot firmware); any other rate →
 *   the UART takes that rate. Then the UART's receive buffer is emptied. 1200 and 2400 leave the
 *   UART's rate as it was, and BOOT stays as set until the next 1200 or a power cycle.
 * - arduino-esp32's `USBCDC::_onLineCoding` posts that event only when the rate or the format
 *   differs from the previous line coding (the bridge turns its 1200-baud self-reboot off with
 *   `enableReboot(false)`). Before the host's first line coding none is known (0 here).
 * - The callback runs in the USB event task, events one after another: a line coding that comes
 *   while the reset pulses run is handled after them. The firmware's `delay()`s are the bridge's
 *   wall time, which in a simulation is the host's wall time (scaled like the board in 'real'
 *   latency mode), as the ESP boards' EN delay is.
 *
 * Not modelled: the WiFi side, the CMSIS-DAP interface, what Arduino's bootloader or the
 * program answer (neither is the ROM boot firmware, so neither answers its protocol), and the
 * emptying of the UART's receive buffer (the simulated chip's replies reach USB at once).
 */

/** What the RA4M1 behind the bridge runs. */
export type UnoR4ChipMode = 'program' | 'reset' | 'arduino-bootloader' | 'rom-boot';

/** USB identity of the bridge's CDC port. */
export const UNO_R4_WIFI_USB_IDS = { usbVendorId: 0x2341, usbProductId: 0x1002 } as const;

/** Rate of the bridge's UART to the RA4M1 after power-up (`SERIAL_USER_INTERNAL.begin(115200, …)`). */
export const BRIDGE_UART_START_BAUD = 115_200;

/** Line coding that starts Arduino's bootloader (double reset, BOOT high). */
export const TOUCH_BOOTLOADER_BAUD = 1200;

/** Line coding that starts the RA4M1's ROM boot firmware (BOOT low, one reset). */
export const TOUCH_ROM_BOOT_BAUD = 2400;

/** Each `delay(100)` of the bridge's reset sequences, seconds. */
export const BRIDGE_PULSE_SECONDS = 0.1;

/** What the bridge drives and waits with. */
export interface UnoR4BridgeHooks {
  /** Waits `seconds` of bridge time (wall time). */
  sleep(seconds: number): Promise<void>;
  /** The RA4M1 changed mode (left reset, or entered it) at modeled time `at` (seconds). */
  chipMode(mode: UnoR4ChipMode, at: number): void;
  /** Modeled time now, seconds (the host's). */
  now(): number;
}

/** The bridge firmware's state; see the module comment. */
export class UnoR4WifiBridge {
  /** Rate of the UART to the RA4M1. */
  uartBaud = BRIDGE_UART_START_BAUD;
  /** Level of GPIO_BOOT (the RA4M1's MD pin): high = run the program, low = boot mode. */
  bootHigh = true;
  /** What the RA4M1 runs. */
  mode: UnoR4ChipMode = 'program';
  /** Line-coding events handled (tests). */
  events = 0;
  /** Last line coding the USB stack saw (0: none yet). */
  private coding = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Modeled time at which the event task is free again. */
  private freeAt = 0;
  /** Bumped on power loss: events queued before it do nothing. */
  private power = 0;

  constructor(private readonly hooks: UnoR4BridgeHooks) {}

  /** The host set the line coding (opening the port at `baud`, 8N1). */
  lineCoding(baud: number): void {
    if (baud === this.coding) return;
    this.coding = baud;
    const power = this.power;
    this.queue = this.queue.then(() => (power === this.power ? this.handle(baud) : undefined));
  }

  /** Resolves once every line-coding event posted so far has been handled. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Power cycle (USB unplugged and plugged): `setup()` runs again. */
  powerUp(): void {
    this.power++;
    this.queue = Promise.resolve();
    this.coding = 0;
    this.uartBaud = BRIDGE_UART_START_BAUD;
    this.bootHigh = true;
    this.freeAt = this.hooks.now();
    this.setMode('program', this.freeAt);
  }

  private async handle(baud: number): Promise<void> {
    this.events++;
    let at = Math.max(this.hooks.now(), this.freeAt);
    const pulse = (rstHigh: boolean, mode?: UnoR4ChipMode): void => {
      if (rstHigh) this.setMode(mode ?? (this.bootHigh ? 'program' : 'rom-boot'), at);
      else this.setMode('reset', at);
    };
    const wait = async (): Promise<void> => {
      await this.hooks.sleep(BRIDGE_PULSE_SECONDS);
      at += BRIDGE_PULSE_SECONDS;
    };
    if (baud === TOUCH_BOOTLOADER_BAUD) {
      this.bootHigh = true;
      pulse(false);
      await wait();
      pulse(true);
      await wait();
      pulse(false);
      await wait();
      // The second release within the bootloader's double-tap window: Arduino's bootloader stays.
      pulse(true, 'arduino-bootloader');
    } else if (baud === TOUCH_ROM_BOOT_BAUD) {
      this.bootHigh = false;
      // RST is already high (digitalWrite(GPIO_RST, HIGH) changes nothing on a running chip).
      await wait();
      pulse(false);
      await wait();
      pulse(true);
    } else {
      this.uartBaud = baud;
    }
    this.freeAt = at;
  }

  private setMode(mode: UnoR4ChipMode, at: number): void {
    if (mode === this.mode && mode !== 'rom-boot') return;
    this.mode = mode;
    this.hooks.chipMode(mode, at);
  }
}
