/**
 * The device panel's state: the devices the device worker can reach (granted probes and
 * boards, plus simulated ones with `?sim`), which one is selected, each one's connection and
 * identity, and what went wrong in plain words. Granted devices are remembered by the browser;
 * this class remembers which one was selected and reconnects it on reload and when it is
 * plugged back in.
 */
import type { Remote } from 'comlink';
import type { DeviceWorkerApi, SimulatedDeviceKind } from '../../workers/device/api';
import type { DeviceConnection, DeviceSummary } from '../../workers/device/device-api';
import {
  chooserProblem,
  deviceProblem,
  firmwareProblem,
  noApiProblem,
  unpluggedProblem,
  type DeviceProblem,
} from './devices-advice';
import type { DeviceBrowser, Platform } from './devices-browser';
import { deviceTitle, identityLines, programFlashBytes, type IdentityLine } from './devices-identity';
import type { DeviceOptions } from './devices-options';
import type { LogState } from './log.svelte';
import { shortSize } from './text';

/** The device worker calls the device panel makes. */
export type DeviceSessionClient = Pick<
  Remote<DeviceWorkerApi>,
  | 'listDevices'
  | 'connectDevice'
  | 'disconnectDevice'
  | 'enableSimulation'
  | 'plugSimulated'
  | 'unplugSimulated'
>;

/** Where the selected device's id is remembered between visits. */
export type DeviceMemory = Pick<Storage, 'getItem' | 'setItem'>;

/** Storage key of the remembered device. */
export const REMEMBERED_DEVICE_KEY = 'webprog.device.selected';

/** A simulated device the chooser offers. */
export interface SimulatedChoice {
  /** Kind passed to the worker. */
  kind: SimulatedDeviceKind;
  /** Name in the chooser. */
  label: string;
  /** What it simulates. */
  detail: string;
}

/** The simulated devices offered with `?sim`. */
export const SIMULATED_CHOICES: readonly SimulatedChoice[] = [
  { kind: 'microbit-v2', label: 'micro:bit V2', detail: 'nRF52833, 512 KiB flash, DAPLink 0257 (WebUSB)' },
  { kind: 'microbit-v1', label: 'micro:bit V1', detail: 'nRF51822, 256 KiB flash, DAPLink 0253 (WebUSB)' },
  { kind: 'stm32f411', label: 'STM32F411 probe', detail: 'NUCLEO-F411RE, 512 KiB flash (WebUSB)' },
  { kind: 'nrf52840-dk', label: 'nRF52840 DK', detail: 'nRF52840, 1 MiB flash, DAPLink (WebUSB)' },
  { kind: 'bluepill', label: 'Blue Pill', detail: 'STM32F103C8, 64 KiB flash, DAPLink probe (WebUSB)' },
  {
    kind: 'stm32g071',
    label: 'STM32G071 probe',
    detail: 'NUCLEO-G071RB, 128 KiB flash and option bytes (WebUSB)',
  },
  {
    kind: 'arduino-zero',
    label: 'Arduino Zero probe',
    detail: 'SAMD21G18A, 256 KiB flash, bootloader kept by BOOTPROT (WebUSB)',
  },
  { kind: 'esp32', label: 'ESP32', detail: 'behind a CP210x USB-UART (Web Serial)' },
  { kind: 'esp32s3', label: 'ESP32-S3', detail: 'behind a USB-UART (Web Serial)' },
  { kind: 'esp32c3', label: 'ESP32-C3', detail: 'behind a USB-UART (Web Serial)' },
  {
    kind: 'esp32s3-usb',
    label: 'ESP32-S3 (native USB)',
    detail: 'on its own USB port, a new serial port after every reset (Web Serial)',
  },
  {
    kind: 'ra4m1',
    label: 'Arduino Uno R4 (RA4M1)',
    detail: 'Renesas RA4M1 in boot mode on its USB port, 256 KiB code flash (Web Serial)',
  },
  {
    kind: 'ra4m1-uart',
    label: 'RA4M1 on a USB-UART',
    detail: 'a bare RA4M1 in boot mode wired to a USB-UART (Web Serial)',
  },
  {
    kind: 'uno-r4-wifi',
    label: 'Arduino Uno R4 WiFi',
    detail:
      'RA4M1 behind the ESP32-S3 USB bridge, running its program until WebProg enters boot mode (Web Serial)',
  },
  {
    kind: 'ra4m2',
    label: 'EK-RA4M2 (RA4M2)',
    detail: 'Renesas RA4M2, Cortex-M33 with TrustZone, in boot mode on its USB port (Web Serial)',
  },
  {
    kind: 'rl78-g13',
    label: 'RL78/G13',
    detail: 'R5F100LE, 64 KiB code + 4 KiB data flash, single-wire on a CP2102 (Web Serial)',
  },
  {
    kind: 'rl78-g14',
    label: 'RL78/G14',
    detail: 'R5F104LE, 64 KiB code + 4 KiB data flash, single-wire on a CP2102 (Web Serial)',
  },
];

