/**
 * The device part of the device worker's API: listing devices, connecting, and running backend
 * operations. Used by the page and, through a MessageChannel, by the Lua worker. The memory
 * buffer travels with each call as an {@link ImageDto} so the caller keeps its own copy.
 */
import type { Region } from '../../src/core/memory/region';
import type { DebugRequest, DebugResult } from './debug-api';
import type { Segment } from '../../src/core/memory/sparse-data';
import type { ProgressListener } from '../../src/core/progress';
import type {
  BlockChecksum,
  ConnectResult,
  OperationReport,
  PowerSetting,
  ProgrammerInfo,
  TargetInfo,
} from './backend';

/** A memory image as plain data. */
export interface ImageDto {
  /** Regions of the buffer. */
  regions: Region[];
  /** Data inside them. */
  segments: Segment[];
}

/** A device the worker can reach. */
export interface DeviceSummary {
  /** Stable id within this session, e.g. "usb:0d28:0204:9904...". */
  id: string;
  /** Backend kind. */
  type: 'cmsis-dap' | 'esp' | 'ra';
  /** Product name, e.g. "BBC micro:bit CMSIS-DAP". */
  name: string;
  /** USB serial number, when known. */
  serial: string;
  /** True for simulated devices. */
  simulated: boolean;
  /** micro:bit board, when the serial number names one. */
  microbit?: { boardId: number; version: 'V1' | 'V2'; name: string };
  /** True while a backend session is connected. */
  connected: boolean;
}

/** The backend operations that can be called by name. */
export type BackendOperation =
  | 'read'
  | 'write'
  | 'write_no_blank'
  | 'verify'
  | 'erase'
  | 'erase_blocks'
  | 'blank_check'
  | 'flash'
  | 'read_checksums'
  | 'read_segment'
  | 'verify_segment'
  | 'write_segment'
  | 'erase_segment'
  | 'unlock';

/** Arguments of a backend operation. */
export interface BackendCallArgs {
  /** The buffer (operations that read or write it). */
  image?: ImageDto;
  /** Segment operations: absolute start. */
  address?: number;
  /** Segment operations: size in bytes. */
  size?: number;
  /** erase_blocks / blank_check: the region (default: the chip's main flash region). */
  region?: string;
  /** flash: a range identifying the firmware; when the chip's copy differs, flash in full. */
  fullWhenDiffers?: { address: number; size: number };
}

/** Options of a backend call. */
export interface BackendCallOptions {
  /** Erasing and programming are refused unless true. */
  allowWrites?: boolean;
  /** Overall time limit (the `_timeout(ms)` forms). */
  timeoutMs?: number;
  /** Id for `cancel(callId)`. */
  callId?: number;
  /** Comlink-proxied progress listener (throttled in the worker). */
  onProgress?: ProgressListener;
  /** Comlink-proxied confirmation prompt for destructive steps. */
  confirm?: (message: string) => Promise<boolean>;
  /** connect: the chip to take when identification finds none (see OperationContext.chip). */
  chip?: string;
  /** connect: a Renesas chip's ID code, 32 hex digits (see OperationContext.idCode). */
  idCode?: string;
}

/** What a backend call returns. */
export interface BackendCallResult {
  /** The buffer after the operation (read, read_segment). */
  image?: ImageDto;
  /** What was done (write, erase, flash...). */
  report?: OperationReport;
  /** read_checksums. */
  checksums?: BlockChecksum[];
  /** Modelled (simulators) or wall time the operation took, in ms. */
  elapsedMs: number;
}

/** Everything known about a connected device. */
export interface DeviceConnection extends ConnectResult {
  /** The programmer. */
  programmer: ProgrammerInfo;
  /** micro:bit only: the board's friendly name (from FICR DEVICEID[1]), when it could be read. */
  friendlyName?: string;
}

/** What a serial console through a probe is doing: open, waiting for the probe, or closed. */
export type SerialState = 'open' | 'waiting' | 'closed';

/** Device operations of the device worker. */
export interface DeviceOperationsApi {
  /** Devices granted to this page (and simulated ones when simulation is on). */
  listDevices(): Promise<DeviceSummary[]>;
  /** Connects the backend of `deviceId`: identifies the chip. */
  connectDevice(deviceId: string, options?: BackendCallOptions): Promise<DeviceConnection>;
  /** Disconnects and releases the device. */
  disconnectDevice(deviceId: string): Promise<void>;
  /** Runs one backend operation. */
  backendCall(
    deviceId: string,
    operation: BackendOperation,
    args: BackendCallArgs,
    options?: BackendCallOptions,
  ): Promise<BackendCallResult>;
  /** Target information of a connected device. */
  targetInfo(deviceId: string): Promise<TargetInfo>;
  /** Programmer information. */
  programmerInfo(deviceId: string): Promise<ProgrammerInfo>;
  /** Power control (NOT_SUPPORTED on probes that cannot). */
  setPower(deviceId: string, setting: PowerSetting | 'toggle'): Promise<void>;
  /** Low-level debug access (CortexProg special scripts); NOT_SUPPORTED on backends without it. */
  debug(deviceId: string, request: DebugRequest, options?: BackendCallOptions): Promise<DebugResult>;
  /** Cancels the call running under `callId`. */
  cancel(callId: number): Promise<void>;
  /**
   * Opens the target's serial console through the probe (DAPLink's UART bridge) at `baud`;
   * `onData` and `onState` must be Comlink-proxied. NOT_SUPPORTED for probes without a bridge.
   */
  serialOpen(
    deviceId: string,
    options: {
      baud: number;
      onData: (bytes: Uint8Array) => void;
      onState?: (state: SerialState, message?: string) => void;
    },
  ): Promise<void>;
  /** Sends bytes to the target through the open console. */
  serialWrite(deviceId: string, bytes: Uint8Array): Promise<void>;
  /** Closes the console. */
  serialClose(deviceId: string): Promise<void>;
}
