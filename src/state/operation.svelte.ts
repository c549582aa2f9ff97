/**
 * The main workflow: one device operation at a time on the selected device (flash = connect →
 * erase → write → verify, plus read, verify, erase, blank check, chip checksums and compare),
 * with progress (bytes, rate, time left), cancel, a result line saying what was done, and a
 * history in the log. Reading the chip opens what was read as a new buffer, so it can be saved
 * or compared with the buffer.
 */
import type { Remote } from 'comlink';
import { WebProgError } from '../core/errors';
import { describeChipChanges } from '../core/flash/chip-changes';
import { diffRange } from '../core/memory/memory-image';
import { regionEnd } from '../core/memory/region';
import type { ProgressEvent } from '../core/progress';
import type { DeviceWorkerApi } from '../../workers/device/api';
import type {
  BackendCallArgs,
  BackendCallOptions,
  BackendCallResult,
  BackendOperation,
  DeviceConnection,
  ImageDto,
} from '../../workers/device/device-api';
import { callWithSignal } from '../../workers/shared/cancellation';
import type { CompareState } from './compare.svelte';
import type { CancellableCall, DeviceFlow, DeviceFlows } from './device-flow';
import { deviceProblem, type DeviceProblem } from './devices-advice';
import type { DevicesState, DeviceView } from './devices.svelte';
import { describeError } from './error-text';
import type { FileEntry } from './file-entry.svelte';
import type { FilesState } from './files.svelte';
import { imageRefusals, type Refusal } from './image-checks';
import type { LogState } from './log.svelte';
import {
  bufferFor,
  compareChecksums,
  planDto,
  planImage,
  regionChoices,
  type ImagePlan,
  type RegionChoice,
} from './operation-plan';
import { eraseSummary, flashSummary, type ProgressView } from './operation-text';
import { PendingConfirmation, type Confirmation } from './pending-confirmation.svelte';
import { byteCount, duration, hexValue, plural, shortSize } from './text';

/** The device worker calls the workflow makes. */
export type OperationClient = Pick<Remote<DeviceWorkerApi>, 'backendCall' | 'cancel' | 'saveFile'>;

/** The operations of the workflow. */
export type OperationKind = 'flash' | 'read' | 'verify' | 'erase' | 'blank_check' | 'checksums' | 'compare';

/** Names of the operations as buttons and messages say them. */
export const OPERATION_LABELS: Readonly<Record<OperationKind, string>> = {
  flash: 'Flash',
  read: 'Read',
  verify: 'Verify',
  erase: 'Erase',
  blank_check: 'Blank check',
  checksums: 'Chip checksums',
  compare: 'Compare with chip',
};

/** Operations that need a buffer (an open file). */
const NEEDS_BUFFER: ReadonlySet<OperationKind> = new Set(['flash', 'verify', 'compare']);

/** Error codes after which the worker's session with the device is gone. */
const SESSION_ENDING = new Set([
  'DEVICE_LOST',
  'DEVICE_PROTOCOL',
  'DEVICE_FAULT',
  'TIMEOUT',
  'NOT_CONNECTED',
]);

/** Error codes that answer the operation's question rather than report a failure. */
const MISMATCH = new Set(['VERIFY_FAILED', 'NOT_BLANK']);

/** The operation running now. */
export interface RunningOperation {
  /** Which operation. */
  kind: OperationKind;
  /** Id of the device it runs on. */
  deviceId: string;
  /** The device's title. */
  deviceTitle: string;
}

/** How the last operation ended. */
export interface OperationResult {
  /** Which operation. */
  kind: OperationKind;
  /**
   * `mismatch`: verify found differences, blank check found data; `refused`: the image cannot
   * be right for the board and nothing was written (see {@link refusals}).
   */
  outcome: 'done' | 'mismatch' | 'failed' | 'cancelled' | 'refused';
  /** The result line. */
  text: string;
  /** For failures: what went wrong and what to try. */
  problem?: DeviceProblem;
  /** For refusals: why the image cannot be right for the board. */
  refusals?: Refusal[];
}