/** Connection state of one device. */
export interface DeviceSession {
  /** `idle` until connected; `failed` keeps the problem. */
  status: 'idle' | 'connecting' | 'connected' | 'failed';
  /** What connecting found. */
  connection?: DeviceConnection;
  /** Why the last connect failed, or a warning about the device (old firmware). */
  problem?: DeviceProblem;
}

/** A device as the panel lists it. */
export interface DeviceView {
  /** What the worker reports. */
  summary: DeviceSummary;
  /** Its connection. */
  session: DeviceSession;
  /** "micro:bit V2.00 · tupog", or the product name. */
  title: string;
  /** Identity lines (probe, firmware, serial, board, chip, regions). */
  identity: IdentityLine[];
}

/** A message of the panel that belongs to no single device (chooser cancelled, board unplugged). */
export interface DeviceNotice {
  /** `info` for things that are not failures (the chooser was closed). */
  level: 'info' | 'error';
  /** The message and advice. */
  problem: DeviceProblem;
}

const IDLE: DeviceSession = { status: 'idle' };

/** Devices, selection and connections. */
export class DevicesState {
  /** Devices the worker reported at the last refresh. */
  summaries = $state.raw<readonly DeviceSummary[]>([]);
  /** Connection state per device id. */
  sessions = $state.raw<Readonly<Record<string, DeviceSession>>>({});
  /** Id of the selected device. */
  selectedId = $state<string | undefined>();
  /** The panel's latest message. */
  notice = $state.raw<DeviceNotice | undefined>();
  /** True once simulated devices are on (`?sim`). */
  simulation = $state(false);
  /** True while the chooser for simulated devices is open. */
  simChooserOpen = $state(false);
  /** Extra connect options per device id (a Renesas chip's ID code), set by its device flow. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read only when connecting
  private readonly connectOptions = new Map<string, { idCode?: string }>();

  /** Every device with its session and identity. */
  readonly devices: readonly DeviceView[] = $derived.by(() =>
    this.summaries.map((summary) => {
      const session = this.sessions[summary.id] ?? IDLE;
      return {
        summary,
        session,
        title: deviceTitle(summary, session.connection),
        identity: identityLines(summary, session.connection),
      };
    }),
  );
  /** The selected device, while it is plugged in. */
  readonly selected: DeviceView | undefined = $derived(
    this.devices.find((d) => d.summary.id === this.selectedId),
  );

  private refreshing: Promise<void> = Promise.resolve();
  /** Connects in progress (bookkeeping only: the UI reads {@link sessions}). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly connecting = new Map<string, Promise<DeviceConnection>>();
  /** Devices that vanished while connected: reconnected when they come back. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly lost = new Set<string>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly client: DeviceSessionClient,
    private readonly browser: DeviceBrowser,
    private readonly log: LogState,
    private readonly options: DeviceOptions,
    private readonly memory?: DeviceMemory,
  ) {}

  /** True when the browser offers WebUSB. */
  get hasUsb(): boolean {
    return this.browser.hasUsb;
  }

  /** The operating system, for advice. */
  get platform(): Platform {
    return this.browser.platform;
  }

  /** True when the browser offers Web Serial. */
  get hasSerial(): boolean {
    return this.browser.hasSerial;
  }

  /**
   * Start-up: turns simulation on with `?sim`, follows plug events, lists the granted devices
   * and reconnects the one selected last time.
   */
  async start(): Promise<void> {
    if (this.options.simulation) {
      try {
        await this.client.enableSimulation();
        this.simulation = true;
        this.log.info('Simulated devices are on (?sim): add one with "Add simulated device".');
      } catch (error) {
        this.log.failure('Turning on simulated devices', error);
      }
    }
    this.unsubscribe?.();
    this.unsubscribe = this.browser.onDeviceChange(() => void this.refresh());
    await this.refresh();
    const remembered = this.memory?.getItem(REMEMBERED_DEVICE_KEY) ?? undefined;
    if (remembered && this.summaries.some((s) => s.id === remembered)) {
      this.select(remembered);
      await this.connect(remembered);
    }
  }

  /**
   * Turns simulated devices on from the page (what `?sim` does at start-up) and opens the chooser
   * of simulated boards: the simulators are the demo for visitors without a board.
   */
  async trySimulation(): Promise<void> {
    if (!this.simulation) {
      try {
        await this.client.enableSimulation();
        this.simulation = true;
        this.log.info('Simulated devices are on: pick one to try WebProg without a board.');
      } catch (error) {
        this.log.failure('Turning on simulated devices', error);
        this.notice = { level: 'error', problem: deviceProblem(error, this.browser.platform) };
        return;
      }
    }
    this.simChooserOpen = true;
  }

