/**
 * The simulated boards the rest of WebProg uses: a micro:bit V1 (nRF51822) or V2 (nRF52833)
 * behind its DAPLink interface chip, an nRF52840 DK (DAPLink on its interface MCU), and an
 * STM32F411, a Blue Pill (STM32F103C8), an STM32G071 or an Arduino Zero (SAMD21) behind a
 * DAPLink probe. Each is a WebUSB
 * `USBDevice` (for dapjs, the device worker, `installSimulatedUsb`), the chip itself (for
 * tests that look inside), its virtual clock and its fault switches.
 */
import { resolveLatency, VirtualClock, type LatencyOption } from './clock';
import { createNrf51822 } from './chips/nrf51822';
import { createNrf52833 } from './chips/nrf52833';
import { createNrf52840 } from './chips/nrf52840';
import { readChipMemory, type ChipOptions, type SimulatedChip } from './chips/simulated-chip';
import { createStm32f103, STM32F103C8, type Stm32f103Description } from './chips/stm32f103';
import { createStm32f411 } from './chips/stm32f411';
import { createSamd21, type Samd21Options } from './chips/samd21';
import { createStm32g071 } from './chips/stm32g071';
import { DapFirmware, type ProbeIdentity } from './cmsis-dap/dap-firmware';
import { DaplinkUart } from './cmsis-dap/daplink-uart';
import type { CoreFault, CoreState } from './cortex-m/cpu-runner';
import { createFaults, type SimulatedFaults } from './faults';
import { daplinkInterfaces } from './usb/descriptors';
import { SimUsbDevice, type UsbIdentity } from './usb/sim-usb-device';

/** Options of the board factories. */
export interface SimulatedProbeOptions {
  /** USB serial number (default: board id + device id + interface chip id, 48 characters). */
  serial?: string;
  /** FICR DEVICEID[1] (the micro:bit friendly name comes from it), or both DEVICEID words. */
  deviceId?: number | readonly [number, number];
  /** 'daplink' (default: ≈1.5 ms per USB round trip, datasheet flash times) or 'zero'. */
  latency?: LatencyOption;
  /** Read-out protection on. */
  locked?: boolean;
  /** Initial flash contents (absolute addresses). */
  flash?: readonly { address: number; data: Uint8Array }[];
  /** Offer the bulk CMSIS-DAP v2 interface (default: V1 false as DAPLink 0253, others true). */
  bulk?: boolean;
  /** Resolve USB transfers no sooner than modeled time allows (for demos; default false). */
  paceWallClock?: boolean;
  /** Packets the probe buffers (DAP_Info 0xFE; default 5 as DAPLink on KL26Z/KL27Z). */
  packetCount?: number;
  /**
   * Skip the iterations of the target CPU's idle poll loops (default true). `false` executes
   * every one: the same modeled results, bit for bit, for much more wall time.
   */
  fastForward?: boolean;
}

/** Direct access to the simulated target, for tests. */
export interface SimulatedTarget {
  readonly chip: SimulatedChip;
  /** Part name. */
  readonly name: string;
  /** Main flash contents (live view) and where it is mapped. */
  readonly flash: Uint8Array;
  readonly flashBase: number;
  /** Reads memory directly, bypassing protection and the debugger. */
  readMemory(address: number, length: number): Uint8Array;
  /** Stores to flash the controller ignored (no write enable, wrong size, no PG). */
  readonly ignoredFlashWrites: number;
  /** Erase requests the controller ignored. */
  readonly ignoredFlashErases: number;
  /** USB transfers the host made. */
  readonly usbTransfers: number;
  /** SWD packets the probe sent (including WAIT retries). */
  readonly swdPackets: number;
  /** Instructions the CPU executed. */
  readonly instructions: number;
  /** What the CPU is doing. */
  readonly coreState: CoreState;
  /** The faults the CPU took (HardFault entries and lockups), oldest first. */
  readonly faults: readonly CoreFault[];
  /** True while read-out protection is active. */
  readonly locked: boolean;
}

/** A simulated board with its probe. */
export interface SimulatedProbe {
  /** The WebUSB device. */
  readonly usbDevice: SimUsbDevice;
  readonly target: SimulatedTarget;
  /** Modeled time of this probe and target. */
  readonly clock: VirtualClock;
  readonly faults: SimulatedFaults;
  /** The CMSIS-DAP firmware (identity, settings). */
  readonly firmware: DapFirmware;
  /** The probe's USB-to-UART bridge to the target (micro:bit boards). */
  readonly uart?: DaplinkUart;
  /** Pulls / re-inserts the USB cable. */
  unplug(): void;
  plug(): void;
}