/** Options of {@link OperationState.flash}. */
export interface FlashOptions {
  /** Expert override: write even though the checks refuse the image. */
  override?: boolean;
}

/** Thrown inside a flash when the checks refuse the image. */
class ImageRefused extends Error {
  constructor(readonly refusals: Refusal[]) {
    super(refusals.map((r) => r.text).join(' '));
  }
}

/** What an operation's body gets. */
interface RunContext {
  device: DeviceView;
  connection: DeviceConnection;
  file: FileEntry | undefined;
  /** The backend's part of the flow, if it has one. */
  flow: DeviceFlow | undefined;
  /** Runs a worker call with the operation's cancel and progress. */
  cancellable: CancellableCall;
  /** Runs one backend operation, cancellable, reporting progress. */
  call(
    operation: BackendOperation,
    args: BackendCallArgs,
    options?: BackendCallOptions,
  ): Promise<BackendCallResult>;
}

/** The workflow's state. */
export class OperationState {
  /** The operation running now. */
  running = $state.raw<RunningOperation | undefined>();
  /** Progress of the running operation's current stage. */
  progress = $state.raw<ProgressView | undefined>();
  /** How the last operation ended. */
  result = $state.raw<OperationResult | undefined>();
  /** The question the device worker asks before a destructive step. */
  private readonly pending = new PendingConfirmation();
  /** Region choices the person made, by region name (unset regions follow the default). */
  regionChoice = $state.raw<Readonly<Record<string, boolean>>>({});

  /** The selected device's connection, if connected. */
  readonly connection: DeviceConnection | undefined = $derived.by(
    () => this.devices.selected?.session.connection,
  );
  /** The buffer's data for the selected device (a Universal Hex: the board's section). */
  readonly buffer = $derived.by(() => {
    const file = this.files.selected;
    const device = this.devices.selected;
    return file
      ? { file, ...bufferFor(file, device?.summary, device?.session.connection?.target.name) }
      : undefined;
  });
  /** The chip's regions with the buffer bytes in each and whether they are included. */
  readonly regions: readonly RegionChoice[] = $derived.by(() =>
    regionChoices(this.connection?.regions ?? [], this.buffer?.data, this.regionChoice),
  );
  /** The buffer laid into the chosen regions (when a file is open). */
  readonly plan: ImagePlan | undefined = $derived.by(() =>
    this.buffer ? planImage(this.buffer.data, this.regions) : undefined,
  );

  private controller: AbortController | undefined;

  constructor(
    private readonly client: OperationClient,
    private readonly devices: DevicesState,
    private readonly files: FilesState,
    private readonly compare: CompareState,
    private readonly log: LogState,
    private readonly flows?: DeviceFlows,
  ) {}

  /** True when `kind` can start now (nothing running, a device selected, a buffer if needed). */
  canRun(kind: OperationKind): boolean {
    return (
      !this.running &&
      this.devices.selected !== undefined &&
      (!NEEDS_BUFFER.has(kind) || this.files.selected !== undefined)
    );
  }

  /** Includes or leaves out chip region `name`. */
  chooseRegion(name: string, chosen: boolean): void {
    this.regionChoice = { ...this.regionChoice, [name]: chosen };
  }

  /** Cancels the running operation (and declines a pending confirmation). */
  cancel(): void {
    this.pending.answer(false);
    this.controller?.abort();
  }

