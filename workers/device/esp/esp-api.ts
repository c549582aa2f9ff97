/**
 * The ESP part of the device worker's API (types only; the page imports them), beside the
 * generic backend calls: connection options (baud, skip unchanged), chip details, flashing
 * firmware parts (a manifest build or a merged image) with their header checks and flash map,
 * and the serial monitor. Implemented in `esp-service.ts`.
 */
import type { ProgressListener } from '../../../src/core/progress';
import type { OperationReport } from '../backend';

/** Options of {@link EspWorkerApi.espFlashParts}. */
export interface EspFlashOptions {
  /** Writing is refused unless true. */
  allowWrites?: boolean;
  /** Erase the whole flash first. */
  eraseAll?: boolean;
  /** Compare MD5s and skip chunks already on the chip (default true; ignored with eraseAll). */
  skipUnchanged?: boolean;
  /** Overall time limit in ms. */
  timeoutMs?: number;
  /** Id for `cancel(callId)`. */
  callId?: number;
  /** Comlink-proxied progress listener. */
  onProgress?: ProgressListener;
  /** Comlink-proxied confirmation prompt (chip erase). */
  confirm?: (message: string) => Promise<boolean>;
}

/** What flashing parts did. */
export interface EspFlashResult {
  report: OperationReport;
  /** Header mismatches found before writing (the write went ahead). */
  warnings: string[];
  /** The flash map that was written. */
  map: FlashMapEntry[];
  /** Modelled (simulators) or wall time in ms. */
  elapsedMs: number;
}

/** ESP-only methods of the device worker. */
export interface EspWorkerApi {
  /** Baud rate for the next connect and whether flashing skips unchanged chunks. */
  espConfigure(deviceId: string, options: { baud?: number; skipUnchanged?: boolean }): Promise<void>;
  /** The chip found by the last connect (undefined before). */
  espChipInfo(deviceId: string): Promise<EspChipInfo | undefined>;
  /** Checks parts against the connected chip: flash map and header warnings, no writing. */
  espPlanParts(
    deviceId: string,
    parts: FirmwarePart[],
  ): Promise<{ map: FlashMapEntry[]; warnings: string[] }>;
  /** Connects if needed, writes the parts and verifies them. */
  espFlashParts(deviceId: string, parts: FirmwarePart[], options?: EspFlashOptions): Promise<EspFlashResult>;
  /** Resets into the application and streams its output to `options.onData`. */
  espMonitorStart(
    deviceId: string,
    options: {
      /** Console baud rate. */
      baud: number;
      /** Reset into the application first (default true). */
      reset?: boolean;
      /** Receives what the board prints (Comlink-proxied). */
      onData: (bytes: Uint8Array) => void;
    },
  ): Promise<void>;
  /** Sends text to the running program. */
  espMonitorSend(deviceId: string, text: string): Promise<void>;
  /** Stops the monitor and frees the port. */
  espMonitorStop(deviceId: string): Promise<void>;
  /** Resets the chip into its application. */
  espReset(deviceId: string): Promise<void>;
}

/** What connecting found out about the chip. */
export interface EspChipInfo {
  /** esptool-js chip name, e.g. "ESP32-S3" (also the ESP Web Tools chip family). */
  chip: string;
  /** Description with package and revision, e.g. "ESP32-D0WD-V3 (revision v3.1)". */
  description: string;
  /** Chip revision as esptool reports it (major × 100 + minor), when known. */
  revision?: number;
  /** Features, e.g. ["Wi-Fi", "BT"]. */
  features: string[];
  /** Crystal frequency in MHz. */
  crystalMHz: number;
  /** Factory MAC address. */
  mac: string;
  /** JEDEC id of the flash chip (manufacturer, type, capacity as read: low byte first). */
  flashId: number;
  /** Flash size in bytes, from the JEDEC capacity code. */
  flashSize: number;
  /** Baud rate in force after connecting (the ROM baud if the change failed). */
  baud: number;
  /** Image header chip id of this chip (ESP32 0, S3 9, C3 5). */
  imageChipId?: number;
  /** Flash offset of the second-stage bootloader (0x1000 on ESP32, 0 on S3/C3). */
  bootloaderOffset: number;
  /** Largest flash data block the stub takes. */
  blockSize: number;
}

/** A part with its bytes, ready to flash. */
export interface FirmwarePart {
  /** Name shown in the flash map (file name). */
  name: string;
  address: number;
  data: Uint8Array;
}

/** One line of the flash map. */
export interface FlashMapEntry {
  name: string;
  address: number;
  size: number;
  /** What the part looks like: "bootloader", "partition table", "application", "data". */
  kind: string;
}