/** Which micro:bit. */
export type MicrobitVersion = 'v1' | 'v2';

interface BoardSpec {
  boardId: string;
  interfaceChipId: string;
  /** The interface chip's `DAP_DEFAULT_SWJ_CLOCK` when it is not DAPLink's KL26Z 5 MHz. */
  defaultSwjClockHz?: number;
  productName: string;
  firmwareVersion: string;
  deviceVersion: [number, number, number];
  /** What DAPLink reports about the board it is built into (a standalone probe: nothing). */
  targetDeviceVendor?: string;
  targetDeviceName?: string;
  targetBoardVendor?: string;
  targetBoardName?: string;
  defaultBulk: boolean;
  /** GPIOs of the target's UART TX and RX wired to the interface chip (the USB serial port). */
  uartPins?: { tx: number; rx: number };
  createChip: (options: ChipOptions) => SimulatedChip;
}

const BOARDS: Record<SimulatedBoardName, BoardSpec> = {
  'microbit-v1': {
    boardId: '9900',
    interfaceChipId: '97969901',
    productName: 'BBC micro:bit CMSIS-DAP',
    firmwareVersion: '0253',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'Nordic Semiconductor',
    targetDeviceName: 'nRF51822_xxAA',
    targetBoardVendor: 'Micro:bit Educational Foundation',
    targetBoardName: 'BBC micro:bit V1',
    defaultBulk: false,
    uartPins: { tx: 24, rx: 25 }, // P0.24, P0.25
    createChip: createNrf51822,
  },
  'microbit-v2': {
    boardId: '9903',
    interfaceChipId: '9796990B',
    defaultSwjClockHz: 8_000_000, // KL27Z DAP_config.h
    productName: 'BBC micro:bit CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'Nordic Semiconductor',
    targetDeviceName: 'nRF52833_xxAA',
    targetBoardVendor: 'Micro:bit Educational Foundation',
    targetBoardName: 'BBC micro:bit V2',
    defaultBulk: true,
    uartPins: { tx: 6, rx: 32 + 8 }, // P0.06, P1.08
    createChip: createNrf52833,
  },
  stm32f411: {
    boardId: '0740',
    interfaceChipId: '97969902',
    productName: 'DAPLink CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'STMicroelectronics',
    targetDeviceName: 'STM32F411RETx',
    targetBoardVendor: 'STMicroelectronics',
    targetBoardName: 'NUCLEO-F411RE',
    defaultBulk: true,
    createChip: createStm32f411,
  },
  'nrf52840-dk': {
    // The DK's interface MCU (SAM3U2C) running DAPLink instead of its J-Link OB firmware.
    boardId: '1102',
    interfaceChipId: '97969902',
    productName: 'DAPLink CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'Nordic Semiconductor',
    targetDeviceName: 'nRF52840_xxAA',
    targetBoardVendor: 'Nordic Semiconductor',
    targetBoardName: 'nRF52840-DK',
    defaultBulk: true,
    createChip: createNrf52840,
  },
  bluepill: {
    // A standalone DAPLink probe (no board of its own) wired to a Blue Pill's SWD header.
    boardId: '0000',
    interfaceChipId: '97969900',
    productName: 'DAPLink CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    defaultBulk: true,
    createChip: (options) => createStm32f103(options),
  },
  stm32g071: {
    // A DAPLink probe wired to the NUCLEO-G071RB's SWD header (board id: DAPLink's generic
    // "external target" range, as no DAPLink build names this board).
    boardId: '0000',
    interfaceChipId: '97969902',
    productName: 'DAPLink CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'STMicroelectronics',
    targetDeviceName: 'STM32G071RBTx',
    targetBoardVendor: 'STMicroelectronics',
    targetBoardName: 'NUCLEO-G071RB',
    defaultBulk: true,
    createChip: createStm32g071,
  },
  'arduino-zero': {
    // A DAPLink probe on the Arduino Zero's SWD header (the board's own EDBG is a CMSIS-DAP
    // probe too; the simulation keeps one probe model). The SAMD21 holds its bootloader in the
    // 8 KiB boot section its user row protects (BOOTPROT).
    boardId: '0000',
    interfaceChipId: '97969902',
    productName: 'DAPLink CMSIS-DAP',
    firmwareVersion: '0257',
    deviceVersion: [10, 0, 0],
    targetDeviceVendor: 'Microchip',
    targetDeviceName: 'ATSAMD21G18A',
    targetBoardVendor: 'Arduino',
    targetBoardName: 'Arduino Zero',
    defaultBulk: true,
    createChip: (options) => createArduinoZeroChip(options),
  },
};

