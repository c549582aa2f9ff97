/**
 * Classroom mode: one image, many micro:bits (or Renesas RA boards in boot mode, such as Arduino
 * Uno R4s: the file goes to them whole). While a session runs, every granted board
 * that is plugged in is flashed automatically, all at once (each device has its own queue in
 * the device worker, so boards work in parallel and the page only receives results and
 * throttled progress). Each board keeps a row with its name, serial, progress, result and time;
 * failed boards can be retried; the results export as CSV. Optional: a teacher-given label per
 * board (remembered by USB serial) and a serial number written into a chosen flash location.
 *
 * The device list comes from the device panel's state: the view calls {@link ClassroomState.sync}
 * whenever it refreshes (plug events, the chooser, simulated boards).
 */
import { WebProgError } from '../core/errors';
import type { ProgressEvent } from '../core/progress';
import type { SimulatedFault } from '../../workers/device/api';
import type { DeviceSummary } from '../../workers/device/device-api';
import { callWithSignal } from '../../workers/shared/cancellation';
import type { ClassroomClient } from './classroom-client';
import { classroomCsv, csvFileName } from './classroom-csv';
import { boardFlashPlan, imageFromFile, type ClassroomFile, type ClassroomImage } from './classroom-image';
import {
  failureAdvice,
  flashResultText,
  rowName,
  summarise,
  type ClassroomRow,
  type ClassroomSummary,
} from './classroom-rows';
import { deviceProblem } from './devices-advice';
import { describeError } from './error-text';
import type { DevicesState } from './devices.svelte';
import type { LogState } from './log.svelte';
import { duration, hexValue } from './text';

/** The device panel state classroom mode follows. */
export type ClassroomDevices = Pick<
  DevicesState,
  'summaries' | 'sessions' | 'simulation' | 'platform' | 'ensureConnected' | 'connectionLost' | 'refresh'
>;

/** The optional serial number written into each board's flash. */
export interface SerialNumberOption {
  /** True to write serial numbers. */
  enabled: boolean;
  /** Flash address of the 32-bit little-endian number (a free, 4-byte aligned location). */
  address: number;
  /** Number of the first board; board n gets `first + n - 1`. */
  first: number;
}

/** A message above the table. */
export interface ClassroomNotice {
  /** `error` for things that stop the session from starting. */
  level: 'info' | 'error';
  /** The message. */
  text: string;
}

/** What classroom mode needs besides the device worker and the device panel. */
export interface ClassroomOptions {
  /** Latency of simulated boards plugged from the classroom view. */
  simLatency?: 'realistic' | 'zero';
  /** Where teacher-given labels are remembered (by USB serial). */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Hands the CSV to the person. */
  download?: (name: string, bytes: Uint8Array) => void;
  /** Wall-clock time for the CSV's file name (defaults to `Date.now`). */
  now?: () => number;
}

/** Storage key of the labels. */
export const LABELS_KEY = 'webprog.classroom.labels';

/** The fault a simulated "fails its first flash" board meets: the SWD line loses sync mid-flash. */
const FIRST_FLASH_FAULT: SimulatedFault = { kind: 'lose-swd-sync' };

/** One image, many boards. */
export class ClassroomState {
  /** One row per micro:bit seen, in the order they were first plugged in. */
  rows = $state.raw<readonly ClassroomRow[]>([]);
  /** The image every board gets. */
  image = $state.raw<ClassroomImage | undefined>();
  /** True while plugged boards are flashed automatically. */
  running = $state(false);
  /** The serial number option. */
  serialNumbers = $state.raw<SerialNumberOption>({ enabled: false, address: 0x7_3000, first: 1 });
  /** The latest message. */
  notice = $state.raw<ClassroomNotice | undefined>();
  /** Increases each time another view asks for the classroom view to open ("Use in classroom"). */
  openRequests = $state(0);
  /** Counts for the summary line. */
  readonly summary: ClassroomSummary = $derived(summarise(this.rows));

