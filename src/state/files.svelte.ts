/**
 * The opened files: opening (parsing in the device worker, asking for the base address of a
 * raw binary first), selecting and removing them.
 */
import { transfer } from 'comlink';
import type { Clock, DeviceClient } from './clients';
import { SparseData } from '../core/memory/sparse-data';
import { FileEntry } from './file-entry.svelte';
import { assembleManifest, isManifestName, layParts, offsetFromName } from './firmware-parts';
import type { LogState } from './log.svelte';
import { FORMAT_LABELS, boardName, byteCount, duration, hex32, hexValue, plural } from './text';
import { sha256Hex } from './sha256';

/** A file picked or dropped by a person: its name and bytes. */
export interface FileInput {
  /** File name (the extension matters: `.bin` asks for a base address). */
  name: string;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** SHA-256 of the bytes (lower-case hex), when the caller has already taken it. */
  sha256?: string;
}

/** What {@link FilesState.open} did with the files it was given. */
export interface OpenOutcome {
  /** Files parsed and added to the list. */
  opened: readonly FileEntry[];
  /** Raw binaries now waiting for their base address. */
  awaitingBase: readonly FileInput[];
  /** Files that could not be opened (each failure is logged). */
  failed: number;
}

/** Extensions of raw binaries, which need a base address before they can be parsed. */
const RAW_BINARY = /\.bin$/i;

/** The list of opened files and the one shown. */
export class FilesState {
  /** Opened files, in the order they were opened. */
  files = $state.raw<readonly FileEntry[]>([]);
  /** Id of the file shown, if any. */
  selectedId = $state<number | undefined>();
  /** Raw binaries waiting for a base address, first one asked about first. */
  pendingBinaries = $state.raw<readonly FileInput[]>([]);
  /** Number of files being parsed right now. */
  parsing = $state(0);
  /** The last opening failure, in plain words (cleared by the next success). */
  error = $state<string | undefined>();

  /** The file shown, if any. */
  readonly selected: FileEntry | undefined = $derived(this.files.find((f) => f.id === this.selectedId));
  /** The raw binary whose base address is being asked for. */
  readonly pendingBinary: FileInput | undefined = $derived(this.pendingBinaries[0]);

  private nextId = 1;