  /**
   * Connect → check → erase → write → verify the buffer, skipping blocks that already hold it.
   * An image that cannot be right for the board is refused before anything is written, unless
   * `options.override` (the expert's "Flash anyway").
   */
  flash(options: FlashOptions = {}): Promise<boolean> {
    return this.run('flash', async (ctx) => {
      const { device, file, call, flow } = ctx;
      if (!options.override) {
        const refusals = await this.refusals(ctx);
        if (refusals.length > 0) throw new ImageRefused(refusals);
      }
      const plan = this.requirePlan();
      const r: BackendCallResult & { warnings?: string[] } = flow?.write
        ? await flow.write({
            deviceId: device.summary.id,
            plan,
            cancellable: ctx.cancellable,
            confirm: (message) => this.pending.ask(message),
          })
        : await call('flash', { image: planDto(plan) }, { allowWrites: true });
      for (const warning of r.warnings ?? []) this.log.warn(warning);
      const report = r.report ?? { bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 0, verified: false };
      const overridden = options.override ? ' (checks overridden)' : '';
      const text = `Flashed ${this.bufferName(file)} to ${device.title}${overridden}: ${flashSummary(report, r.elapsedMs)}.`;
      await flow?.afterFlash?.(device.summary.id);
      return text;
    });
  }

  /** Why the buffer cannot be right for the connected board (empty when nothing is found). */
  private async refusals({ device, connection, file, flow }: RunContext): Promise<Refusal[]> {
    const buffer = this.buffer;
    if (!file || !buffer) return [];
    const found = imageRefusals({
      fileName: file.name,
      data: buffer.data,
      boardIds: file.boards.map((b) => b.boardId),
      chipFamilies: file.builds.map((b) => b.chipFamily),
      microbit: device.summary.microbit,
      chip: { name: connection.target.name, regions: connection.regions },
    });
    const plan = this.plan;
    if (flow?.refusals && plan && plan.bytes > 0)
      found.push(...(await flow.refusals(device.summary.id, plan, file.name)));
    return found;
  }

  /** Compares the chip with the buffer in the chosen regions. */
  verify(): Promise<boolean> {
    return this.run('verify', async ({ device, file, call }) => {
      const plan = this.requirePlan();
      const r = await call('verify', { image: planDto(plan) });
      return `Verified ${this.bufferName(file)} on ${device.title}: the chip holds the same ${shortSize(plan.bytes)} (${duration(r.elapsedMs)}).`;
    });
  }

  /** Reads the chosen regions of the chip and opens what was read as a new buffer. */
  read(): Promise<boolean> {
    return this.run('read', async (ctx) => {
      const { name, bytes, elapsedMs } = await this.readChip(ctx);
      return `Read ${shortSize(bytes)} from ${ctx.device.title} in ${duration(elapsedMs)} into ${name}.`;
    });
  }

  /** Reads the chip into a second buffer and shows the differences with the buffer. */
  compareWithChip(): Promise<boolean> {
    return this.run('compare', async (ctx) => {
      const file = ctx.file!;
      const data = this.buffer?.data ?? file.data;
      const { name, entry, regions, elapsedMs } = await this.readChip(ctx);
      this.files.select(file.id);
      this.compare.compareWith(entry.id);
      let differing = 0;
      let ranges = 0;
      for (const r of regions) {
        const found = diffRange(data, entry.data, r.base, regionEnd(r), r.fill);
        ranges += found.length;
        differing += found.reduce((n, x) => n + x.end - x.start, 0);
      }
      const what =
        differing === 0
          ? 'identical in the chosen regions'
          : `${byteCount(differing)} in ${plural(ranges, 'range')} differ`;
      return `Compared ${this.bufferName(file)} with ${ctx.device.title} (read into ${name} in ${duration(elapsedMs)}): ${what}.`;
    });
  }

  /** Erases the whole chip (asks first). */
  erase(): Promise<boolean> {
    return this.run('erase', async ({ device, call }) => {
      const r = await call(
        'erase',
        {},
        { allowWrites: true, confirm: (message) => this.pending.ask(message) },
      );
      const report = r.report ?? { bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 0, verified: false };
      return `Erased ${device.title}: ${eraseSummary(report, r.elapsedMs)}.`;
    });
  }

