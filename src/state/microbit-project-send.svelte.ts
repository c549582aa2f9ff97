/**
 * "Send to micro:bit": lists the micro:bits the device worker can reach, builds the project's
 * image for the chosen board's version (MicroPython + files, in the project worker) and flashes
 * it through the device worker's CMSIS-DAP backend with progress, cancel and an honest result.
 */
import type { MicrobitVersion } from '../core/microbit/board';
import type { ProgressEvent } from '../core/progress';
import { targetById } from '../core/targets';
import type { DeviceOperationsApi, DeviceSummary } from '../../workers/device/device-api';
import { callWithSignal } from '../../workers/shared/cancellation';
import { describeError } from './error-text';
import type { LogState } from './log.svelte';
import type { MicrobitProjectState, ProjectNotice } from './microbit-project.svelte';
import type { ProjectBuilderClient } from './microbit-project-worker-client';
import { byteCount, duration } from './text';

/** The device worker calls sending uses. */
export type MicrobitDeviceClient = Pick<
  DeviceOperationsApi,
  'listDevices' | 'connectDevice' | 'backendCall' | 'cancel'
>;

/** A micro:bit that can be sent to. */
export interface MicrobitTarget {
  /** Device id in the worker. */
  id: string;
  /** "micro:bit V2.00", with the friendly name once it is known ("micro:bit V2.00 · tupog"). */
  label: string;
  /** Board version (picks the MicroPython). */
  version: MicrobitVersion;
  /** True for simulated boards. */
  simulated: boolean;
}

/** Progress of a send, for the progress bar. */
export interface SendProgress {
  /** What is happening: "Preparing", "Erase", "Write", "Verify"… */
  operation: string;
  /** Bytes done. */
  done: number;
  /** Bytes in this step. */
  total: number;
}

/** What sending needs. */
export interface MicrobitSendDependencies {
  /** The device worker (absent when the app has not wired one: sending then says so). */
  device?: MicrobitDeviceClient;
  /** Builds the flash image (the project worker). */
  builder: Pick<ProjectBuilderClient, 'flashSegments'>;
  /** The session log. */
  log: Pick<LogState, 'info' | 'error'>;
  /** Opens the browser's USB chooser (needs a click); absent where WebUSB is missing. */
  requestUsbDevice?: () => Promise<void>;
  /** Simulated boards (`?sim`): when `enabled()`, "Connect a micro:bit…" offers them too. */
  simulated?: {
    /** True while the page simulates devices. */
    enabled(): boolean;
    /** Plugs in a simulated micro:bit; resolves with its device id. */
    plug(kind: SimulatedMicrobitKind): Promise<string | undefined>;
  };
}

/** The simulated micro:bits "Connect a micro:bit…" offers under `?sim`. */
export type SimulatedMicrobitKind = 'microbit-v1' | 'microbit-v2';

/** The simulated boards offered, with their labels. */
export const SIMULATED_MICROBITS: readonly { kind: SimulatedMicrobitKind; label: string }[] = [
  { kind: 'microbit-v1', label: 'Simulated micro:bit V1' },
  { kind: 'microbit-v2', label: 'Simulated micro:bit V2' },
];

/** The send part of the micro:bit panel. */
export class MicrobitSendState {
  /** micro:bits found by the last {@link refresh}. */
  targets = $state.raw<readonly MicrobitTarget[]>([]);
  /** The micro:bit chosen to send to. */
  chosenId = $state<string | undefined>();
  /** True while sending. */
  sending = $state(false);
  /** Progress of the running send. */
  progress = $state.raw<SendProgress | undefined>();
  /** How the last send or listing went. */
  result = $state.raw<ProjectNotice | undefined>();
  private controller: AbortController | undefined;
  private readonly friendlyNames: Record<string, string> = {};
  // Bookkeeping the UI never reads.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- not shown
  private readonly identifying = new Set<string>();

  constructor(
    private readonly project: MicrobitProjectState,
    private readonly deps: MicrobitSendDependencies,
  ) {}

  /** True when a USB chooser can be opened (or a simulated board plugged in) to add a micro:bit. */
  get canRequestDevice(): boolean {
    return this.deps.requestUsbDevice !== undefined || this.simulatedChoices.length > 0;
  }

  /** True when a USB chooser can be opened. */
  get canRequestUsb(): boolean {
    return this.deps.requestUsbDevice !== undefined;
  }

  /** The simulated micro:bits on offer (none without `?sim`). */
  get simulatedChoices(): readonly { kind: SimulatedMicrobitKind; label: string }[] {
    return this.deps.simulated?.enabled() ? SIMULATED_MICROBITS : [];
  }

  /** Plugs in a simulated micro:bit, lists again and chooses it. */
  async plugSimulated(kind: SimulatedMicrobitKind): Promise<void> {
    const plug = this.deps.simulated?.plug;
    if (!plug) return;
    try {
      const id = await plug(kind);
      await this.refresh();
      if (id && this.targets.some((t) => t.id === id)) this.chosenId = id;
    } catch (error) {
      this.result = {
        kind: 'error',
        text: `Plugging in a simulated micro:bit failed. ${describeError(error).text}`,
      };
    }
  }