/** Each board's default device id words (FICR DEVICEID or the STM32 UID's first two words). */
const DEFAULT_IDS: Record<SimulatedBoardName, [number, number]> = {
  'microbit-v1': [0x7a3c91e5, 0x000006cc],
  'microbit-v2': [0x2f41d8b3, 0x000006cc],
  stm32f411: [0x00470031, 0x3234510d],
  'nrf52840-dk': [0x8c1e42a7, 0x3d09f615],
  bluepill: [0x066dff48, 0x51775614],
  stm32g071: [0x00410032, 0x4e385012],
  'arduino-zero': [0x5a8e3c21, 0x50533233],
};

/** The Arduino Zero's SAM D21 with its bootloader in the boot section. */
function createArduinoZeroChip(options: Samd21Options): SimulatedChip {
  return createSamd21({
    ...options,
    flash: [{ address: 0, data: ARDUINO_ZERO_BOOTLOADER }, ...(options.flash ?? [])],
  });
}

/** Stand-in for the Arduino Zero's bootloader: 6 KiB of code-like bytes in its boot section. */
const ARDUINO_ZERO_BOOTLOADER = Uint8Array.from(
  { length: 6 * 1024 },
  (_, i) => (i * 0x9e + (i >>> 7)) & 0xff,
);

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

function deviceIdWords(
  option: SimulatedProbeOptions['deviceId'],
  fallback: [number, number],
): [number, number] {
  if (option === undefined) return fallback;
  if (typeof option === 'number') return [fallback[0], option >>> 0];
  return [option[0] >>> 0, option[1] >>> 0];
}

function createProbe(
  spec: BoardSpec,
  options: SimulatedProbeOptions,
  defaultIds: [number, number],
): SimulatedProbe {
  const latency = resolveLatency(options.latency);
  const clock = new VirtualClock();
  const deviceId = deviceIdWords(options.deviceId, defaultIds);
  const chip = spec.createChip({ clock, latency, locked: options.locked, deviceId, flash: options.flash });
  chip.system.runner.fastForward = options.fastForward ?? true;
  const serial =
    options.serial ??
    `${spec.boardId}0000${hex8(deviceId[0])}${hex8(deviceId[1])}${'0'.repeat(16)}${spec.interfaceChipId}`;
  const identity: ProbeIdentity = {
    // DAPLink's dap_strings.h: no CMSIS_DAP_VENDOR_NAME (vendor length 0), product "DAPLink".
    product: 'DAPLink',
    serialNumber: serial,
    protocolVersion: '2.1.0',
    targetDeviceVendor: spec.targetDeviceVendor,
    targetDeviceName: spec.targetDeviceName,
    targetBoardVendor: spec.targetBoardVendor,
    targetBoardName: spec.targetBoardName,
    firmwareVersion: spec.firmwareVersion,
    packetSize: 64,
    packetCount: options.packetCount ?? 5,
  };
  const uart =
    spec.uartPins && chip.uart ? new DaplinkUart(clock, spec.uartPins.tx, spec.uartPins.rx) : undefined;
  if (uart && chip.uart) chip.uart.wire = uart;
  const firmware = new DapFirmware({
    identity,
    wire: chip.dp,
    probeMaxSwdHz: latency.probeMaxSwdHz,
    defaultSwjClockHz: spec.defaultSwjClockHz,
    vendor: uart ? (request, out) => uart.execute(request, out) : undefined,
  });
  const usbIdentity: UsbIdentity = {
    vendorId: 0x0d28,
    productId: 0x0204,
    manufacturerName: 'ARM',
    productName: spec.productName,
    serialNumber: serial,
    deviceVersion: spec.deviceVersion,
  };
  const usbDevice = new SimUsbDevice({
    identity: usbIdentity,
    interfaces: daplinkInterfaces(options.bulk ?? spec.defaultBulk),
    firmware,
    clock,
    idle: (us) => chip.system.elapse(us),
    usbRoundTripUs: latency.usbRoundTripUs,
    paceWallClock: options.paceWallClock,
  });
  const runner = chip.system.runner;
  const target: SimulatedTarget = {
    chip,
    name: chip.name,
    flash: chip.flash.data,
    flashBase: chip.flashBase,
    readMemory: (address, length) => readChipMemory(chip, address, length),
    get ignoredFlashWrites() {
      return chip.counters.ignoredWrites;
    },
    get ignoredFlashErases() {
      return chip.counters.ignoredErases;
    },
    get usbTransfers() {
      return usbDevice.usbTransfers;
    },
    get swdPackets() {
      return firmware.swdPackets;
    },
    get instructions() {
      return runner.instructions;
    },
    get coreState() {
      return runner.state;
    },
    get faults() {
      return runner.faults;
    },
    get locked() {
      return chip.locked;
    },
  };
  return {
    usbDevice,
    target,
    clock,
    faults: createFaults(usbDevice, chip, chip.dp),
    firmware,
    uart,
    unplug: () => usbDevice.unplug(),
    plug: () => usbDevice.plug(),
  };
}

