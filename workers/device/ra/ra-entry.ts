/**
 * Putting an RA chip into boot mode from the host, on the one board that lets a host do it: the
 * Arduino Uno R4 WiFi. Its USB-C port belongs to an ESP32-S3 running Arduino's bridge firmware
 * (github.com/arduino/uno-r4-wifi-usb-bridge, `UNOR4USBBridge.ino`; USB ids 2341:1002, as
 * `unor4wifi.vid.0/pid.0` in ArduinoCore-renesas' boards.txt), which passes the port's bytes to
 * the RA4M1's boot SCI (SCI9) at the rate the host opens it at, and on a line coding of 2400 baud
 * pulls BOOT (the RA4M1's MD pin) low and resets the chip: it starts its ROM boot firmware. Its
 * `delay(100)`s take 200 ms, and the rate of the bridge's UART is left as it was, so the host
 * closes the port, waits, and opens it again at 9600 baud for the boot firmware's handshake.
 * (1200 baud would start Arduino's own bootloader instead.) The bridge reacts only to a change of
 * line coding, so a port last left at 2400 by another program does not reset again; its chip
 * is then in boot mode already.
 */
import type { RaBootEntry } from './ra-api';
import { portError } from './ra-link';
import { raEntryChoice } from './ra-ports';

export type { RaBootEntry } from './ra-api';

/** USB ids of the Arduino Uno R4 WiFi's ESP32-S3 bridge. */
export const UNO_R4_WIFI_USB = { vendorId: 0x2341, productId: 0x1002 } as const;

/** The line coding that makes the Uno R4 WiFi's bridge reset the RA4M1 into boot mode. */
export const UNO_R4_WIFI_BOOT_BAUD = 2400;

/**
 * How long the host waits after the 2400-baud open: the bridge's two 100 ms delays, plus time
 * for the chip's boot firmware to start (the handshake then retries for another 500 ms).
 */
export const UNO_R4_WIFI_SETTLE_MS = 300;

/** True when a port with these USB ids is an Arduino Uno R4 WiFi's USB bridge (2341:1002). */
export function isUnoR4WifiInfo(info: SerialPortInfo): boolean {
  return info.usbVendorId === UNO_R4_WIFI_USB.vendorId && info.usbProductId === UNO_R4_WIFI_USB.productId;
}

/** True when `port` is an Arduino Uno R4 WiFi's USB bridge. */
export function isUnoR4Wifi(port: SerialPort): boolean {
  return isUnoR4WifiInfo(port.getInfo());
}

/** The entry for `port`: what the person said, else the Uno R4 WiFi's for its bridge, else none. */
export function bootEntryOf(port: SerialPort): RaBootEntry {
  return raEntryChoice(port) ?? (isUnoR4Wifi(port) ? 'uno-r4-wifi' : 'none');
}

/** Puts the chip behind `port` (closed) into boot mode as `entry` says; the port is closed after. */
export async function enterBootMode(port: SerialPort, entry: RaBootEntry): Promise<void> {
  if (entry === 'none') return;
  try {
    await port.open({ baudRate: UNO_R4_WIFI_BOOT_BAUD, dataBits: 8, stopBits: 1, parity: 'none' });
    await port.close();
  } catch (error) {
    throw portError(error, 'Putting the Uno R4 WiFi into boot mode (opening its port at 2400 baud)');
  }
  await new Promise((resolve) => setTimeout(resolve, UNO_R4_WIFI_SETTLE_MS));
}
