/**
 * What the device worker offers the page for Renesas RA chips beyond the common operations:
 * saying that a USB-UART leads to an RA chip in boot mode over its SCI UART.
 */

/** The RA part of the device worker's API. */
export interface RaWorkerApi {
  /**
   * Says that serial device `deviceId` is a USB-UART wired to an RA chip in boot mode (`true`)
   * or is not (`false`: back to an ESP board). Remembered for that port while the page runs;
   * refused (DEVICE_BUSY) while the device is connected. The chip's own USB CDC port is an RA
   * chip whatever is said.
   */
  raMarkPort(deviceId: string, isRa: boolean): Promise<void>;
}
