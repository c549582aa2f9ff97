/**
 * The device worker's API as the page sees it (through comlink). The page imports only these
 * types; the worker implements them in `device.worker.ts`.
 *
 * Data crosses the boundary as plain objects: segments of bytes, never class instances.
 */
import type { ProgressListener } from '../../src/core/progress';
import type { Segment } from '../../src/core/memory/sparse-data';
import type { FileFormat, SaveFormat, SaveOptions } from '../../src/core/formats';
import type { ChecksumAlgorithm, ChecksumResult } from '../../src/core/checksum';
import type { DeviceOperationsApi } from './device-api';
import type { UserTarget } from '../../src/core/user-targets';
import type { EspWorkerApi } from './esp/esp-api';
import type { Rl78WorkerApi } from './rl78/rl78-api';
import type { WorkbenchWorkerApi } from './cmsis-dap/bench-api';
import type { RaWorkerApi } from './ra/ra-api';

/** A parsed file as it crosses from the worker to the page. */
export interface ParsedFileDto {
  /** File name as given. */
  name: string;
  /** Detected format. */
  format: FileFormat;
  /** The file's data (for a Universal Hex: the board picked by `boardId`, else the first). */
  segments: Segment[];
  /** Universal Hex only: every board's data. */
  boards?: { boardId: number; segments: Segment[] }[];
  /** UF2 only: the family id of the blocks. */
  familyId?: number;
  /** ELF only: the entry point. */
  entry?: number;
  /** Things a person should know that are not errors. */
  warnings: string[];
  /** Milliseconds the worker spent parsing. */
  parseMs: number;
}

/** Identity of the worker, for health checks. */
export interface WorkerHello {
  /** App version the worker was built with. */
  version: string;
  /** `performance.now()` inside the worker when it answered. */
  time: number;
}

/**
 * Options of a long call. `onProgress` must be wrapped in `Comlink.proxy`; events are
 * throttled in the worker before they cross. `callId` identifies the call for `cancel`
 * (use `callWithSignal` from `workers/shared/cancellation.ts` to bind it to an AbortSignal).
 */
export interface CallOptions {
  /** Receives throttled progress events. */
  onProgress?: ProgressListener;
  /** Id under which `cancel(callId)` stops this call. */
  callId?: number;
}

/** Simulated devices a visitor (or a test) can plug in. */
export type SimulatedDeviceKind =
  | 'microbit-v1'
  | 'microbit-v2'
  | 'stm32f411'
  | 'nrf52840-dk'
  | 'bluepill'
  | 'stm32g071'
  | 'arduino-zero'
  | 'esp32'
  | 'esp32s3'
  | 'esp32c3'
  /** An ESP32-S3 on its own USB-OTG port, which re-enumerates on every reset. */
  | 'esp32s3-usb'
  /** A Renesas RA4M1 in boot mode on its USB CDC port (an Arduino Uno R4 Minima / WiFi). */
  | 'ra4m1'
  /** A bare RA4M1 in boot mode wired to a USB-UART. */
  | 'ra4m1-uart'
  /** An Arduino Uno R4 WiFi: the RA4M1 behind the ESP32-S3 USB bridge, running its program until the bridge's 2400-baud entry. */
  | 'uno-r4-wifi'
  /** A Renesas RA4M2 (Cortex-M33, TrustZone) in boot mode on its USB CDC port (EK-RA4M2). */
  | 'ra4m2'
  /** Renesas RL78/G13 (R5F100LE) / RL78/G14 (R5F104LE) on a USB-UART, single-wire TOOL0. */
  | 'rl78-g13'
  | 'rl78-g14';

/** Options of a simulated device. */
export interface SimulatedDeviceOptions {
  /** USB serial number (micro:bit: starts with the board id). */
  serial?: string;
  /** FICR DEVICEID[1], which gives a micro:bit its friendly name. */
  deviceId?: number;
  /** 'realistic' models USB latency and flash times; 'zero' runs as fast as possible. */
  latency?: 'realistic' | 'zero';
  /** Renesas RA: the chip is locked by this ID code (32 hex digits). */
  idCode?: string;
  /** RL78 boards: the circuit (default single-wire, RESET on DTR) and initial security flags. */
  rl78?: {
    wiring?: 'single-wire' | 'two-wire';
    reset?: 'dtr' | 'rts';
    securityFlags?: number;
    /** Offer a non-standard in-place baud change on the port (default false, like Chrome). */
    inPlaceBaud?: boolean;
  };
}