  /** Stops following plug events. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * Lists the devices again (after a plug event, a chooser, an unplug). Devices that vanished
   * lose their session; a device that comes back after vanishing while connected is reconnected.
   */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.doRefresh());
    return this.refreshing;
  }

  /** Selects device `id` and remembers it for the next visit. */
  select(id: string): void {
    if (!this.summaries.some((s) => s.id === id)) return;
    this.selectedId = id;
    this.memory?.setItem(REMEMBERED_DEVICE_KEY, id);
  }

  /** Opens the WebUSB chooser (call from a click), then selects and connects the device picked. */
  async addUsbDevice(): Promise<void> {
    if (!this.browser.hasUsb) {
      this.notice = { level: 'error', problem: noApiProblem('usb') };
      return;
    }
    await this.choose('usb', () => this.browser.requestUsbDevice());
  }

  /** Opens the Web Serial chooser (call from a click), then selects and connects the port picked. */
  async addSerialPort(): Promise<void> {
    if (!this.browser.hasSerial) {
      this.notice = { level: 'error', problem: noApiProblem('serial') };
      return;
    }
    await this.choose('serial', () => this.browser.requestSerialPort());
  }

  /** Plugs in a simulated device of `kind`, selects it and connects it. Resolves with its id. */
  async addSimulated(kind: SimulatedDeviceKind): Promise<string | undefined> {
    this.simChooserOpen = false;
    const label = SIMULATED_CHOICES.find((c) => c.kind === kind)?.label ?? kind;
    try {
      const id = await this.client.plugSimulated(kind, { latency: this.options.simLatency });
      this.log.info(
        `Plugged in a simulated ${label}${this.options.simLatency === 'zero' ? ' (no latency)' : ''}.`,
      );
      await this.refresh();
      this.select(id);
      await this.connect(id);
      return id;
    } catch (error) {
      this.log.failure(`Plug in a simulated ${label}`, error);
      this.notice = { level: 'error', problem: deviceProblem(error, this.browser.platform) };
      return undefined;
    }
  }

  /** Unplugs simulated device `id`, as pulling its cable would. */
  async unplugSimulated(id: string): Promise<void> {
    const view = this.devices.find((d) => d.summary.id === id);
    try {
      await this.client.unplugSimulated(id);
      this.log.info(`Unplugged the simulated ${view?.title ?? id}.`);
    } catch (error) {
      this.log.failure('Unplug', error);
    }
    await this.refresh();
  }

  /**
   * Called with each fresh device list before it is used (the page says remembered port
   * markings to the worker here); resolving true makes the panel list the devices again.
   */
  portsListed: (list: readonly DeviceSummary[]) => Promise<boolean> = async () => false;

  /** The chip the person chose for connecting (a loaded CMSIS target's name), if any. */
  chipChoice: () => string | undefined = () => undefined;

  /**
   * Connects device `id` (identifies its chip). Resolves with the connection, or undefined
   * when it failed (the problem is kept in its session and logged).
   */
  async connect(id: string): Promise<DeviceConnection | undefined> {
    try {
      return await this.ensureConnected(id);
    } catch {
      return undefined;
    }
  }

  /** The connection of device `id`, connecting first when needed; rejects with the failure. */
  ensureConnected(id: string): Promise<DeviceConnection> {
    const session = this.sessions[id];
    if (session?.status === 'connected' && session.connection) return Promise.resolve(session.connection);
    const pending = this.connecting.get(id);
    if (pending) return pending;
    const attempt = this.doConnect(id).finally(() => this.connecting.delete(id));
    this.connecting.set(id, attempt);
    return attempt;
  }

  /** Disconnects device `id` and releases it for other tabs and programs. */
  async disconnect(id: string): Promise<void> {
    const view = this.devices.find((d) => d.summary.id === id);
    try {
      await this.client.disconnectDevice(id);
      this.log.info(`Disconnected ${view?.title ?? id}.`);
    } catch (error) {
      this.log.failure('Disconnect', error);
    }
    this.setSession(id, IDLE);
  }

  /**
   * After an operation on device `id` failed in a way that ends the worker's session (unplug,
   * protocol error): lists the devices again when it may have been unplugged (a vanished device
   * gets the "unplugged" notice), and forgets the connection of one still present, so the next
   * operation connects again.
   */
  async connectionLost(id: string, unplugged = false): Promise<void> {
    if (unplugged) await this.refresh();
    if (this.sessions[id]?.status === 'connected') this.setSession(id, IDLE);
  }

  /** Clears the panel's message. */
  dismissNotice(): void {
    this.notice = undefined;
  }

  private async choose(kind: 'usb' | 'serial', request: () => Promise<void>): Promise<void> {
    const before = this.summaries.map((s) => s.id);
    try {
      await request();
    } catch (error) {
      const problem = chooserProblem(error, kind);
      if (problem) {
        this.notice = { level: 'error', problem };
        this.log.error(`${problem.title}: ${problem.detail}`);
      } else {
        this.notice = {
          level: 'info',
          problem: {
            title: 'No device was chosen',
            detail: 'The chooser was closed without a choice.',
            advice: [],
          },
        };
        this.log.info('The device chooser was closed without a choice.');
      }
      return;
    }
    this.notice = undefined;
    await this.refresh();
    const added = this.summaries.find(
      (s) => !before.includes(s.id) && (kind === 'usb') === (s.type === 'cmsis-dap'),
    );
    const chosen = added ?? this.summaries.find((s) => (kind === 'usb') === (s.type === 'cmsis-dap'));
    if (!chosen) {
      this.notice = {
        level: 'error',
        problem: {
          title: 'The chosen device is not one WebProg can use',
          detail:
            kind === 'usb'
              ? 'It does not present a CMSIS-DAP interface.'
              : 'The port did not show up in the device worker.',
          advice: [],
        },
      };
      return;
    }
    this.select(chosen.id);
    await this.connect(chosen.id);
  }

  /** Options the next connects to device `id` use (undefined clears them). */
  setConnectOptions(id: string, options: { idCode?: string } | undefined): void {
    if (options) this.connectOptions.set(id, options);
    else this.connectOptions.delete(id);
  }

  private async doConnect(id: string): Promise<DeviceConnection> {
    const summary = this.summaries.find((s) => s.id === id);
    this.setSession(id, { status: 'connecting' });
    try {
      const extra = this.connectOptions.get(id);
      const chip = this.chipChoice();
      const options = extra || chip ? { ...extra, ...(chip ? { chip } : {}) } : undefined;
      const connection = await (options
        ? this.client.connectDevice(id, options)
        : this.client.connectDevice(id));
      const problem = summary ? firmwareProblem(summary, connection.programmer.firmware) : undefined;
      this.setSession(id, { status: 'connected', connection, problem });
      this.lost.delete(id);
      if (summary) this.log.info(connectedLine(summary, connection));
      if (problem) this.log.warn(`${problem.title}. ${problem.detail}`);
      return connection;
    } catch (error) {
      const problem = deviceProblem(error, this.browser.platform);
      this.setSession(id, { status: 'failed', problem });
      this.log.failure(`Connect ${summary ? deviceTitle(summary) : id}`, error);
      throw error;
    }
  }

  private async doRefresh(): Promise<void> {
    let list: DeviceSummary[];
    try {
      list = await this.client.listDevices();
      if (await this.portsListed(list).catch(() => false)) list = await this.client.listDevices();
    } catch (error) {
      this.log.failure('Listing devices', error);
      return;
    }
    const ids = list.map((s) => s.id);
    const sessions: Record<string, DeviceSession> = {};
    for (const [id, session] of Object.entries(this.sessions)) {
      if (ids.includes(id)) sessions[id] = session;
      else if (session.status === 'connected' || session.status === 'connecting') {
        this.lost.add(id);
        const summary = this.summaries.find((s) => s.id === id);
        const title = summary ? deviceTitle(summary, session.connection) : id;
        this.log.warn(`${title} was unplugged.`);
        this.notice = { level: 'error', problem: unpluggedProblem(title) };
      }
    }
    const returned = list.filter((s) => this.lost.has(s.id));
    this.summaries = list;
    this.sessions = sessions;
    if (this.selectedId === undefined || !ids.includes(this.selectedId)) {
      const next = returned[0] ?? list[0];
      this.selectedId = next?.id;
    }
    for (const s of returned) {
      this.lost.delete(s.id);
      this.log.info(`${deviceTitle(s)} is back: reconnecting.`);
      void this.connect(s.id);
    }
  }

  private setSession(id: string, session: DeviceSession): void {
    this.sessions = { ...this.sessions, [id]: session };
  }
}

/** "Connected micro:bit V2.00 · tupog (BBC micro:bit CMSIS-DAP, DAPLink 0257): nRF52833, 512 KiB flash." */
function connectedLine(summary: DeviceSummary, connection: DeviceConnection): string {
  const probe = [summary.name];
  if (connection.programmer.firmware) probe.push(`firmware ${connection.programmer.firmware}`);
  return `Connected ${deviceTitle(summary, connection)} (${probe.join(', ')}): ${connection.target.name}, ${shortSize(programFlashBytes(connection))} flash.`;
}
