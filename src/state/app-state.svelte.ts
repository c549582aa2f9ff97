/**
 * The composition root of the UI state: builds every state class once, wired to the worker
 * clients and browser services it is given (real ones in `main.ts`, fakes in tests).
 */
import { checksumScriptRunner } from './checksum-script-run';
import { ChecksumLibrary } from './checksum-scripts';
import { ChecksumState } from './checksum.svelte';
import { classroomClient } from './classroom-client';
import { ClassroomState } from './classroom.svelte';
import type { Clock, DeviceClient, LuaClient } from './clients';
import { CompareState } from './compare.svelte';
import { browserDevices, type DeviceBrowser } from './devices-browser';
import { deviceWorkflowClient, type DeviceWorkflowClient } from './devices-client';
import { parseDeviceOptions } from './devices-options';
import { DevicesState } from './devices.svelte';
import { DeviceFlows } from './device-flow';
import { espClient } from './esp-client';
import { EspState } from './esp.svelte';
import { RaState } from './ra.svelte';
import { FilesState } from './files.svelte';
import { LogState } from './log.svelte';
import { NavigationState } from './navigation.svelte';
import { OperationState } from './operation.svelte';
import { SaveState, type Download } from './save.svelte';
import { SearchState } from './search.svelte';
import { TaskState } from './tasks.svelte';
import { ThemeState, browserThemeEnvironment, safeStorage, type ThemeEnvironment } from './theme.svelte';
import { WorkerHealthState } from './worker-health.svelte';
import { openFirmwareLink, type LinkFetch } from './firmware-link';
import { Rl78State } from './rl78.svelte';
import { rl78Client } from './rl78-client';
import { raClient } from './ra-client';
import { SerialMarks } from './serial-marks';
import { MemoryTargetStore, type TargetStore } from '../core/user-targets';
import { builtInScripts } from './built-in-scripts';
import { TargetsState, type TargetsClient } from './targets.svelte';

/** What the app state needs from the outside world. */
export interface AppDependencies {
  /** The device worker. */
  device: DeviceClient;
  /** The Lua worker. */
  lua: LuaClient;
  /** Hands a produced file to the person (a download in the browser). */
  download: Download;
  /** Monotonic milliseconds (defaults to `performance.now`). */
  clock?: Clock;
  /** Wall-clock time for log lines in milliseconds since 1970 (defaults to `Date.now`). */
  now?: () => number;
  /** Device choosers and plug events (defaults to the page's `navigator.usb` / `navigator.serial`). */
  deviceBrowser?: DeviceBrowser;
  /** The page URL, for options such as `?sim` (defaults to `location.href`). */
  pageUrl?: string;
  /** Where the theme is applied and remembered (defaults to the document and localStorage). */
  theme?: ThemeEnvironment;
  /** Where the selected device is remembered (defaults to localStorage; none in tests). */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Downloads the firmware a link carries (defaults to `fetch`). */
  fetch?: LinkFetch;
  /**
   * Where loaded targets are kept and who uses them (the page: IndexedDB and the device
   * worker). Without it loaded targets stay in memory and reach no worker (tests).
   */
  targets?: { client: TargetsClient; store: TargetStore };
}

/** Every piece of UI state, built once per page. */
export class AppState {
  /** The session log. */
  readonly log: LogState;
  /** Opened files. */
  readonly files: FilesState;
  /** Range choice, go to address, cursor. */
  readonly navigation: NavigationState;
  /** Byte/text search in the hex view. */
  readonly search: SearchState;
  /** Compare with a second file. */
  readonly compare: CompareState;
  /** Checksum panel. */
  readonly checksum: ChecksumState;
  /** Save-as panel. */
  readonly save: SaveState;
  /** Worker health for the status bar. */
  readonly health: WorkerHealthState;
  /** Devices: list, selection, connections. */
  readonly devices: DevicesState;
  /** The flashing workflow: one device operation at a time. */
  readonly operation: OperationState;
  /** Light and dark themes. */
  readonly theme: ThemeState;
  /** The device worker's device operations (for panels that send to a device). */
  readonly deviceCalls: DeviceWorkflowClient;
  /** Classroom mode: one image, many micro:bits. */
  readonly classroom: ClassroomState;
  /** The job shown (home screen, Flash a board, ...). */
  readonly tasks: TaskState;
  /** What each kind of device adds to the Flash flow. */
  readonly flows: DeviceFlows;
  /** ESP boards: link baud, erase-all, serial monitor. */
  readonly esp: EspState;
  /** Renesas RA chips in boot mode: boot-mode instructions, ID code. */
  readonly ra: RaState;
  /** RL78 cables: wiring, reset line, baud, voltage. */
  readonly rl78: Rl78State;
  /** Built-in and loaded targets, the chip chosen for the next connect. */
  readonly targets: TargetsState;

