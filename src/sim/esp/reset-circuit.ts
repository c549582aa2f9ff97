/**
 * How the host's modem lines reach the chip's EN (CHIP_PU) and boot strapping pin (GPIO0 on
 * ESP32/S3, GPIO9 on C3). Lines are active low on the bridge, so `true` = asserted = 0 V.
 *
 * - `'auto'`: Espressif's two-transistor auto-reset circuit (DevKitC schematic):
 *   EN = !(RTS && !DTR), IO0 = !(DTR && !RTS). Truth table (reference sheet §9):
 *   DTR RTS → EN IO0: 0 0 → 1 1; 1 1 → 1 1; 0 1 → 0 1; 1 0 → 1 0.
 * - `'none'`: lines not connected (bare module on a USB-UART cable): only the buttons work.
 * - `'usb-serial-jtag'`: the chip's own USB-Serial/JTAG port. The chip is held in reset while
 *   RTS && !DTR; it boots into download mode if DTR was asserted in the state just before the
 *   reset began (the sequence esptool's USBJTAGSerialReset produces). Approximation of the
 *   ESP32-C3/S3 TRM description (USB Serial/JTAG, CDC-ACM chip reset).
 * - `'usb-otg'`: the chip's USB-OTG peripheral running the ROM's CDC-ACM stack. No hardware
 *   reaches EN or the strapping pin; the firmware watches the line state and restarts the chip
 *   itself. Rule of ESP-IDF's USB-OTG console (`esp_usb_console_cdc_acm_cb` in
 *   components/esp_system/port/soc/esp32s2/usb_console.c): when RTS goes from asserted to
 *   released, restart, into download mode (RTC_CNTL_FORCE_DOWNLOAD_BOOT) if DTR is asserted at
 *   that moment, else normally; the remembered RTS starts released on each USB connection.
 *   esptool's ClassicReset (RTS, then DTR with RTS released) thus asks for download mode, its
 *   USB HardReset (RTS pulse, DTR released) for a normal restart. The circuit only reports the
 *   request ({@link ResetTarget.usbRestart}); the board decides what the running code does.
 *
 * The BOOT button pulls the strapping pin low, the RESET (EN) button pulls EN low. The chip
 * samples the strapping pin when EN rises.
 */

/** How DTR/RTS are wired to the chip. */
export type ResetWiring = 'auto' | 'none' | 'usb-serial-jtag' | 'usb-otg';

/** What the chip does when EN changes. */
export interface ResetTarget {
  /** EN went low: the chip stops. */
  enterReset(): void;
  /** EN went high: the chip boots, into the ROM loader if `download`. */
  releaseReset(download: boolean): void;
  /** `'usb-otg'` only: the host released RTS; restart, into download mode if `download` (DTR). */
  usbRestart?(download: boolean): void;
}

/** The reset/boot circuit between the serial lines, the buttons and the chip. */
export class ResetCircuit {
  private dtr = false;
  private rts = false;
  private bootButton = false;
  private resetButton = false;
  private usbDownloadLatch = false;
  private enHigh = true;

  constructor(
    readonly wiring: ResetWiring,
    private readonly target: ResetTarget,
  ) {}

  /** Level of EN (true = high = running). */
  get en(): boolean {
    return this.enHigh;
  }

  /** Level of the strapping pin (true = high = boot from flash). */
  get io0(): boolean {
    if (this.bootButton) return false;
    if (this.wiring === 'auto') return !(this.dtr && !this.rts);
    if (this.wiring === 'usb-serial-jtag') return !this.usbDownloadLatch;
    return true;
  }

  /** The host changed the modem lines (`undefined` = unchanged). */
  setSignals(dtr: boolean | undefined, rts: boolean | undefined): void {
    const previousDtr = this.dtr;
    const previousRts = this.rts;
    if (dtr !== undefined) this.dtr = dtr;
    if (rts !== undefined) this.rts = rts;
    if (this.wiring === 'usb-serial-jtag' && this.enHigh && this.rts && !this.dtr) {
      this.usbDownloadLatch = previousDtr;
    }
    this.update();
    if (this.wiring === 'usb-otg' && previousRts && !this.rts) this.target.usbRestart?.(this.dtr);
  }

  /** A new host connection (USB enumeration): both lines start released. */
  clearLines(): void {
    this.dtr = false;
    this.rts = false;
    this.update();
  }

  /** Holds (true) or releases (false) the BOOT button. */
  setBootButton(down: boolean): void {
    this.bootButton = down;
    this.update();
  }

  /** Holds (true) or releases (false) the RESET/EN button. */
  setResetButton(down: boolean): void {
    this.resetButton = down;
    this.update();
  }

  private computeEn(): boolean {
    if (this.resetButton) return false;
    if (this.wiring === 'none' || this.wiring === 'usb-otg') return true;
    return !(this.rts && !this.dtr);
  }

  private update(): void {
    const en = this.computeEn();
    if (en === this.enHigh) return;
    this.enHigh = en;
    if (!en) {
      this.target.enterReset();
    } else {
      const download = !this.io0;
      this.usbDownloadLatch = false;
      this.target.releaseReset(download);
    }
  }
}
