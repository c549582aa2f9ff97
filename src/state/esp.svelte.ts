/**
 * State of the ESP panel: the ESP board picked in the device panel, connection baud, chip
 * details, the firmware set (an ESP Web Tools manifest with its part files, or single images
 * at chosen offsets) with its flash map, flashing with progress, and the serial monitor.
 * Everything that touches the board goes through the device worker.
 */
import { proxy } from 'comlink';
import type { ProgressEvent } from '../core/progress';
import type { EspChipInfo, FirmwarePart, FlashMapEntry } from '../../workers/device/esp/esp-api';
import { parseManifest, pickBuild } from './esp-manifest';
import type { EspClient } from './esp-client';
import type { LogState } from './log.svelte';

/** Baud rates offered for flashing. */
export const FLASH_BAUDS = [921600, 460800, 230400, 115200] as const;
/** Baud rates offered for the monitor. */
export const MONITOR_BAUDS = [115200, 74880, 57600, 9600, 230400, 460800, 921600] as const;
/** Most monitor text kept (older text is dropped). */
const MONITOR_LIMIT = 200_000;

/** A file the person picked (name and bytes). */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/** Flashing progress as the panel shows it. */
export interface FlashProgress {
  operation: string;
  done: number;
  total: number;
  /** Bytes per second. */
  rate: number;
  /** Seconds left at the current rate. */
  secondsLeft: number | undefined;
}

