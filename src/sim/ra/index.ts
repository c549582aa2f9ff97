/**
 * Simulated Renesas RA chips in boot mode behind Web Serial (USB CDC or a USB-UART bridge):
 * the standard boot firmware's packet protocol, areas, ID-code lock, flash timings and faults.
 */
export { createSimulatedRaBoard, SimulatedRaBoard, RA_USB_IDS, RA_UART_BRIDGE_IDS } from './board';
export type { RaBoardFaults, RaBoardOptions, RaBoardTransport } from './board';
export {
  UnoR4WifiBridge,
  UNO_R4_WIFI_USB_IDS,
  TOUCH_BOOTLOADER_BAUD,
  TOUCH_ROM_BOOT_BAUD,
  BRIDGE_UART_START_BAUD,
} from './uno-r4-wifi-bridge';
export type { UnoR4ChipMode } from './uno-r4-wifi-bridge';
export { RA_CHIPS, RA4M1, RA4M2, KOA } from './chips';
export type { RaAreaSpec, RaChipName, RaChipSpec, RaReplyLayout } from './chips';
export { RaBootFirmware, areaRecord } from './boot-firmware';
export type { BootCounters, BootReply, RaBootFirmwareOptions } from './boot-firmware';
export { CMD, STATUS, encodeFrame, FrameReader } from './frames';