  constructor(
    private readonly device: Pick<DeviceClient, 'parseFile'>,
    private readonly log: LogState,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens files in the given order. Raw binaries are queued until {@link confirmBinary} gives
   * their base address; every other file is parsed at once. Resolves when all non-binaries are
   * open (or have failed: failures are logged and kept in {@link error}), saying which.
   */
  async open(inputs: readonly FileInput[]): Promise<OpenOutcome> {
    const opened: FileEntry[] = [];
    let failed = 0;
    let rest = inputs;
    // An ESP Web Tools manifest takes its part files with it: one entry, a build per chip.
    for (const manifest of inputs.filter((f) => isManifestName(f.name))) {
      rest = rest.filter((f) => f !== manifest);
      try {
        const assembled = assembleManifest(manifest, inputs);
        rest = rest.filter((f) => !assembled.used.includes(f.name));
        opened.push(this.addParts(manifest.name, inputs, assembled.builds, assembled.title));
      } catch (error) {
        this.error = this.log.failure(`Open ${manifest.name}`, error);
        failed++;
      }
    }
    // Binaries whose names carry offsets open at them; two or more together are one firmware.
    const placed = rest.filter((f) => RAW_BINARY.test(f.name) && offsetFromName(f.name) !== undefined);
    rest = rest.filter((f) => !placed.includes(f));
    if (placed.length === 1) {
      const entry = await this.parse(placed[0], offsetFromName(placed[0].name));
      if (entry) opened.push(entry);
      else failed++;
    } else if (placed.length > 1) {
      try {
        const parts = placed.map((f) => ({ name: f.name, address: offsetFromName(f.name)!, data: f.bytes }));
        const name = `${placed.length} parts (${placed.map((f) => f.name).join(', ')})`;
        opened.push(this.addParts(name, placed, [{ chipFamily: '', segments: layParts(parts) }]));
      } catch (error) {
        this.error = this.log.failure(`Open ${placed.map((f) => f.name).join(', ')}`, error);
        failed++;
      }
    }
    const binaries = rest.filter((f) => RAW_BINARY.test(f.name));
    if (binaries.length > 0) this.pendingBinaries = [...this.pendingBinaries, ...binaries];
    for (const input of rest) {
      if (RAW_BINARY.test(input.name)) continue;
      const entry = await this.parse(input);
      if (entry) opened.push(entry);
      else failed++;
    }
    return { opened, awaitingBase: binaries, failed };
  }

  /** Adds firmware made of parts (a manifest's builds, or binaries at their offsets), shown. */
  private addParts(
    name: string,
    files: readonly FileInput[],
    builds: readonly { chipFamily: string; segments: { address: number; data: Uint8Array }[] }[],
    title?: string,
  ): FileEntry {
    const chipBuilds = builds
      .filter((b) => b.chipFamily !== '')
      .map((b) => ({ chipFamily: b.chipFamily, data: SparseData.from(b.segments) }));
    const dto = {
      name,
      format: 'bin' as const,
      segments: builds[0].segments,
      warnings: [],
      parseMs: 0,
    };
    const size = files.reduce((n, f) => n + f.bytes.length, 0);
    const entry = new FileEntry(this.nextId++, dto, size, undefined, undefined, chipBuilds);
    this.files = [...this.files, entry];
    this.selectedId = entry.id;
    this.error = undefined;
    const what =
      chipBuilds.length > 0
        ? `ESP Web Tools manifest${title ? ` "${title}"` : ''}, builds for ${chipBuilds.map((b) => b.chipFamily).join(', ')}`
        : `${plural(builds[0].segments.length, 'part')} at their offsets`;
    this.log.info(`Opened ${name}: ${what}, ${byteCount(entry.data.byteCount)}`);
    return entry;
  }

  /** Parses the pending raw binary at `base`. */
  async confirmBinary(base: number): Promise<FileEntry | undefined> {
    const input = this.pendingBinary;
    if (!input) return undefined;
    this.pendingBinaries = this.pendingBinaries.slice(1);
    return this.parse(input, base);
  }

  /** Drops the pending raw binary without opening it. */
  skipBinary(): void {
    const input = this.pendingBinary;
    if (!input) return;
    this.pendingBinaries = this.pendingBinaries.slice(1);
    this.log.info(`Did not open ${input.name}.`);
  }

  /** Shows file `id`. */
  select(id: number): void {
    if (this.files.some((f) => f.id === id)) this.selectedId = id;
  }

  /** Closes file `id`; the next file (or the previous one) is shown if it was. */
  remove(id: number): void {
    const index = this.files.findIndex((f) => f.id === id);
    if (index < 0) return;
    const [removed] = this.files.slice(index, index + 1);
    this.files = this.files.filter((f) => f.id !== id);
    if (this.selectedId === id) this.selectedId = (this.files[index] ?? this.files[index - 1])?.id;
    this.log.info(`Closed ${removed.name}.`);
  }

  /** Parses one file in the device worker and adds it to the list, shown. */
  private async parse(input: FileInput, binBase?: number): Promise<FileEntry | undefined> {
    const started = this.clock();
    const size = input.bytes.length;
    this.parsing++;
    try {
      const options = binBase === undefined ? {} : { binBase };
      // Hashed before the bytes move to the worker: a firmware link names the file by it.
      const sha256 = input.sha256 ?? (await sha256Hex(input.bytes).catch(() => undefined));
      const dto = await this.device.parseFile(
        input.name,
        transfer(input.bytes, [input.bytes.buffer]),
        options,
      );
      const entry = new FileEntry(this.nextId++, dto, size, binBase, sha256);
      this.files = [...this.files, entry];
      this.selectedId = entry.id;
      this.error = undefined;
      this.log.info(openedLine(entry, this.clock() - started));
      for (const warning of entry.warnings) this.log.warn(`${entry.name}: ${warning}`);
      return entry;
    } catch (error) {
      this.error = this.log.failure(`Open ${input.name}`, error);
      return undefined;
    } finally {
      this.parsing--;
    }
  }
}

/** "Opened a.hex: Intel Hex, 6 ranges, 1,239,726 bytes in 180 ms". */
function openedLine(entry: FileEntry, ms: number): string {
  const parts = [FORMAT_LABELS[entry.format]];
  if (entry.boards.length > 0) {
    const boards = entry.boards.map((b) => `${hexValue(b.boardId, 4)} ${boardName(b.boardId)}`).join(', ');
    parts.push(
      `${plural(entry.boards.length, 'board')} (${boards}), showing ${hexValue(entry.boardId ?? 0, 4)}`,
    );
  }
  if (entry.binBase !== undefined) parts.push(`at ${hex32(entry.binBase)}`);
  parts.push(plural(entry.data.segmentCount, 'range'), byteCount(entry.data.byteCount));
  return `Opened ${entry.name}: ${parts.join(', ')} in ${duration(ms)}`;
}