/** The ESP panel's state for one page. */
export class EspState {
  /** Baud rate for connecting and flashing. */
  baud = $state<number>(921600);
  /** The chip found by the last connect. */
  chip = $state.raw<EspChipInfo | undefined>();
  /** The firmware parts to write. */
  parts = $state.raw<FirmwarePart[]>([]);
  /** The flash map and header warnings of `parts` for the connected chip. */
  map = $state.raw<FlashMapEntry[]>([]);
  warnings = $state.raw<string[]>([]);
  /** Erase the whole flash before writing. */
  eraseAll = $state(false);
  /** What runs now ("Connect", "Flash", ...), if anything. */
  busy = $state<string | undefined>();
  /** Progress of the running flash. */
  progress = $state.raw<FlashProgress | undefined>();
  /** The last failure, in words. */
  error = $state<string | undefined>();
  /** The result line of the last flash. */
  result = $state<string | undefined>();
  /** Monitor baud rate. */
  monitorBaud = $state<number>(115200);
  /** True while the monitor runs. */
  monitoring = $state(false);
  /** What the board printed. */
  monitorText = $state('');
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly client: EspClient,
    private readonly log: LogState,
    private readonly download: (name: string, bytes: Uint8Array) => void = () => undefined,
  ) {}

  /** Connects the board at the chosen baud and reads its chip details. */
  async connect(deviceId: string): Promise<void> {
    await this.run('Connect', async () => {
      await this.stopMonitorQuietly(deviceId);
      await this.client.espConfigure(deviceId, { baud: this.baud });
      await this.client.connectDevice(deviceId);
      this.chip = await this.client.espChipInfo(deviceId);
      this.log.info(`Connected to ${this.chip?.description ?? 'the ESP board'} at ${this.chip?.baud} baud.`);
      await this.plan(deviceId);
    });
  }

  /**
   * Takes picked files: a manifest (`.json`) with its part files, or images (`.bin`). A single
   * image goes at 0 (a merged image); several images at the offsets their names carry
   * (`0x10000.bin`, `app@0x10000.bin`), else after each other from 0x10000.
   */
  async loadFiles(deviceId: string | undefined, files: readonly PickedFile[]): Promise<void> {
    await this.run('Load firmware', async () => {
      const manifestFile = files.find((f) => f.name.toLowerCase().endsWith('.json'));
      if (manifestFile) {
        const manifest = parseManifest(this.decoder.decode(manifestFile.bytes));
        if (!this.chip) throw new Error('Connect the board first: the manifest has a build per chip.');
        const build = pickBuild(manifest, this.chip.chip);
        this.parts = build.parts.map((p) => {
          const base = p.path.split('/').pop() ?? p.path;
          const file = files.find((f) => f.name === base);
          if (!file) throw new Error(`The manifest needs ${base}: pick it together with the manifest.`);
          return { name: base, address: p.offset, data: file.bytes };
        });
        this.log.info(
          `Firmware "${manifest.name}" ${manifest.version ?? ''}: ${this.parts.length} parts for the ${this.chip.chip}.`,
        );
      } else {
        this.parts = files.map((f, i) => ({
          name: f.name,
          address: offsetFromName(f.name) ?? (files.length === 1 ? 0 : 0x10000 * (i + 1)),
          data: f.bytes,
        }));
      }
      if (deviceId) await this.plan(deviceId);
    });
  }

  /** Changes the offset of part `index`. */
  async setOffset(deviceId: string | undefined, index: number, address: number): Promise<void> {
    this.parts = this.parts.map((p, i) => (i === index ? { ...p, address } : p));
    if (deviceId) await this.run('Check firmware', () => this.plan(deviceId));
  }

  /** Writes the parts (connecting first if needed), verifies them, then starts the monitor. */
  async flash(deviceId: string): Promise<void> {
    await this.run('Flash', async () => {
      await this.stopMonitorQuietly(deviceId);
      this.result = undefined;
      await this.client.espConfigure(deviceId, { baud: this.baud });
      const result = await this.client.espFlashParts(deviceId, this.parts, {
        allowWrites: true,
        eraseAll: this.eraseAll,
        onProgress: proxy((e: ProgressEvent) => this.onProgress(e)),
        confirm: proxy(async (message: string) => globalThis.confirm?.(message) ?? true),
      });
      for (const w of result.warnings) this.log.warn(w);
      const r = result.report;
      this.result =
        r.bytesWritten === 0
          ? `Nothing to write: the board already holds this firmware (verified, ${(result.elapsedMs / 1000).toFixed(2)} s).`
          : `Wrote ${r.bytesWritten} bytes, skipped ${r.skippedBlocks} unchanged sectors, verified, in ${(result.elapsedMs / 1000).toFixed(2)} s.`;
      this.log.info(this.result);
    });
    if (!this.error) await this.startMonitor(deviceId);
  }

  /** Resets into the application and shows what it prints. */
  async startMonitor(deviceId: string): Promise<void> {
    await this.run('Monitor', async () => {
      await this.client.espMonitorStart(deviceId, {
        baud: this.monitorBaud,
        onData: proxy((bytes: Uint8Array) => this.append(bytes)),
      });
      this.monitoring = true;
    });
  }

  /** Stops the monitor. */
  async stopMonitor(deviceId: string): Promise<void> {
    await this.run('Monitor', () => this.stopMonitorQuietly(deviceId));
  }

  /** Sends one line (with CR LF) to the program. */
  async send(deviceId: string, line: string): Promise<void> {
    await this.run('Send', () => this.client.espMonitorSend(deviceId, `${line}\r\n`));
  }

  /** Resets the board into its application. */
  async reset(deviceId: string): Promise<void> {
    await this.run('Reset', () => this.client.espReset(deviceId));
  }

  /** Clears the monitor text. */
  clearMonitor(): void {
    this.monitorText = '';
  }

  /** Downloads the monitor text as a file. */
  downloadLog(): void {
    this.download('esp-monitor.log', new TextEncoder().encode(this.monitorText));
  }

  private append(bytes: Uint8Array): void {
    const text = this.monitorText + this.decoder.decode(bytes, { stream: true });
    this.monitorText = text.length > MONITOR_LIMIT ? text.slice(-MONITOR_LIMIT) : text;
  }

  private async plan(deviceId: string): Promise<void> {
    if (!this.chip || this.parts.length === 0) {
      this.map = [];
      this.warnings = [];
      return;
    }
    const planned = await this.client.espPlanParts(deviceId, this.parts);
    this.map = planned.map;
    this.warnings = planned.warnings;
  }

  private async stopMonitorQuietly(deviceId: string): Promise<void> {
    if (!this.monitoring) return;
    this.monitoring = false;
    await this.client.espMonitorStop(deviceId);
  }

  private onProgress(e: ProgressEvent): void {
    if (e.kind === 'finished' || e.kind === 'failed') {
      this.progress = undefined;
      return;
    }
    const left = e.rate > 0 ? (e.total - e.done) / e.rate : undefined;
    this.progress = { operation: e.operation, done: e.done, total: e.total, rate: e.rate, secondsLeft: left };
  }

  private async run(what: string, work: () => Promise<void>): Promise<void> {
    this.busy = what;
    this.error = undefined;
    try {
      await work();
    } catch (error) {
      this.error = this.log.failure(what, error);
    } finally {
      this.busy = undefined;
      this.progress = undefined;
    }
  }
}

/** An offset written in a file name: `0x10000.bin`, `app@0x10000.bin`, `app-0x10000.bin`. */
export function offsetFromName(name: string): number | undefined {
  const m = /(?:^|[@_-])(0x[0-9a-f]+)\.bin$/i.exec(name);
  return m ? Number.parseInt(m[1], 16) : undefined;
}