  // Bookkeeping the UI never reads: plain collections.
  /** Running flashes by device id. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly controllers = new Map<string, AbortController>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly flashes = new Set<Promise<void>>();
  /** Simulated boards that fail their first flash (sim only). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never read by the UI
  private readonly failFirst = new Set<string>();
  private labels: Record<string, string> | undefined;

  constructor(
    private readonly client: ClassroomClient,
    private readonly devices: ClassroomDevices,
    private readonly log: LogState,
    private readonly options: ClassroomOptions = {},
  ) {}

  /** True when simulated boards can be plugged in (`?sim`). */
  get simulation(): boolean {
    return this.devices.simulation;
  }

  /**
   * Uses `file` (the open buffer; a Universal Hex gives each version its section) as the image.
   * Not while a session runs. Results of an earlier image are cleared.
   */
  useFile(file: ClassroomFile | undefined): boolean {
    if (!file) {
      this.notice = { level: 'error', text: 'Open a hex file first (Open… or drop it on the window).' };
      return false;
    }
    return this.useImage(imageFromFile(file));
  }

  /** Asks the app to show the classroom view (whichever view is open now). */
  requestOpen(): void {
    this.openRequests++;
  }

  /** Uses `image` for every board (not while a session runs); clears earlier results. */
  useImage(image: ClassroomImage): boolean {
    if (this.running) {
      this.notice = { level: 'error', text: 'Stop the session before choosing another image.' };
      return false;
    }
    this.image = image;
    this.rows = this.rows.map((r) => freshRow(r));
    this.notice = { level: 'info', text: `Image: ${image.name}. Start to flash every plugged-in micro:bit.` };
    return true;
  }

  /** Sets the serial number option (not while a session runs). */
  setSerialNumbers(option: SerialNumberOption): void {
    if (this.running) return;
    this.serialNumbers = { ...option };
  }

  /** Starts the session: flashes every plugged-in board that has no result yet, then each one plugged in. */
  start(): boolean {
    if (!this.image) {
      this.notice = {
        level: 'error',
        text: 'Choose the image first: open a hex file and press "Use the open file".',
      };
      return false;
    }
    this.running = true;
    const { enabled, address, first } = this.serialNumbers;
    const serial = enabled ? `, serial numbers from ${first} at ${hexValue(address, 8)}` : '';
    this.log.info(`Classroom: flashing ${this.image.name} to every plugged-in micro:bit${serial}.`);
    this.notice = undefined;
    for (const row of this.rows)
      if (row.present && row.status !== 'flashed' && row.status !== 'up-to-date') this.flash(row.id);
    return true;
  }

  /** Stops the session: no more automatic flashes; flashes in progress are cancelled. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const controller of this.controllers.values()) controller.abort();
    this.log.info('Classroom: stopped.');
  }

  /** Flashes again every plugged-in board whose last attempt failed or was cancelled. */
  retryFailed(): number {
    const rows = this.rows.filter((r) => r.present && (r.status === 'failed' || r.status === 'cancelled'));
    for (const row of rows) this.flash(row.id);
    return rows.length;
  }

  /** Flashes every plugged-in board again (boards that hold the image already are quick). */
  flashAll(): number {
    const rows = this.rows.filter((r) => r.present);
    for (const row of rows) this.flash(row.id);
    return rows.length;
  }

  /**
   * Follows the device list: new micro:bits get a row, unplugged ones stay with `present` off;
   * while the session runs, each board that appears is flashed.
   */
  sync(summaries: readonly DeviceSummary[]): void {
    const boards = summaries.filter((s) => (s.type === 'cmsis-dap' && s.microbit) || s.type === 'ra');
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup
    const ids = new Set(boards.map((b) => b.id));
    const appeared: string[] = [];
    const rows = this.rows.map((r) => (r.present && !ids.has(r.id) ? { ...r, present: false } : r));
    for (const b of boards) {
      const at = rows.findIndex((r) => r.id === b.id);
      const friendlyName = this.devices.sessions[b.id]?.connection?.friendlyName;
      if (at < 0) {
        rows.push({
          id: b.id,
          index: rows.length + 1,
          serial: b.serial,
          board: b.microbit?.name ?? this.devices.sessions[b.id]?.connection?.target.name ?? b.name,
          ...(b.microbit ? { version: b.microbit.version } : {}),
          friendlyName,
          label: this.savedLabel(b.serial),
          simulated: b.simulated,
          present: true,
          status: 'waiting',
          attempts: 0,
        });
        appeared.push(b.id);
      } else if (!rows[at].present) {
        rows[at] = { ...rows[at], present: true, friendlyName: friendlyName ?? rows[at].friendlyName };
        appeared.push(b.id);
      }
    }
    this.rows = rows;
    if (this.running && this.image) for (const id of appeared) this.flash(id);
    else
      for (const id of appeared)
        if (!this.rows.find((r) => r.id === id)?.friendlyName) void this.identify(id);
  }

