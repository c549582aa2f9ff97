/**
 * Simulated ESP32 / ESP32-S3 / ESP32-C3 boards behind Web Serial. Public API for the app,
 * the e2e tests and the benchmarks: create a board, hand `board.port` to esptool-js (or
 * install it as `navigator.serial` with {@link installSimulatedSerial}), and inspect
 * `board.flash`, `board.clock` and `board.faults`.
 */
export { createSimulatedEspBoard, SimulatedEspBoard, USB_IDS, USB_REENUMERATION_SECONDS } from './board';
export type { EspBoardOptions, EspBoardMode, EspUsbBridge, EspWireStats } from './board';
export { ESP_CHIPS } from './chips';
export type { EspChipName, EspChipSpec } from './chips';
export { FaultInjector } from './faults';
export type { ByteFault, CorruptFault, WireDirection } from './faults';
export { installSimulatedSerial, SimulatedSerial } from './install';
export type { InstallSerialOptions, SerialScope } from './install';
export { PORT_REPLACED, SimPortReplacedEvent, SimSerialPort } from './serial-port';
export { SpiFlash } from './spi-flash';
export type { WeakRange } from './spi-flash';
export { WireClock, lineSeconds } from './wire-clock';
export type { LatencyMode } from './wire-clock';
