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
export type EspUsbBridge = 'cp2102' | 'ch340' | 'ft232r' | 'native' | 'usb-otg';

/**
 * USB ids of each connection: Silicon Labs CP2102, WCH CH340, Espressif USB-Serial/JTAG, and
 * the ESP32-S3's ROM CDC over USB-OTG (Espressif's PID = the image chip id, the convention
 * esptool and esptool-js's `usesUsbOtg()` test; 0x0002 on an ESP32-S2).
 */
export const USB_IDS: Readonly<Record<EspUsbBridge, { usbVendorId: number; usbProductId: number }>> = {
  cp2102: { usbVendorId: 0x10c4, usbProductId: 0xea60 },
  ch340: { usbVendorId: 0x1a86, usbProductId: 0x7523 },
  ft232r: { usbVendorId: 0x0403, usbProductId: 0x6001 },
  native: { usbVendorId: 0x303a, usbProductId: 0x1001 },
  'usb-otg': { usbVendorId: 0x303a, usbProductId: 0x0009 },
};

/** Simulated chips with a USB-OTG peripheral (the ESP32-C3 has none, the ESP32 no USB at all). */
export const USB_OTG_CHIPS: ReadonlySet<EspChipName> = new Set(['esp32s3']);

/**
 * Effective byte rate of USB-Serial/JTAG, expressed as an 8N1 baud (baud setting is ignored):
 * 1.2 MB/s, about the most full-speed bulk transfers carry (USB 2.0 §5.8.4, table 5-9: 19
 * 64-byte packets per 1 ms frame = 1.216 MB/s).
 */
export const NATIVE_USB_EQUIVALENT_BAUD = 12_000_000;
/**
 * Seconds from a chip reset to the new USB-OTG port being listed: ESP-IDF's 50 ms restart timer,
 * the ROM start and USB enumeration by the host. Chosen to match esptool (`reset.py`), which
 * waits 0.5 s before reopening a port that dropped during a reset.
 */
export const USB_REENUMERATION_SECONDS = 0.5;

/**
 * What a USB-UART bridge adds to the serial line. Host → chip: each write is a USB bulk OUT
 * transfer that starts at the next 1 ms USB full-speed frame. Chip → host: the bridge collects
 * received bytes and sends them when it has `packetBytes`, else when its flush rule fires: a
 * receive timeout after the last byte (CP210x, CH340) or the FTDI latency timer, which expires
 * `flushSeconds` after the bridge last sent anything to the host (its idle status packets keep
 * that clock running).
 */
export interface BridgeTiming {
  /** Delay before a host write starts on the UART, in seconds. */
  hostWriteSeconds: number;
  /** Bytes the bridge forwards at once without waiting. */
  packetBytes: number;
  /** The flush rule for fewer bytes. */
  flush: 'receive-timeout' | 'latency-timer';
  /** Its time, in seconds. */
  flushSeconds: number;
}

/**
 * USB frame period of full speed (USB 2.0 §5.3.3: 1 ms frames); a host write waits for the next
 * one (Silicon Labs KB "CP210x USB communication": "The USB protocol also has framing every 1 ms").
 */
export const USB_FRAME_SECONDS = 0.001;

/**
 * Bridge timings. Sources: FTDI AN232B-04 §"Small amounts of data": 64-byte packets of 2 status
 * + 62 data bytes, latency timer default 16 ms. Silicon Labs KB "CP210x USB communication": the
 * CP210x sends when its receive buffer (576 bytes on the CP2102, datasheet) is full or its UART
 * receive timeout expires; Silicon Labs gives no figure for that timeout, so it is derived from a
 * third-party comparison (blog.goo.ne.jp/jh3kxm, one firmware write + verify: FT232R 46.8 s at
 * its 16 ms default and 23.2 s at 1 ms, CP2102N 27.2 s, CH340G 25.4 s): the 15 ms difference
 * makes about 1,570 round trips, so the CP2102 costs about 2.5 ms and the CH340 1.4 ms more per
 * round trip than an FT232R at 1 ms: 3.5 ms and 2.4 ms. CH340: 32-byte bulk endpoints (WCH
 * CH340 datasheet).
 */
export const BRIDGE_TIMINGS: Readonly<Record<'cp2102' | 'ch340' | 'ft232r', BridgeTiming>> = {
  cp2102: {
    hostWriteSeconds: USB_FRAME_SECONDS,
    packetBytes: 576,
    flush: 'receive-timeout',
    flushSeconds: 0.0035,
  },
  ch340: {
    hostWriteSeconds: USB_FRAME_SECONDS,
    packetBytes: 32,
    flush: 'receive-timeout',
    flushSeconds: 0.0024,
  },
  ft232r: {
    hostWriteSeconds: USB_FRAME_SECONDS,
    packetBytes: 62,
    flush: 'latency-timer',
    flushSeconds: 0.016,
  },
};

/** One piece of received data the bridge hands to the host, and when. */
export interface BridgeDelivery {
  at: number;
  bytes: Uint8Array;
}

/**
 * The chip → host half of a bridge: turns bytes leaving the chip's UART between `start` and `end`
 * into USB deliveries. Deliveries never go back in time (the host sees bytes in order).
 */
export class BridgeReceiver {
  private lastSent = 0;

  constructor(readonly timing: BridgeTiming) {}

  /** The deliveries for `bytes` sent by the chip's UART from `start` to `end` (modeled seconds). */
  receive(bytes: Uint8Array, start: number, end: number): BridgeDelivery[] {
    const out: BridgeDelivery[] = [];
    const { packetBytes } = this.timing;
    const perByte = bytes.length > 0 ? (end - start) / bytes.length : 0;
    let at = 0;
    for (; at + packetBytes <= bytes.length; at += packetBytes) {
      this.push(out, bytes.subarray(at, at + packetBytes), start + (at + packetBytes) * perByte);
    }
    if (at < bytes.length) this.push(out, bytes.subarray(at), this.flushTime(end));
    return out;
  }

  /** The chip reset at `at`: what it had not sent by then never reaches the bridge. */
  rewind(at: number): void {
    this.lastSent = Math.min(this.lastSent, at);
  }

  private flushTime(lastByte: number): number {
    const { flush, flushSeconds } = this.timing;
    if (flush === 'receive-timeout') return lastByte + flushSeconds;
    // The latency timer fires every flushSeconds after the last packet sent to the host, and
    // sends "any data that is held in the buffer" then (AN232B-04, "Small Amounts of Data and
    // End of Buffer Conditions", condition 4): bytes in before a transfer already due go with it.
    if (lastByte <= this.lastSent) return this.lastSent;
    const ticks = Math.max(1, Math.ceil((lastByte - this.lastSent) / flushSeconds));
    return this.lastSent + ticks * flushSeconds;
  }

  private push(out: BridgeDelivery[], bytes: Uint8Array, at: number): void {
    const when = Math.max(at, this.lastSent);
    this.lastSent = when;
    out.push({ at: when, bytes });
  }
}