  /**
   * Reads a board's friendly name as soon as it is plugged in: connecting reads FICR DEVICEID
   * over SWD; nothing is written. A board that does not answer is left for the flash to report.
   */
  private async identify(id: string): Promise<void> {
    try {
      const connection = await this.devices.ensureConnected(id);
      if (connection.friendlyName) this.update(id, { friendlyName: connection.friendlyName });
      if (!this.rows.find((r) => r.id === id)?.version) this.update(id, { board: connection.target.name });
    } catch (error) {
      this.log.warn(`Classroom: could not read the name of ${this.nameOf(id)}: ${describeError(error).text}`);
    }
  }

  /** Gives board `id` a label (empty: back to its friendly name); remembered by its USB serial. */
  setLabel(id: string, label: string): void {
    const row = this.rows.find((r) => r.id === id);
    if (!row) return;
    this.update(id, { label });
    if (row.serial) this.saveLabel(row.serial, label.trim());
  }

  /** The results as CSV. */
  csv(): string {
    return classroomCsv(this.rows, this.image?.name ?? '');
  }

  /** Offers the CSV as a download; returns its file name. */
  exportCsv(): string {
    const name = csvFileName(this.image?.name ?? 'image', (this.options.now ?? Date.now)());
    this.options.download?.(name, new TextEncoder().encode(this.csv()));
    this.log.info(`Classroom: exported ${this.rows.length} boards to ${name}.`);
    return name;
  }

  /**
   * Simulation only: plugs in a simulated micro:bit (optionally one whose first flash fails:
   * its SWD line loses sync mid-flash, as a flaky cable would) and lists the devices again.
   */
  async plugSimulated(
    kind: 'microbit-v1' | 'microbit-v2',
    options: { failFirstFlash?: boolean } = {},
  ): Promise<string | undefined> {
    try {
      const id = await this.client.plugSimulated(kind, { latency: this.options.simLatency ?? 'realistic' });
      if (options.failFirstFlash) this.failFirst.add(id);
      await this.devices.refresh();
      this.sync(this.devices.summaries);
      return id;
    } catch (error) {
      this.notice = { level: 'error', text: this.log.failure('Plug in a simulated micro:bit', error) };
      return undefined;
    }
  }

  /** Resolves once no flash is running (tests and the bench wait on it). */
  async whenIdle(): Promise<void> {
    while (this.flashes.size > 0) await Promise.allSettled([...this.flashes]);
  }

  /** Starts flashing board `id` unless it is already busy. */
  private flash(id: string): void {
    if (this.controllers.has(id)) return;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const running = this.flashBoard(id, controller).finally(() => {
      this.controllers.delete(id);
      this.flashes.delete(running);
    });
    this.flashes.add(running);
  }

