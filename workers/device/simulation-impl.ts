/**
 * The simulated devices a visitor (or an e2e test) plugs in when the app runs with `?sim`:
 * micro:bits, an STM32F411 and an nRF52840 DK behind simulated DAPLink probes, ESP boards behind simulated
 * USB-UART bridges. Each is reached through the same WebUSB / Web Serial interfaces as
 * hardware. In the app a simulated probe with realistic latency answers no sooner on the wall
 * clock than its modeled time (the simulation itself runs far faster), so a visitor sees how
 * long the operation takes on hardware; ESP boards with realistic latency are paced by their
 * wire model. Tests and benchmarks run unpaced.
 */
import { WebProgError } from '../../src/core/errors';
import type { SimulatedBoardName, SimulatedProbe } from '../../src/sim/boards';
import type { EspChipName, SimulatedEspBoard } from '../../src/sim/esp';
import { SimulatedSerial } from '../../src/sim/esp/install';
import type { SimSerialPort } from '../../src/sim/esp/serial-port';
import type { SimulatedRaBoard } from '../../src/sim/ra';
import type { SimulatedRl78Board } from '../../src/sim/rl78';
import { SimulatedUsb } from '../../src/sim/usb/navigator-usb';
import type { SimulatedDeviceKind, SimulatedDeviceOptions, SimulatedFault } from './api';
import { markRl78Port } from './rl78/rl78-ports';
import { serialPortId, usbDeviceId } from './devices';
import type { Simulation } from './simulation';

// Each family of simulated boards is its own module, loaded when a board of it is first plugged
// (a micro:bit does not load the ESP ROM models, nor an ESP board the Cortex-M chips).
const probeBoards = () => import('../../src/sim/boards');
const espBoards = () => import('../../src/sim/esp');
const raBoards = () => import('../../src/sim/ra');
const rl78Boards = () => import('../../src/sim/rl78');

/** True for the boards behind a simulated CMSIS-DAP probe (every kind but the ESP and RA boards). */
const isProbeBoard = (
  names: readonly SimulatedBoardName[],
  kind: SimulatedDeviceKind,
): kind is SimulatedDeviceKind & SimulatedBoardName => (names as readonly string[]).includes(kind);

/** True for the kinds that are surely not behind a probe (no probe board's name starts with "esp"). */
const isSerialKind = (kind: SimulatedDeviceKind) =>
  kind.startsWith('esp') || kind.startsWith('ra4') || kind === 'uno-r4-wifi' || kind.startsWith('rl78');

type Plugged =
  | { kind: 'usb'; probe: SimulatedProbe }
  | { kind: 'serial'; board: SimulatedEspBoard }
  | { kind: 'ra'; board: SimulatedRaBoard }
  | { kind: 'rl78'; board: SimulatedRl78Board };

/** Options of {@link createSimulation}. */
export interface SimulationOptions {
  /** Pace simulated probes with realistic latency to the wall clock (the app; default false). */
  paceWallClock?: boolean;
}

