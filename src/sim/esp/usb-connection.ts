/**
 * How a simulated ESP board reaches the host over USB: a USB-UART bridge or one of the chip's
 * own USB ports, with their USB ids and timings.
 */
import type { EspChipName } from './chips';

/**
 * How the board connects to the host: a USB-UART bridge, the chip's USB-Serial/JTAG port
 * (`'native'`, a fixed-function device that stays enumerated across chip resets), or the chip's
 * USB-OTG peripheral running the ROM's CDC-ACM stack (`'usb-otg'`: the ROM download port and
 * ESP-IDF's USB-OTG console, CONFIG_ESP_CONSOLE_USB_CDC, which reuses the ROM's descriptors).
 * The USB-OTG device is the chip itself, so every chip reset drops it and a new port with the
 * same ids appears once the chip has restarted and the host has enumerated it again.
 */
export type EspUsbBridge = 'cp2102' | 'ch340' | 'native' | 'usb-otg';

/**
 * USB ids of each connection: Silicon Labs CP2102, WCH CH340, Espressif USB-Serial/JTAG, and
 * the ESP32-S3's ROM CDC over USB-OTG (Espressif's PID = the image chip id, the convention
 * esptool and esptool-js's `usesUsbOtg()` test; 0x0002 on an ESP32-S2).
 */
export const USB_IDS: Readonly<Record<EspUsbBridge, { usbVendorId: number; usbProductId: number }>> = {
  cp2102: { usbVendorId: 0x10c4, usbProductId: 0xea60 },
  ch340: { usbVendorId: 0x1a86, usbProductId: 0x7523 },
  native: { usbVendorId: 0x303a, usbProductId: 0x1001 },
  'usb-otg': { usbVendorId: 0x303a, usbProductId: 0x0009 },
};

/** Simulated chips with a USB-OTG peripheral (the ESP32-C3 has none, the ESP32 no USB at all). */
export const USB_OTG_CHIPS: ReadonlySet<EspChipName> = new Set(['esp32s3']);

/** Effective byte rate of USB-Serial/JTAG, expressed as an 8N1 baud (baud setting is ignored). */
export const NATIVE_USB_EQUIVALENT_BAUD = 12_000_000;
/**
 * Seconds from a chip reset to the new USB-OTG port being listed: ESP-IDF's 50 ms restart timer,
 * the ROM start and USB enumeration by the host. Chosen to match esptool (`reset.py`), which
 * waits 0.5 s before reopening a port that dropped during a reset.
 */
export const USB_REENUMERATION_SECONDS = 0.5;