  /** Checks that the chosen flash regions are blank. */
  blankCheck(): Promise<boolean> {
    return this.run('blank_check', async ({ device, call }) => {
      const regions = this.chosenFlashRegions();
      let elapsed = 0;
      for (const r of regions) elapsed += (await call('blank_check', { region: r.name })).elapsedMs;
      return `${regions.map((r) => r.name).join(' and ')} of ${device.title} ${regions.length === 1 ? 'is' : 'are'} blank (checked in ${duration(elapsed)}).`;
    });
  }

  /** Reads the chip's block checksums and compares them with the buffer. */
  checksums(): Promise<boolean> {
    return this.run('checksums', async ({ device, connection, call }) => {
      const r = await call('read_checksums', {});
      const list = r.checksums ?? [];
      const head = `Read ${plural(list.length, 'block checksum')} from ${device.title} in ${duration(r.elapsedMs)}`;
      const data = this.buffer?.data;
      if (!data || device.summary.type !== 'cmsis-dap') return `${head}.`;
      const c = compareChecksums(list, data, connection.regions);
      if (c.differing.length === 0) return `${head}: all ${c.blocks} match the buffer.`;
      return `${head}: ${c.matching} match the buffer, ${c.differing.length} differ (first at ${hexValue(c.differing[0], 8)}).`;
    });
  }

  /** A pending confirmation question. */
  get confirmation(): Confirmation | undefined {
    return this.pending.current;
  }

  /** Answers the pending confirmation. */
  answer(ok: boolean): void {
    this.pending.answer(ok);
  }

  private requirePlan(): ImagePlan {
    const plan = this.plan;
    if (!plan || plan.bytes === 0) {
      throw new WebProgError(
        'INVALID_ARGUMENT',
        'The buffer holds no data in the chosen regions of the chip: choose the regions to program.',
      );
    }
    return plan;
  }

  private chosenFlashRegions() {
    const regions = this.regions.filter((c) => c.chosen && c.region.kind === 'flash').map((c) => c.region);
    if (regions.length === 0) throw new WebProgError('INVALID_ARGUMENT', 'Choose at least one flash region.');
    return regions;
  }

  private bufferName(file: FileEntry | undefined): string {
    const buffer = this.buffer;
    if (!file) return 'the buffer';
    return buffer?.boardId !== undefined && file.boards.length > 0
      ? `${file.name} (board ${hexValue(buffer.boardId, 4)})`
      : file.name;
  }

  /** Reads the chosen regions and opens them as a new file named after the chip. */
  private async readChip(ctx: RunContext) {
    const regions = this.regions.filter((c) => c.chosen).map((c) => ({ ...c.region }));
    if (regions.length === 0)
      throw new WebProgError('INVALID_ARGUMENT', 'Choose at least one region to read.');
    const empty: ImageDto = { regions, segments: [] };
    const r = await ctx.call('read', { image: empty });
    const segments = r.image?.segments ?? [];
    const bytes = segments.reduce((n, s) => n + s.data.length, 0);
    const text = await this.client.saveFile(segments, 'intel-hex', { recordSize: 32 });
    const name = this.uniqueName(`${slug(ctx.connection.target.name)}-read.hex`);
    const before = this.files.files.map((f) => f.id);
    await this.files.open([{ name, bytes: text }]);
    const entry = this.files.files.find((f) => !before.includes(f.id));
    if (!entry) throw new WebProgError('INTERNAL', `What was read could not be opened as ${name}.`);
    return { name, bytes, entry, regions, elapsedMs: r.elapsedMs };
  }

  private uniqueName(name: string): string {
    const taken = this.files.files.map((f) => f.name);
    if (!taken.includes(name)) return name;
    const stem = name.replace(/\.hex$/, '');
    for (let n = 2; ; n++) if (!taken.includes(`${stem}-${n}.hex`)) return `${stem}-${n}.hex`;
  }

  private onProgress(event: ProgressEvent): void {
    if (!this.running) return;
    this.progress = { stage: event.operation, done: event.done, total: event.total, rate: event.rate };
  }