/** A simulated BBC micro:bit (V1: nRF51822, DAPLink 0253 without bulk; V2: nRF52833, 0257). */
export function createSimulatedMicrobit(
  version: MicrobitVersion,
  options: SimulatedProbeOptions = {},
): SimulatedProbe {
  const name = version === 'v1' ? 'microbit-v1' : 'microbit-v2';
  return createProbe(BOARDS[name], options, DEFAULT_IDS[name]);
}

/** A simulated STM32F411 (NUCLEO-F411RE) behind a DAPLink probe. */
export function createSimulatedStm32f411Probe(options: SimulatedProbeOptions = {}): SimulatedProbe {
  return createProbe(BOARDS.stm32f411, options, DEFAULT_IDS.stm32f411);
}

/** A simulated nRF52840 DK (its interface MCU running DAPLink). */
export function createSimulatedNrf52840Dk(options: SimulatedProbeOptions = {}): SimulatedProbe {
  return createProbe(BOARDS['nrf52840-dk'], options, DEFAULT_IDS['nrf52840-dk']);
}

/** A simulated Blue Pill (STM32F103C8) with a DAPLink probe wired to its SWD header. */
export function createSimulatedBluePill(options: SimulatedProbeOptions = {}): SimulatedProbe {
  return createSimulatedStm32f103Probe(STM32F103C8, options);
}

/** Another STM32F103 part (e.g. the high-density STM32F103RE) behind the Blue Pill's probe. */
export function createSimulatedStm32f103Probe(
  part: Stm32f103Description,
  options: SimulatedProbeOptions = {},
): SimulatedProbe {
  const spec = { ...BOARDS.bluepill, createChip: (chip: ChipOptions) => createStm32f103(chip, part) };
  return createProbe(spec, options, DEFAULT_IDS.bluepill);
}

/**
 * A simulated STM32G071RB (NUCLEO-G071RB) behind a DAPLink probe; `flashSizeKiB` makes it a
 * smaller-flash variant (the flash-size register and the array follow).
 */
export function createSimulatedStm32g071Probe(
  options: SimulatedProbeOptions & { flashSizeKiB?: number } = {},
): SimulatedProbe {
  const spec: BoardSpec = {
    ...BOARDS.stm32g071,
    createChip: (o) => createStm32g071({ ...o, flashSizeKiB: options.flashSizeKiB }),
  };
  return createProbe(spec, options, DEFAULT_IDS.stm32g071);
}

/**
 * A simulated Arduino Zero (ATSAMD21G18A with its bootloader) behind a DAPLink probe;
 * `flashKiB` makes it a smaller-flash SAM D21 (NVMCTRL PARAM and the array follow).
 */
export function createSimulatedArduinoZeroProbe(
  options: SimulatedProbeOptions & { flashKiB?: number } = {},
): SimulatedProbe {
  const spec: BoardSpec = {
    ...BOARDS['arduino-zero'],
    createChip: (o) => createArduinoZeroChip({ ...o, flashKiB: options.flashKiB }),
  };
  return createProbe(spec, options, DEFAULT_IDS['arduino-zero']);
}

/** The simulated boards by name (e.g. for an app option `?sim=microbit-v2`). */
export type SimulatedBoardName =
  'microbit-v1' | 'microbit-v2' | 'stm32f411' | 'nrf52840-dk' | 'bluepill' | 'stm32g071' | 'arduino-zero';

/** Every simulated board name. */
export const SIMULATED_BOARD_NAMES: readonly SimulatedBoardName[] = [
  'microbit-v1',
  'microbit-v2',
  'stm32f411',
  'nrf52840-dk',
  'bluepill',
  'stm32g071',
  'arduino-zero',
];

/**
 * Creates a simulated board by name. Two calls with the same name and options describe the
 * same board (same serial number), so a page and a worker can each hold one: the page's for
 * its chooser, the worker's to talk to.
 */
export function createSimulatedBoard(
  name: SimulatedBoardName,
  options: SimulatedProbeOptions = {},
): SimulatedProbe {
  return createProbe(BOARDS[name], options, DEFAULT_IDS[name]);
}
