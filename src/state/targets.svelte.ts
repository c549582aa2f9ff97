/**
 * The target picker's state: the built-in device scripts and the targets the person loaded
 * (device scripts, CMSIS algorithms from a .FLM, a pack's device or a probe-rs variant), kept
 * in a {@link TargetStore} and handed to the device worker; a search over them; the chip chosen
 * for the next connect (a loaded CMSIS target is used only when chosen); the loaded targets
 * that fit an identified chip (or one no script matched), ranked from its ROM table; and the
 * footer of a loaded script.
 */
import {
  devicesInFile,
  searchTargets,
  fitTargets,
  summariseScriptFooter,
  targetEntries,
  TargetLibrary,
  userScript,
  type LoadTargetOptions,
  type ScriptFooterSummary,
  type TargetEntry,
  type TargetFit,
  type TargetStore,
  type UserTarget,
} from '../core/user-targets';
import type { DeviceScript } from '../core/device-script';
import type { LogState } from './log.svelte';

/** What the state needs of the device worker. */
export interface TargetsClient {
  setUserTargets(targets: UserTarget[]): Promise<{ skipped: { name: string; reason: string }[] }>;
}

/** A built-in script as the picker lists it. */
export type BuiltInScript = Pick<DeviceScript, 'name' | 'file' | 'pidMasks' | 'pidValues'>;

/** A file waiting for the person to choose one of its devices. */
export interface PendingFile {
  file: string;
  bytes: Uint8Array;
  devices: string[];
}

/** The target picker. */
export class TargetsState {
  /** Targets loaded by the person. */
  loaded = $state<UserTarget[]>([]);
  /** Search text. */
  query = $state('');
  /** The chip named at the next connect (undefined: identify by the ROM table). */
  chosen = $state<string | undefined>(undefined);
  /** A pack or target description with several devices, waiting for a choice. */
  pending = $state<PendingFile | undefined>(undefined);
  /** Why the last load failed, in plain words. */
  problem = $state<string | undefined>(undefined);

  private readonly library: TargetLibrary;

  constructor(
    private readonly client: TargetsClient,
    store: TargetStore,
    private readonly builtIn: readonly BuiltInScript[],
    private readonly log: LogState,
  ) {
    this.library = new TargetLibrary(store);
  }

  /** Every target, built-in first. */
  get entries(): TargetEntry[] {
    return targetEntries(this.builtIn, this.loaded);
  }

  /** The targets matching {@link query}. */
  get found(): TargetEntry[] {
    return searchTargets(this.entries, this.query);
  }

  /** Reads the kept targets and hands them to the device worker. */
  async start(): Promise<void> {
    this.loaded = await this.library.list();
    await this.sync();
  }

  /**
   * Loads a file. A pack or target description with several devices asks for one first
   * ({@link pending}); a file that does not parse keeps nothing and sets {@link problem}.
   */
  async load(
    file: string,
    bytes: Uint8Array,
    options: LoadTargetOptions = {},
  ): Promise<UserTarget | undefined> {
    this.problem = undefined;
    try {
      if (options.device === undefined) {
        const devices = devicesInFile(file, bytes);
        if (devices.length > 1) {
          this.pending = { file, bytes, devices };
          return undefined;
        }
      }
      const target = await this.library.add(file, bytes, options);
      // Another file loaded meanwhile leaves a pending choice waiting.
      if (this.pending?.file === file) this.pending = undefined;
      this.loaded = await this.library.list();
      await this.sync();
      this.log.info(`Loaded ${target.name} from ${file}.`);
      return target;
    } catch (error) {
      this.problem = (error as Error).message;
      this.log.failure(`Load ${file}`, error);
      return undefined;
    }
  }

  /** Loads the pending file's device `device`. */
  async choosePending(device: string): Promise<UserTarget | undefined> {
    const p = this.pending;
    if (!p) return undefined;
    return this.load(p.file, p.bytes, { device });
  }

  /** Forgets a loaded target (and the choice, when it was chosen). */
  async remove(id: string): Promise<void> {
    const t = this.loaded.find((x) => x.id === id);
    await this.library.remove(id);
    this.loaded = await this.library.list();
    if (t && this.chosen === t.name) this.chosen = undefined;
    await this.sync();
  }

  /** Chooses the chip for the next connect (undefined: identify automatically). */
  choose(name: string | undefined): void {
    this.chosen = name;
  }

  /**
   * The loaded targets that fit a chip whose ROM table reads `pids` (PID4..7, PID0..3),
   * identified as `name` when it was, best first with the reasons.
   */
  suggestionsFor(pids: readonly number[], name?: string): TargetFit[] {
    return fitTargets(this.entries, { pids, ...(name ? { name } : {}) });
  }

  /** The footer of a loaded device script. */
  footerOf(id: string): ScriptFooterSummary | undefined {
    const t = this.loaded.find((x) => x.id === id);
    if (!t || t.kind !== 'device-script') return undefined;
    return summariseScriptFooter(userScript(t));
  }

  private async sync(): Promise<void> {
    const { skipped } = await this.client.setUserTargets($state.snapshot(this.loaded) as UserTarget[]);
    for (const s of skipped) this.log.warn(`Loaded target ${s.name} left out: ${s.reason}`);
  }
}

/**
 * The ROM table PIDs in a CHIP_UNKNOWN message ("PID4..7,PID0..3: 0x04 0x00 …", as the device
 * worker writes it), for suggestions; undefined when the message has none.
 */
export function pidsFromUnknownChip(message: string): number[] | undefined {
  const m = /PID4\.\.7,PID0\.\.3: ((?:0x[0-9A-Fa-f]{2} ?){8})/.exec(message);
  return m
    ? m[1]
        .trim()
        .split(/\s+/)
        .map((h) => parseInt(h, 16))
    : undefined;
}