  /** Runs one operation: connects first, tracks progress and cancel, writes the result line and the log. */
  private async run(kind: OperationKind, body: (ctx: RunContext) => Promise<string>): Promise<boolean> {
    const label = OPERATION_LABELS[kind];
    if (this.running) return false;
    const device = this.devices.selected;
    const file = this.files.selected;
    if (!device || (NEEDS_BUFFER.has(kind) && !file)) {
      const text = device ? `${label}: open a file first.` : `${label}: add a device first.`;
      this.result = { kind, outcome: 'failed', text };
      return false;
    }
    const deviceId = device.summary.id;
    const controller = new AbortController();
    this.controller = controller;
    this.running = { kind, deviceId, deviceTitle: device.title };
    this.progress = undefined;
    this.result = undefined;
    const call: RunContext['call'] = (operation, args, options = {}) =>
      callWithSignal(
        controller.signal,
        (callId) => this.client.cancel(callId),
        (callId) =>
          this.client.backendCall(deviceId, operation, args, {
            ...options,
            callId,
            onProgress: (event: ProgressEvent) => this.onProgress(event),
          }),
      );
    const cancellable: CancellableCall = (start) =>
      callWithSignal(
        controller.signal,
        (callId) => this.client.cancel(callId),
        (callId) => start(callId, (event) => this.onProgress(event)),
      );
    const flow = this.flows?.of(device.summary.type);
    try {
      if (await flow?.beforeConnect?.(deviceId)) await this.devices.connectionLost(deviceId);
      const connection = await this.devices.ensureConnected(deviceId);
      if (controller.signal.aborted) throw new WebProgError('CANCELLED', 'The operation was cancelled.');
      const view = this.devices.devices.find((d) => d.summary.id === deviceId) ?? device;
      const text = await body({ device: view, connection, file, flow, cancellable, call });
      this.result = { kind, outcome: 'done', text };
      this.log.info(text);
      return true;
    } catch (error) {
      this.result = this.failure(kind, device, error);
      const code = this.result.problem?.code ?? '';
      if (SESSION_ENDING.has(code)) await this.devices.connectionLost(deviceId, code === 'DEVICE_LOST');
      return false;
    } finally {
      this.controller = undefined;
      this.running = undefined;
      this.progress = undefined;
      this.pending.answer(false);
    }
  }

  private failure(kind: OperationKind, device: DeviceView, error: unknown): OperationResult {
    const label = OPERATION_LABELS[kind];
    if (error instanceof ImageRefused) {
      const text = `${label} refused, nothing was written: ${error.message}`;
      this.log.warn(text);
      return { kind, outcome: 'refused', text, refusals: error.refusals };
    }
    const d = describeError(error);
    if (d.code === 'CANCELLED') {
      const done =
        this.progress && this.progress.done > 0
          ? ` after ${shortSize(this.progress.done)} of ${this.progress.stage.toLowerCase()}`
          : '';
      // The engine says what a stopped destructive step had changed; without that, the chip may
      // be partly programmed.
      const changes = error instanceof WebProgError ? error.changes : undefined;
      const partly = changes
        ? ` ${describeChipChanges(changes)} Flash again to finish.`
        : kind === 'flash' || kind === 'erase'
          ? ' The chip may be partly programmed: flash again to finish.'
          : '';
      const text = `${label} cancelled${done}.${partly}`;
      this.log.warn(text);
      return { kind, outcome: 'cancelled', text };
    }
    const problem = deviceProblem(error, this.devices.platform);
    if (MISMATCH.has(d.code)) {
      const text = `${label} on ${device.title}: ${d.detail}`;
      this.log.warn(text);
      return { kind, outcome: 'mismatch', text, problem };
    }
    const text = `${label} failed: ${problem.title}. ${problem.detail}`;
    this.log.error(text);
    return { kind, outcome: 'failed', text, problem };
  }
}

/** `nRF52833` → `nrf52833`: a chip name as part of a file name. */
function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'chip'
  );
}
