/**
 * Simulated hardware for WebProg: DAPLink CMSIS-DAP probes with real Cortex-M targets
 * (nRF51822 micro:bit V1, nRF52833 micro:bit V2, nRF52840 DK, STM32F103 Blue Pill, STM32F411,
 * STM32G071, ATSAMD21G18A on an Arduino Zero) as WebUSB devices.
 *
 * @example
 * ```ts
 * const board = createSimulatedMicrobit('v2', { latency: 'zero' });
 * installSimulatedUsb(globalThis, [board.usbDevice]);           // navigator.usb is now simulated
 * const device = await navigator.usb.requestDevice({ filters: [{ vendorId: 0x0d28 }] });
 * // …talk CMSIS-DAP to `device` (dapjs's WebUSB transport works unchanged)…
 * board.target.readMemory(0x0, 16);                              // look inside the chip
 * board.faults.unplugAtTransfer(10);                             // and break things on purpose
 * ```
 */
export {
  createSimulatedBoard,
  createSimulatedMicrobit,
  createSimulatedStm32f411Probe,
  createSimulatedNrf52840Dk,
  createSimulatedBluePill,
  createSimulatedStm32f103Probe,
  createSimulatedStm32g071Probe,
  createSimulatedArduinoZeroProbe,
  SIMULATED_BOARD_NAMES,
  type MicrobitVersion,
  type SimulatedBoardName,
  type SimulatedProbe,
  type SimulatedProbeOptions,
  type SimulatedTarget,
} from './boards';
export {
  DAPLINK_LATENCY,
  ZERO_LATENCY,
  VirtualClock,
  type LatencyOption,
  type LatencyProfile,
} from './clock';
export type { SimulatedFaults, ForcedAck } from './faults';
export {
  installSimulatedUsb,
  SimulatedUsb,
  type DeviceChooser,
  type SimulatedUsbOptions,
} from './usb/navigator-usb';
export type { SimUsbDevice } from './usb/sim-usb-device';
export type { CoreFault, CoreState } from './cortex-m/cpu-runner';
export type { Stm32FlashError } from './chips/stm32f4-flash';
export type { Stm32f1FlashError } from './chips/stm32f1-flash';
export { STM32F103C8, STM32F103RE, type Stm32f103Description } from './chips/stm32f103';