/**
 * A fault to make a simulated probe misbehave on purpose (simulation only: demos and tests of
 * how the app copes). `flash-error`: the next flash erase/program silently fails (nRF) or sets
 * an error bit (STM32); `lose-swd-sync`: the SW-DP loses line sync until the host resets the
 * line (the operation running fails, a reconnect recovers); `unplug-at-transfer`: the
 * `transfer`-th USB transfer from now fails and the probe is unplugged; `stale-response`: a
 * stale reply is left in the probe's pipe; `claimed-elsewhere`: opening the probe fails as if
 * another tab held it, until switched off. Renesas RA boards: `flash-error` fails the next erase,
 * `unplug-at-transfer` unplugs after `transfer` more packets, `corrupt-reply` corrupts one byte
 * of the next reply, `replug` plugs a board a fault unplugged in again (still in boot mode).
 */
export type SimulatedFault =
  | { kind: 'flash-error' }
  | { kind: 'lose-swd-sync' }
  | { kind: 'unplug-at-transfer'; transfer: number }
  | { kind: 'stale-response' }
  | { kind: 'claimed-elsewhere'; on: boolean }
  | { kind: 'corrupt-reply' }
  | { kind: 'replug' }
  /** RL78 boards: the single-wire echo stops coming back (or comes back again). */
  | { kind: 'serial-no-echo'; on: boolean }
  /** RL78 boards: one noise byte before the chip's next reply. */
  | { kind: 'serial-noise-byte' }
  /** RL78 boards: the chip acknowledges Baud Rate Set but keeps 115200 Bd. */
  | { kind: 'serial-stuck-baud'; on: boolean }
  /** RL78 boards: the cable is pulled after `bytes` more bytes from the host. */
  | { kind: 'serial-unplug-after'; bytes: number }
  /** RL78 boards: the cable is plugged back in after an unplug fault. */
  | { kind: 'serial-plug-back' };

/** What the device worker offers the page. */
export interface DeviceWorkerApi
  extends DeviceOperationsApi, EspWorkerApi, Rl78WorkerApi, RaWorkerApi, WorkbenchWorkerApi {
  /**
   * Exposes the device operations on `port` too (the Lua worker's end of a MessageChannel, served
   * by `exposeDeviceOperations` in device-link.ts), so stopping the Lua worker never cuts a USB
   * transfer.
   */
  connectPort(port: MessagePort): Promise<void>;
  /** Turns simulation on: simulated devices become reachable through `navigator.usb`/`serial`. */
  enableSimulation(): Promise<void>;
  /** Plugs in a simulated device; resolves with its device id. */
  plugSimulated(kind: SimulatedDeviceKind, options?: SimulatedDeviceOptions): Promise<string>;
  /** Unplugs a simulated device (as pulling its cable would). */
  unplugSimulated(deviceId: string): Promise<void>;
  /**
   * Simulation only: arms `fault` on simulated probe `deviceId` (DEVICE_LOST when no such
   * simulated device is plugged in, NOT_SUPPORTED for simulated serial boards).
   */
  simulateFault(deviceId: string, fault: SimulatedFault): Promise<void>;
  /**
   * Replaces the person's own targets (device scripts tried before the built-in ones, CMSIS
   * algorithm targets used when a connect names them); reports the ones left out as unreadable.
   */
  setUserTargets(targets: UserTarget[]): Promise<{ skipped: { name: string; reason: string }[] }>;
  /** Answers at once; proves the worker is alive. */
  hello(): Promise<WorkerHello>;
  /** Parses a file (any supported format) off the UI thread. */
  parseFile(
    name: string,
    bytes: Uint8Array,
    options?: { binBase?: number; boardId?: number },
  ): Promise<ParsedFileDto>;
  /** Serialises segments to a file format off the UI thread. */
  saveFile(segments: Segment[], format: SaveFormat, options?: SaveOptions): Promise<Uint8Array>;
  /**
   * Computes a checksum over `[start, end)` of the segments (gaps read as `fill`), with
   * progress and cancellation: a long call.
   */
  checksum(
    segments: Segment[],
    algorithm: ChecksumAlgorithm,
    range: { start: number; end: number; fill?: number },
    options?: CallOptions,
  ): Promise<ChecksumResult>;
  /** Cancels the long call running under `callId` (it rejects with `CANCELLED`). */
  cancel(callId: number): Promise<void>;
}
