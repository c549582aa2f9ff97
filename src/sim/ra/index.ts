/**
 * Simulated Renesas RA chips in boot mode behind Web Serial (USB CDC or a USB-UART bridge):
 * the standard boot firmware's packet protocol, areas, ID-code lock, flash timings and faults.
 */
export { createSimulatedRaBoard, SimulatedRaBoard, RA_USB_IDS, RA_UART_BRIDGE_IDS } from './board';
export type { RaBoardFaults, RaBoardOptions } from './board';
export { RA_CHIPS, RA4M1, RA4M2, KOA } from './chips';
export type { RaAreaSpec, RaChipName, RaChipSpec, RaReplyLayout } from './chips';
export { RaBootFirmware, areaRecord } from './boot-firmware';
export type { BootCounters, BootReply, RaBootFirmwareOptions } from './boot-firmware';
export { CMD, STATUS, encodeFrame, FrameReader } from './frames';
