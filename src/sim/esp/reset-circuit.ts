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
 *
 * EN has an RC delay on real boards (a pull-up and a capacitor to ground, see
 * {@link EN_PULLUP_OHMS}). Pulling EN low (the transistor or the button) discharges the capacitor
 * at once, so the chip stops at once; releasing it lets the capacitor charge, and the chip starts
 * only when EN crosses its input-high threshold, {@link enRiseSeconds} later, sampling the
 * strapping pin then. A release shorter than that (the moment with both lines asserted while
 * esptool's ClassicReset sets DTR and RTS one call at a time, or both released on the way from
 * (0,1) to (1,0)) starts nothing. The USB-Serial/JTAG and USB-OTG resets are inside the chip and
 * have no such delay.
 */

/** EN pull-up of Espressif's reference design (ESP32 Hardware Design Guidelines: R = 10 kΩ, C = 1 µF). */
export const EN_PULLUP_OHMS = 10_000;
/** EN capacitor of Espressif's reference design; boards fit 1–10 µF (reference sheet §9). */
export const EN_CAPACITANCE_FARADS = 1e-6;
/** CHIP_PU input-high threshold as a fraction of VDD (ESP32 datasheet, DC characteristics: V_IH = 0.75 × VDD). */
export const EN_THRESHOLD_FRACTION = 0.75;

/** Seconds for EN to charge from 0 V to the input-high threshold through the pull-up. */
export function enRiseSeconds(capacitanceFarads: number = EN_CAPACITANCE_FARADS): number {
  return EN_PULLUP_OHMS * capacitanceFarads * Math.log(1 / (1 - EN_THRESHOLD_FRACTION));
}

/** How the circuit waits for EN to charge: `schedule` runs `done` after `seconds` of board time. */
export interface CircuitTimer {
  schedule(seconds: number, done: () => void): () => void;
}

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
  /** EN pin above its threshold (false while held low and while charging after release). */
  private pinCharged = true;
  private cancelRise: (() => void) | null = null;

  /**
   * @param wiring how the lines reach the chip
   * @param target the chip
   * @param riseSeconds EN's RC delay ({@link enRiseSeconds}); 0 = none
   * @param timer waits out the RC delay (required when `riseSeconds` > 0)
   */
  constructor(
    readonly wiring: ResetWiring,
    private readonly target: ResetTarget,
    private readonly riseSeconds = 0,
    private readonly timer?: CircuitTimer,
  ) {
    if (riseSeconds > 0 && timer === undefined) throw new RangeError('An EN RC delay needs a timer');
  }

  /** True while EN is charging after a release (the chip has not started yet). */
  get enCharging(): boolean {
    return this.cancelRise !== null;
  }

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

  /** Something pulls the EN pin itself low: the button, or the auto-reset transistor. */
  private pinPulledLow(): boolean {
    return this.resetButton || (this.wiring === 'auto' && this.rts && !this.dtr);
  }

  /** The USB-Serial/JTAG peripheral holds the chip in reset (no RC delay: inside the chip). */
  private internalReset(): boolean {
    return this.wiring === 'usb-serial-jtag' && this.rts && !this.dtr;
  }

  private update(): void {
    if (this.pinPulledLow()) {
      this.cancelRise?.();
      this.cancelRise = null;
      this.pinCharged = false;
    } else if (!this.pinCharged && this.cancelRise === null) {
      if (this.riseSeconds > 0) {
        this.cancelRise = this.timer!.schedule(this.riseSeconds, () => {
          this.cancelRise = null;
          this.pinCharged = true;
          this.apply();
        });
      } else {
        this.pinCharged = true;
      }
    }
    this.apply();
  }

  private apply(): void {
    const en = this.pinCharged && !this.internalReset();
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