  private async flashBoard(id: string, controller: AbortController): Promise<void> {
    const image = this.image;
    const row = this.rows.find((r) => r.id === id);
    if (!image || !row) return;
    const option = this.serialNumbers;
    const serialNumber = option.enabled ? option.first + row.index - 1 : undefined;
    this.update(id, {
      status: 'connecting',
      attempts: row.attempts + 1,
      progress: undefined,
      message: undefined,
      detail: undefined,
      errorCode: undefined,
      serialNumber,
    });
    const signal = controller.signal;
    try {
      const connection = await this.devices.ensureConnected(id);
      if (signal.aborted) throw new WebProgError('CANCELLED', 'The flash was cancelled.');
      if (connection.friendlyName) this.update(id, { friendlyName: connection.friendlyName });
      if (!row.version) this.update(id, { board: connection.target.name });
      const data = image.dataFor(row.version);
      if (!data)
        throw new WebProgError(
          'INVALID_ARGUMENT',
          row.version
            ? `${image.name} holds nothing for micro:bit ${row.version}.`
            : `${image.name} holds nothing for this board (a Universal Hex or a MicroPython project is for micro:bits).`,
        );
      const plan = boardFlashPlan(
        data,
        connection.regions,
        serialNumber === undefined ? undefined : { address: option.address, value: serialNumber },
      );
      if (this.failFirst.delete(id)) await this.client.simulateFault(id, FIRST_FLASH_FAULT);
      this.update(id, { status: 'flashing' });
      const onProgress = (e: ProgressEvent) => {
        const current = this.rows.find((r) => r.id === id);
        if (this.controllers.get(id) !== controller || current?.status !== 'flashing' || e.kind === 'failed')
          return;
        this.update(id, { progress: { stage: e.operation, done: e.done, total: e.total } });
      };
      const result = await callWithSignal(
        signal,
        (callId) => this.client.cancel(callId),
        (callId) =>
          this.client.backendCall(id, 'flash', plan.args, { allowWrites: true, callId, onProgress }),
      );
      const report = result.report ?? { bytesWritten: 0, erasedBlocks: 0, skippedBlocks: 0, verified: false };
      const message = flashResultText(report);
      this.update(id, {
        status: report.bytesWritten === 0 ? 'up-to-date' : 'flashed',
        progress: undefined,
        bytesWritten: report.bytesWritten,
        skippedBlocks: report.skippedBlocks,
        full: report.full,
        elapsedMs: result.elapsedMs,
        message,
      });
      this.log.info(`Classroom: ${this.nameOf(id)}: ${message} in ${duration(result.elapsedMs)}.`);
    } catch (error) {
      this.failed(id, error);
    }
  }

  private failed(id: string, error: unknown): void {
    const problem = deviceProblem(error, this.devices.platform);
    const cancelled = problem.code === 'CANCELLED';
    const message = cancelled ? 'Cancelled: the board may be partly programmed.' : failureAdvice(problem);
    const detail = `${problem.code ?? 'INTERNAL'}: ${problem.title}. ${problem.detail}`;
    this.update(id, {
      status: cancelled ? 'cancelled' : 'failed',
      progress: undefined,
      errorCode: problem.code,
      message,
      detail: cancelled ? undefined : detail,
    });
    if (cancelled) this.log.warn(`Classroom: ${this.nameOf(id)}: ${message}`);
    else this.log.error(`Classroom: ${this.nameOf(id)} failed: ${message} (${detail})`);
    // The next attempt starts from a fresh connection.
    this.devices.connectionLost(id);
    if (problem.code === 'DEVICE_LOST') void this.devices.refresh();
  }

  private nameOf(id: string): string {
    const row = this.rows.find((r) => r.id === id);
    return row ? `${rowName(row)} (${row.serial || id})` : id;
  }

  private update(id: string, patch: Partial<ClassroomRow>): void {
    this.rows = this.rows.map((r) => (r.id === id ? { ...r, ...patch } : r));
  }

  private savedLabel(serial: string): string {
    const labels = this.loadLabels();
    return serial && Object.hasOwn(labels, serial) ? labels[serial] : '';
  }

  private saveLabel(serial: string, label: string): void {
    const labels = { ...this.loadLabels() };
    if (label) labels[serial] = label;
    else delete labels[serial];
    this.labels = labels;
    try {
      this.options.storage?.setItem(LABELS_KEY, JSON.stringify(labels));
    } catch {
      // Storage full or blocked: the label still holds for this session.
    }
  }

  private loadLabels(): Record<string, string> {
    if (this.labels) return this.labels;
    let labels: Record<string, string> = {};
    try {
      const parsed: unknown = JSON.parse(this.options.storage?.getItem(LABELS_KEY) ?? '{}');
      if (parsed && typeof parsed === 'object')
        labels = Object.fromEntries(
          Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
        );
    } catch {
      labels = {};
    }
    this.labels = labels;
    return labels;
  }
}

/** `row` with its identity and label kept and its results cleared. */
function freshRow(row: ClassroomRow): ClassroomRow {
  const { id, index, serial, board, version, friendlyName, label, simulated, present } = row;
  return {
    id,
    index,
    serial,
    board,
    ...(version ? { version } : {}),
    friendlyName,
    label,
    simulated,
    present,
    status: 'waiting',
    attempts: 0,
  };
}