  private readonly pageUrl: string | undefined;
  private readonly fetchLinked: LinkFetch | undefined;

  constructor(deps: AppDependencies) {
    this.pageUrl = deps.pageUrl ?? globalThis.location?.href;
    this.fetchLinked = deps.fetch;
    const clock = deps.clock ?? (() => performance.now());
    this.log = new LogState(deps.now);
    this.files = new FilesState(deps.device, this.log, clock);
    this.navigation = new NavigationState(this.files);
    this.search = new SearchState(this.files, this.navigation);
    this.compare = new CompareState(this.files, this.navigation, this.log);
    this.save = new SaveState(deps.device, this.files, this.log, deps.download);
    this.health = new WorkerHealthState(deps.device, deps.lua, this.log, clock);
    const deviceCalls = deviceWorkflowClient(deps.device);
    this.deviceCalls = deviceCalls;
    const options = parseDeviceOptions(this.pageUrl);
    const storage = 'storage' in deps ? deps.storage : safeStorage();
    this.devices = new DevicesState(
      deviceCalls,
      deps.deviceBrowser ?? browserDevices(),
      this.log,
      options,
      storage,
    );
    this.checksum = new ChecksumState(deps.device, this.files, this.log, {
      library: new ChecksumLibrary(storage),
      run: checksumScriptRunner({
        startLua: () => this.health.startLua(),
        deviceId: () => this.devices.selectedId,
        onLog: (level, text) => this.log[level](text),
      }),
    });
    this.targets = new TargetsState(
      deps.targets?.client ?? { setUserTargets: async () => ({ skipped: [] }) },
      deps.targets?.store ?? new MemoryTargetStore(),
      builtInScripts(),
      this.log,
    );
    this.devices.chipChoice = () => this.targets.chosen;
    this.esp = new EspState(espClient(deps.device), this.log, deps.download);
    this.flows = new DeviceFlows();
    this.flows.register(this.esp);
    this.ra = new RaState(this.devices, raClient(deps.device), this.log);
    this.flows.register(this.ra);
    this.rl78 = new Rl78State(rl78Client(deps.device), this.log);
    this.flows.register(this.rl78);
    // What the person said a USB-UART leads to survives a reload (keyed by its USB ids).
    const marks = new SerialMarks(
      storage,
      { ra: raClient(deps.device), rl78: rl78Client(deps.device) },
      this.log,
    );
    this.ra.onMarked = this.rl78.onMarked = (id, mark) => marks.remember(id, mark, this.devices.summaries);
    this.rl78.onSettings = (id, settings) => marks.updateRl78Settings(id, settings);
    this.devices.portsListed = (list) => marks.restore(list);
    this.operation = new OperationState(
      deviceCalls,
      this.devices,
      this.files,
      this.compare,
      this.log,
      this.flows,
    );
    this.tasks = new TaskState();
    this.theme = new ThemeState(deps.theme ?? browserThemeEnvironment());
    this.classroom = new ClassroomState(classroomClient(deps.device), this.devices, this.log, {
      simLatency: options.simLatency,
      storage,
      download: deps.download,
      now: deps.now,
    });
  }

  /** Start-up work that talks to the workers (kept out of the constructor). */
  async start(): Promise<void> {
    this.theme.start();
    await this.targets.start().catch((error: unknown) => this.log.failure('Load targets', error));
    await Promise.all([this.health.check(), this.devices.start()]);
    await openFirmwareLink(this.pageUrl, this.files, this.log, this.fetchLinked);
  }
}