/** Creates an empty simulation; devices appear as they are plugged in. */
export function createSimulation(options: SimulationOptions = {}): Simulation {
  const usb = new SimulatedUsb([], { grantAll: true });
  let choice: SimSerialPort | null = null;
  const serial = new SimulatedSerial([], { choose: () => choice });
  const plugged = new Map<string, Plugged>();

  const findUsb = (device: USBDevice | SerialPort) =>
    [...plugged.values()].find((p) => p.kind === 'usb' && p.probe.usbDevice === device) as
      { kind: 'usb'; probe: SimulatedProbe } | undefined;
  const findSerial = (port: USBDevice | SerialPort) =>
    [...plugged.values()].find((p) => p.kind !== 'usb' && p.board.port === port) as
      | { kind: 'serial'; board: SimulatedEspBoard }
      | { kind: 'ra'; board: SimulatedRaBoard }
      | { kind: 'rl78'; board: SimulatedRl78Board }
      | undefined;

  return {
    usb,
    serial,
    isSimulated: (device) => findUsb(device) !== undefined || findSerial(device) !== undefined,
    serialKind: (port) => {
      const s = findSerial(port);
      return s === undefined ? undefined : s.kind === 'serial' ? 'esp' : s.kind;
    },
    clockFor(device) {
      const u = findUsb(device);
      if (u) return () => u.probe.clock.elapsedMs;
      const s = findSerial(device);
      if (s) return () => s.board.clock.now() * 1000;
      return undefined;
    },
    async plug(kind: SimulatedDeviceKind, deviceOptions: SimulatedDeviceOptions = {}) {
      const latency = deviceOptions.latency === 'zero' ? 'zero' : undefined;
      const boards = isSerialKind(kind) ? undefined : await probeBoards();
      if (boards && isProbeBoard(boards.SIMULATED_BOARD_NAMES, kind)) {
        const { createSimulatedBoard } = boards;
        const probeOptions = {
          serial: deviceOptions.serial,
          // Every plugged board gets its own FICR device id (and so its own serial and friendly name).
          deviceId: deviceOptions.deviceId ?? (Math.random() * 0x1_0000_0000) >>> 0,
          latency: latency ?? 'daplink',
          paceWallClock: options.paceWallClock === true && latency === undefined,
        } as const;
        const probe = createSimulatedBoard(kind, probeOptions);
        const id = usbDeviceId(probe.usbDevice);
        if (plugged.has(id))
          throw new WebProgError(
            'INVALID_ARGUMENT',
            `A simulated device with serial ${probe.usbDevice.serialNumber} is already plugged in.`,
          );
        plugged.set(id, { kind: 'usb', probe });
        usb.add(probe.usbDevice);
        return id;
      }
      if (kind === 'ra4m1' || kind === 'ra4m1-uart' || kind === 'ra4m2' || kind === 'uno-r4-wifi') {
        const { createSimulatedRaBoard } = await raBoards();
        const ra = createSimulatedRaBoard({
          chip: kind === 'ra4m2' ? 'RA4M2' : 'RA4M1',
          transport: kind === 'ra4m1-uart' ? 'uart' : kind === 'uno-r4-wifi' ? 'uno-r4-wifi' : 'usb',
          latency: latency ?? 'real',
          ...(deviceOptions.idCode ? { idCode: hexBytes(deviceOptions.idCode) } : {}),
        });
        serial.addPort(ra.port);
        choice = ra.port;
        void serial.requestPort({});
        const id = serialPortId(ra.port);
        plugged.set(id, { kind: 'ra', board: ra });
        return id;
      }
      if (kind === 'rl78-g13' || kind === 'rl78-g14') {
        const { createSimulatedRl78Board } = await rl78Boards();
        const rl78 = deviceOptions.rl78 ?? {};
        const board = createSimulatedRl78Board({
          chip: kind === 'rl78-g13' ? 'R5F100LE' : 'R5F104LE',
          latency: latency ?? 'real',
          wiring: rl78.wiring,
          reset: rl78.reset,
          securityFlags: rl78.securityFlags,
          setBaudRate: rl78.inPlaceBaud,
        });
        // A USB-UART looks like any other: the simulation says it leads to an RL78.
        markRl78Port(board.port, { wiring: board.wiring, reset: board.resetLine });
        serial.addPort(board.port);
        choice = board.port;
        void serial.requestPort({});
        const id = serialPortId(board.port);
        plugged.set(id, { kind: 'rl78', board });
        return id;
      }
      const { createSimulatedEspBoard } = await espBoards();
      const board = createSimulatedEspBoard(
        kind === 'esp32s3-usb'
          ? { chip: 'esp32s3', usb: 'usb-otg', latency: latency ?? 'real' }
          : // Every kind left is an ESP chip (probe boards, RA and RL78 returned above).
            { chip: kind as EspChipName, latency: latency ?? 'real' },
      );
      serial.addPort(board.port);
      choice = board.port;
      void serial.requestPort({});
      const id = serialPortId(board.port);
      plugged.set(id, { kind: 'serial', board });
      return id;
    },
    unplug(deviceId) {
      const p = plugged.get(deviceId);
      if (!p) throw new WebProgError('DEVICE_LOST', `No simulated device ${deviceId} is plugged in.`);
      if (p.kind === 'usb') p.probe.unplug();
      else p.board.unplug();
      plugged.delete(deviceId);
    },
    fault(deviceId, fault) {
      const p = plugged.get(deviceId);
      if (!p) throw new WebProgError('DEVICE_LOST', `No simulated device ${deviceId} is plugged in.`);
      if (p.kind === 'ra') return armRaFault(p.board, fault);
      if (p.kind === 'rl78') return armRl78Fault(p.board, fault);
      if (p.kind !== 'usb')
        throw new WebProgError(
          'NOT_SUPPORTED',
          'Not Supported: simulated serial boards have their own faults.',
        );
      armFault(p.probe, fault);
    },
  };
}

/** Arms `fault` on a simulated RA board. */
function armRaFault(board: SimulatedRaBoard, fault: SimulatedFault): void {
  switch (fault.kind) {
    case 'flash-error':
      return board.faults.failNextErase();
    case 'unplug-at-transfer':
      return board.faults.unplugAfterPackets(fault.transfer);
    case 'corrupt-reply':
      return board.faults.corruptNextReply();
    case 'replug':
      return board.plug();
    default:
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Not Supported: simulated RA boards have no ${fault.kind} fault.`,
      );
  }
}

/** 32 hex digits as 16 bytes. */
function hexBytes(text: string): Uint8Array {
  const hex = text.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16),
  );
}

/** Arms `fault` on a simulated probe through its fault switches. */
function armFault(probe: SimulatedProbe, fault: SimulatedFault): void {
  switch (fault.kind) {
    case 'flash-error':
      return probe.faults.flashError();
    case 'lose-swd-sync':
      return probe.faults.loseSwdSync();
    case 'unplug-at-transfer':
      return probe.faults.unplugAtTransfer(fault.transfer);
    case 'stale-response':
      return probe.faults.staleResponse();
    case 'claimed-elsewhere':
      return probe.faults.claimedElsewhere(fault.on);
    default:
      throw new WebProgError('INVALID_ARGUMENT', `Unknown simulated fault ${JSON.stringify(fault)}.`);
  }
}

/** Arms `fault` on a simulated RL78 board. */
function armRl78Fault(board: SimulatedRl78Board, fault: SimulatedFault): void {
  switch (fault.kind) {
    case 'serial-no-echo':
      board.faults.noEcho = fault.on;
      return;
    case 'serial-noise-byte':
      return board.faults.noiseByte();
    case 'serial-stuck-baud':
      board.faults.stuckBaud = fault.on;
      return;
    case 'serial-unplug-after':
      return board.faults.unplugAfter('to-device', fault.bytes);
    case 'serial-plug-back':
      return board.plug();
    default:
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Not Supported: simulated RL78 boards have no fault ${fault.kind}.`,
      );
  }
}
