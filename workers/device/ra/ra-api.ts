/**
 * What the device worker offers the page for Renesas RA chips beyond the common operations:
 * saying that a USB-UART leads to an RA chip in boot mode over its SCI UART.
 */

/**
 * How WebProg puts an RA chip into boot mode before connecting: 'uno-r4-wifi' = the Arduino
 * Uno R4 WiFi bridge's 2400-baud open (see `ra-entry.ts`), 'none' = the person does it.
 */
export type RaBootEntry = 'none' | 'uno-r4-wifi';

/** The RA part of the device worker's API. */
export interface RaWorkerApi {
  /**
   * Says that serial device `deviceId` is a USB-UART wired to an RA chip in boot mode (`true`)
   * or is not (`false`: back to an ESP board). Remembered for that port while the page runs;
   * refused (DEVICE_BUSY) while the device is connected. The chip's own USB CDC port is an RA
   * chip whatever is said. `entry` says how WebProg puts the chip into boot mode before each
   * connect ('uno-r4-wifi': the Uno R4 WiFi bridge's 2400-baud open; 'none': the person does it;
   * unsaid: by the port's ids, so the Uno R4 WiFi's bridge 2341:1002 gets it).
   */
  raMarkPort(deviceId: string, isRa: boolean, entry?: RaBootEntry): Promise<void>;
}
