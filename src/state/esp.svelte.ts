/**
 * An ESP board as a device of the one Flash flow: its options (link baud, erase-all), its flash
 * map, the image-header checks that refuse another chip's firmware, writing through the ESP
 * stub, and the serial monitor. Everything that touches the board goes through the device
 * worker.
 */
import { proxy } from 'comlink';
import { flashRegion } from '../core/memory/region';
import type { TargetDescription } from '../core/targets';
import type { BackendCallResult, DeviceConnection } from '../../workers/device/device-api';
import type { FirmwarePart } from '../../workers/device/esp/esp-api';
import { checkParts } from '../core/esp/image-header';
import type { DeviceFlow, FlowWrite } from './device-flow';
import type { EspClient } from './esp-client';
import type { Refusal } from './image-checks';
import type { LogState } from './log.svelte';
import type { ImagePlan } from './operation-plan';

/** Baud rates offered for flashing. */
export const FLASH_BAUDS = [921600, 460800, 230400, 115200] as const;
/** Baud rates offered for the monitor. */
export const MONITOR_BAUDS = [115200, 74880, 57600, 9600, 230400, 460800, 921600] as const;
/** Most monitor text kept (older text is dropped). */
const MONITOR_LIMIT = 200_000;

/** Region name of an ESP's flash in the device worker (`ESP_FLASH_REGION`). */
const ESP_FLASH = 'Flash';
/** The flash size assumed before the board is connected (the largest ESP32 flash). */
const UNKNOWN_FLASH_SIZE = 16 * 0x100000;

/**
 * An ESP board in the one Flash flow: its options (link baud, erase the whole flash first),
 * its flash as the memory map files are shown in, its image-header refusals, writing through
 * the ESP stub (erase-all, skip unchanged), and the serial monitor that starts after a flash.
 */
export class EspState implements DeviceFlow {
  readonly type = 'esp';
  /** Baud rate for connecting and flashing. */
  baud = $state<number>(921600);
  /** Erase the whole flash before writing. */
  eraseAll = $state(false);
  /** What runs now ("Monitor", "Reset", ...), if anything. */
  busy = $state<string | undefined>();
  /** The last monitor failure, in words. */
  error = $state<string | undefined>();
  /** Monitor baud rate. */
  monitorBaud = $state<number>(115200);
  /** True while the monitor runs. */
  monitoring = $state(false);
  /** Id of the device the monitor shows. */
  monitorDevice = $state<string | undefined>();
  /** What the board printed. */
  monitorText = $state('');
  private readonly decoder = new TextDecoder();
  /** Devices whose worker session the monitor ended (it resets the board into its application). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly sessionEnded = new Set<string>();

  constructor(
    private readonly client: EspClient,
    private readonly log: LogState,
    private readonly download: (name: string, bytes: Uint8Array) => void = () => undefined,
  ) {}

  /** The ESP's flash: one region from 0 to the flash size (16 MiB until connected). */
  layout(connection: DeviceConnection | undefined): TargetDescription {
    const regions = connection?.regions.length
      ? connection.regions.map((r) => ({ ...r }))
      : [flashRegion(ESP_FLASH, 0, UNKNOWN_FLASH_SIZE, 0x1000, 4)];
    const size = regions[0].size / 0x100000;
    const chip = connection?.target.name ?? 'ESP';
    return { id: 'esp-flash', name: `${chip} flash (${size} MiB)`, regions };
  }

  /**
   * Frees the port from the monitor and applies the baud before connecting; true when the
   * monitor ended the worker's session (the board runs its application), so it connects again.
   */
  async beforeConnect(deviceId: string): Promise<boolean> {
    await this.stopMonitorQuietly(deviceId);
    await this.client.espConfigure(deviceId, { baud: this.baud });
    return this.sessionEnded.delete(deviceId);
  }

  /** Sets the link baud of device `deviceId` now, so its next connect (from anywhere) uses it. */
  async setBaud(deviceId: string, baud: number): Promise<void> {
    this.baud = baud;
    await this.run('Baud', () => this.client.espConfigure(deviceId, { baud }));
  }

  /** Image headers naming another chip or a bigger flash, and parts past the end of the flash. */
  async refusals(deviceId: string, plan: ImagePlan, fileName: string): Promise<Refusal[]> {
    const chip = await this.client.espChipInfo(deviceId);
    if (!chip) return [];
    return checkParts(partsOf(plan, fileName), chip).map((text) => ({ key: 'esp-header', text }));
  }

  /** Writes the plan's segments as firmware parts (erasing everything first when chosen), verified. */
  async write(request: FlowWrite): Promise<BackendCallResult & { warnings: string[] }> {
    const { deviceId, plan, cancellable, confirm } = request;
    await this.stopMonitorQuietly(deviceId);
    const result = await cancellable((callId, onProgress) =>
      this.client.espFlashParts(deviceId, partsOf(plan), {
        allowWrites: true,
        eraseAll: this.eraseAll,
        callId,
        onProgress: proxy(onProgress),
        confirm: proxy(confirm),
      }),
    );
    return { report: result.report, elapsedMs: result.elapsedMs, warnings: result.warnings };
  }

  /** Starts the monitor: the board resets into the new application and its output shows. */
  async afterFlash(deviceId: string): Promise<void> {
    await this.startMonitor(deviceId);
  }

  /** Resets into the application and shows what it prints. */
  async startMonitor(deviceId: string): Promise<void> {
    await this.run('Monitor', async () => {
      if (this.monitorDevice !== deviceId) this.monitorText = '';
      this.sessionEnded.add(deviceId);
      await this.client.espMonitorStart(deviceId, {
        baud: this.monitorBaud,
        onData: proxy((bytes: Uint8Array) => this.append(bytes)),
      });
      this.monitoring = true;
      this.monitorDevice = deviceId;
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

  private async stopMonitorQuietly(deviceId: string): Promise<void> {
    if (!this.monitoring || this.monitorDevice !== deviceId) return;
    this.monitoring = false;
    await this.client.espMonitorStop(deviceId);
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
    }
  }
}

/** The plan's segments as ESP firmware parts, named after the file (and the offset, when several). */
export function partsOf(plan: ImagePlan, fileName = 'the image'): FirmwarePart[] {
  const several = plan.segments.length > 1;
  return plan.segments.map((s) => ({
    name: several ? `${fileName} (part at 0x${s.address.toString(16)})` : fileName,
    address: s.address,
    data: s.data,
  }));
}