  /** Lists the micro:bits the device worker reaches; keeps the choice when still there. */
  async refresh(): Promise<readonly MicrobitTarget[]> {
    const device = this.deps.device;
    if (!device) {
      this.result = {
        kind: 'error',
        text: 'Sending is not available: this page has no device worker connected to the micro:bit panel.',
      };
      return [];
    }
    try {
      const summaries = await device.listDevices();
      this.targets = summaries.filter((d) => d.microbit).map((d) => this.toTarget(d));
      if (!this.targets.some((t) => t.id === this.chosenId)) this.chosenId = this.targets[0]?.id;
      for (const target of this.targets) {
        if (!Object.hasOwn(this.friendlyNames, target.id)) void this.identify(target.id);
      }
      if (this.targets.length === 0) {
        this.result = {
          kind: 'warn',
          text: 'No micro:bit found. Plug one in with a USB data cable and choose it with "Connect a micro:bit…".',
        };
      } else if (this.result?.kind !== 'info') {
        this.result = undefined;
      }
    } catch (error) {
      this.result = { kind: 'error', text: `Listing micro:bits failed. ${describeError(error).text}` };
    }
    return this.targets;
  }

  /** Opens the browser's chooser, then lists again. */
  async requestDevice(): Promise<void> {
    try {
      await this.deps.requestUsbDevice?.();
    } catch (error) {
      // Closing the chooser without choosing is not an error worth showing.
      if ((error as { name?: string }).name !== 'NotFoundError') {
        this.result = { kind: 'error', text: `Connecting a micro:bit failed. ${describeError(error).text}` };
        return;
      }
    }
    await this.refresh();
  }

  /**
   * Sends the project to the chosen micro:bit: MicroPython for its version with the files,
   * flashed (unchanged blocks skipped) and verified. Resolves true on success.
   */
  async send(): Promise<boolean> {
    const device = this.deps.device;
    const target = this.targets.find((t) => t.id === this.chosenId);
    if (this.sending) return false;
    if (!device || !target) {
      this.result = {
        kind: 'error',
        text: device ? 'Choose a micro:bit first.' : 'Sending is not available: no device worker.',
      };
      return false;
    }
    if (this.project.storageLevel === 'full') {
      this.result = { kind: 'error', text: this.project.storageText };
      return false;
    }
    this.sending = true;
    this.result = undefined;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.progress = { operation: 'Preparing', done: 0, total: 1 };
    let label = target.label;
    try {
      const firmware = await this.project.firmwareText(target.version, signal);
      const segments = await this.deps.builder.flashSegments(firmware, this.project.projectFiles());
      const connection = await callWithSignal(
        signal,
        (id) => device.cancel(id),
        (callId) => device.connectDevice(target.id, { callId }),
      );
      if (connection.friendlyName) {
        this.nameTarget(target.id, connection.friendlyName);
        label = this.targets.find((t) => t.id === target.id)?.label ?? label;
      }
      const regions = targetById(target.version === 'V1' ? 'nrf51822' : 'nrf52833')!.regions.filter(
        (r) => r.kind === 'flash',
      );
      const onProgress = (e: ProgressEvent) => {
        this.progress = { operation: e.operation, done: e.done, total: e.total };
      };
      const { report, elapsedMs } = await callWithSignal(
        signal,
        (id) => device.cancel(id),
        (callId) =>
          device.backendCall(
            target.id,
            'flash',
            { image: { regions, segments } },
            { allowWrites: true, onProgress, callId },
          ),
      );
      const parts = report
        ? [
            `${byteCount(report.bytesWritten)} written`,
            `${report.skippedBlocks} ${report.skippedBlocks === 1 ? 'block' : 'blocks'} already up to date`,
            report.verified ? 'verified' : 'not verified',
          ]
        : [];
      const text = `Sent ${this.project.name} to ${label}: ${[...parts, `in ${duration(elapsedMs)}`].join(', ')}.`;
      this.deps.log.info(text);
      this.result = { kind: 'info', text };
      return true;
    } catch (error) {
      const text = `Sending to ${label} failed. ${describeError(error).text}`;
      this.deps.log.error(text);
      this.result = { kind: 'error', text };
      return false;
    } finally {
      this.sending = false;
      this.progress = undefined;
      this.controller = undefined;
    }
  }

  /** Stops the running send (the worker stops between blocks). */
  cancel(): void {
    this.controller?.abort();
  }

  /**
   * Reads a plugged-in board's friendly name (connecting reads FICR DEVICEID over SWD; nothing
   * is written), so the list names it before anything is sent. Best effort: a board that does
   * not answer keeps its plain label, and Send reports the problem if there is one.
   */
  private async identify(id: string): Promise<void> {
    const device = this.deps.device;
    if (!device || this.identifying.has(id)) return;
    this.identifying.add(id);
    try {
      const connection = await device.connectDevice(id);
      if (connection.friendlyName) this.nameTarget(id, connection.friendlyName);
    } catch {
      // Nothing to show: the name is a convenience.
    } finally {
      this.identifying.delete(id);
    }
  }

  private nameTarget(id: string, name: string): void {
    this.friendlyNames[id] = name;
    this.targets = this.targets.map((t) =>
      t.id === id ? { ...t, label: `${t.label.split(' · ')[0]} · ${name}` } : t,
    );
  }

  private toTarget(d: DeviceSummary): MicrobitTarget {
    const board = d.microbit!;
    const name = Object.hasOwn(this.friendlyNames, d.id) ? this.friendlyNames[d.id] : undefined;
    const sim = d.simulated ? ' (simulated)' : '';
    return {
      id: d.id,
      label: name ? `${board.name}${sim} · ${name}` : `${board.name}${sim}`,
      version: board.version,
      simulated: d.simulated,
    };
  }
}
