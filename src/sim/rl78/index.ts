/**
 * Simulated Renesas RL78 targets (RL78/G13 R5F100LE, RL78/G14 R5F104LE) behind a USB-UART on
 * Web Serial, with the boot firmware's serial programming protocol (R01AN0815, Protocol A).
 */
export { createSimulatedRl78Board, Rl78Faults, SimulatedRl78Board } from './board';
export type { Rl78BoardMode, Rl78BoardOptions, Rl78ResetLine, Rl78Wiring } from './board';
export { Rl78BootFirmware } from './boot-firmware';
export type { FirmwareContext, FirmwareStats } from './boot-firmware';
export { BLOCK_SIZE, DATA_FLASH_BASE, RL78_CHIPS, RL78_TIMING } from './chips';
export type { Rl78ChipName, Rl78ChipSpec } from './chips';
export { Rl78Flash, SecurityFlag } from './flash';
export type { SecuritySettings } from './flash';
export * from './protocol';
