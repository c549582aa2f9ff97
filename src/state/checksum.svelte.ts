/**
 * The checksum panel: an algorithm, a range (the region shown, the data inside it, the whole
 * file or a custom span) and the result, computed in the device worker with a cancel button.
 *
 * No progress listener is passed: comlink only proxies top-level arguments, so a
 * `Comlink.proxy` callback nested in the options object cannot be posted (DataCloneError).
 */
import type { ChecksumAlgorithm, ChecksumResult } from '../core/checksum';
import { callWithSignal } from '../../workers/shared/cancellation';
import type { DeviceClient } from './clients';
import type { ChecksumScriptResult, RunChecksumScript } from './checksum-script-run';
import { ChecksumLibrary, profileFor, type ChecksumProfile, type ChecksumScript } from './checksum-scripts';
import { dataSpan } from './file-layout';
import type { FilesState } from './files.svelte';
import type { LogState } from './log.svelte';
import { hexRange, hexValue, parseAddress } from './text';

/** Which bytes the checksum covers. */
export type ChecksumScope = 'region' | 'data' | 'file' | 'custom';

/** A resolved checksum range `[start, end)` with its gap fill. */
export interface ChecksumSpan {
  /** First address. */
  start: number;
  /** One past the last address. */
  end: number;
  /** Value of bytes without data. */
  fill: number;
}

/** A finished checksum and what it was computed over. */
export interface ChecksumOutcome {
  /** The value. */
  result: ChecksumResult;
  /** File name. */
  fileName: string;
  /** The range, as `0x…–0x…`. */
  rangeText: string;
  /** The fill used for gaps. */
  fill: number;
}

/** What a checksum script gave, and over which file. */
export interface ChecksumScriptOutcome extends ChecksumScriptResult {
  /** The script's name. */
  script: string;
  /** File name. */
  fileName: string;
}

/** Checksum scripts and profiles: where they are kept and how a script runs. */
export interface ChecksumScriptDeps {
  /** The kept scripts and profiles. */
  library: ChecksumLibrary;
  /** Runs a script over a file. */
  run: RunChecksumScript;
}

/** The prefix of a checksum script's entry in {@link ChecksumState.choice}. */
const SCRIPT_PREFIX = 'script:';

/** The checksum panel's state. */
export class ChecksumState {
  /** Algorithm to compute. */
  algorithm = $state<ChecksumAlgorithm>('crc32');
  /** Which bytes to cover. */
  scope = $state<ChecksumScope>('region');
  /** Custom range: first address, as typed. */
  customStart = $state('');
  /** Custom range: last address (inclusive), as typed. */
  customLast = $state('');
  /** Gap fill byte, as typed in hex. */
  fillText = $state('FF');
  /** The last result. */
  outcome = $state.raw<ChecksumOutcome | undefined>();
  /** True while computing. */
  busy = $state(false);
  /** Why the last attempt failed, in plain words. */
  error = $state<string | undefined>();
  /** The checksum script chosen instead of a built-in, by name. */
  scriptName = $state<string | undefined>();
  /** The last checksum script's result. */
  scriptOutcome = $state.raw<ChecksumScriptOutcome | undefined>();
  /** The kept checksum scripts. */
  scripts = $state.raw<readonly ChecksumScript[]>([]);
  /** The checksum profiles (target pattern → checksum). */
  profiles = $state.raw<readonly ChecksumProfile[]>([]);

  /** The range the scope stands for in the file shown, or a message saying why there is none. */
  readonly span: ChecksumSpan | string = $derived.by(() => this.resolveSpan());

  private controller: AbortController | undefined;

  constructor(
    private readonly device: Pick<DeviceClient, 'checksum' | 'cancel'>,
    private readonly files: FilesState,
    private readonly log: LogState,
    private readonly scriptDeps?: ChecksumScriptDeps,
  ) {
    this.refreshLibrary();
  }

  /** The chosen checksum: a built-in's id, or `script:<name>` for a checksum script. */
  get choice(): string {
    return this.scriptName === undefined ? this.algorithm : `${SCRIPT_PREFIX}${this.scriptName}`;
  }

  set choice(value: string) {
    if (value.startsWith(SCRIPT_PREFIX)) {
      this.scriptName = value.slice(SCRIPT_PREFIX.length);
    } else {
      this.scriptName = undefined;
      this.algorithm = value as ChecksumAlgorithm;
    }
  }

  /** True where checksum scripts can be kept and run. */
  get scriptsAvailable(): boolean {
    return this.scriptDeps !== undefined;
  }

  /** Keeps a checksum script (from the script panel); resolves false and says why when it is not one. */
  keepScript(name: string, code: string): boolean {
    if (!this.scriptDeps) return false;
    try {
      this.scriptDeps.library.keepScript(name, code);
    } catch (error) {
      this.log.warn((error as Error).message);
      return false;
    }
    this.refreshLibrary();
    this.log.info(`Kept ${name} as a checksum script (Inspect files → Checksum).`);
    return true;
  }

  /** Forgets a kept checksum script. */
  removeScript(name: string): void {
    this.scriptDeps?.library.removeScript(name);
    if (this.scriptName === name) this.scriptName = undefined;
    this.refreshLibrary();
  }

  /** Adds a profile: targets matching `pattern` use the checksum chosen now. */
  addProfile(pattern: string): void {
    if (!this.scriptDeps || pattern.trim() === '') return;
    const profile: ChecksumProfile = {
      target_pattern: pattern.trim(),
      checksum_name: this.scriptName ?? this.algorithm,
      script_name: this.scriptName ?? '',
    };
    const rest = this.profiles.filter((p) => p.target_pattern !== profile.target_pattern);
    this.scriptDeps.library.setProfiles([...rest, profile]);
    this.refreshLibrary();
  }

  /** Replaces the profiles (e.g. with MultiProg's checksum_profiles.json). */
  setProfiles(profiles: readonly ChecksumProfile[]): void {
    this.scriptDeps?.library.setProfiles(profiles);
    this.refreshLibrary();
  }

  /**
   * A chip was connected (or read): the first profile matching its name chooses the checksum,
   * and when a file is open it is computed at once, as MultiProg's checksum profiles do.
   * Resolves with the profile used, if any.
   */
  async applyProfile(target: string): Promise<ChecksumProfile | undefined> {
    const profile = profileFor(this.profiles, target);
    if (!profile) return undefined;
    if (profile.script_name) {
      if (!this.scripts.some((s) => s.name === profile.script_name)) {
        this.log.warn(
          `The checksum profile for ${target} names ${profile.script_name}, which is not kept here.`,
        );
        return undefined;
      }
      this.scriptName = profile.script_name;
    } else {
      this.choice = profile.checksum_name;
    }
    this.log.info(
      `Checksum profile "${profile.target_pattern}" for ${target}: ${profile.script_name || profile.checksum_name}.`,
    );
    if (this.files.selected) await this.compute();
    return profile;
  }

  /** Computes the chosen checksum: a built-in in the device worker, or the checksum script. */
  async compute(): Promise<ChecksumResult | undefined> {
    if (this.scriptName !== undefined) {
      await this.computeScript(this.scriptName);
      return undefined;
    }
    const file = this.files.selected;
    const span = this.span;
    if (!file || this.busy) return undefined;
    if (typeof span === 'string') {
      this.error = span;
      return undefined;
    }
    this.busy = true;
    this.error = undefined;
    const controller = new AbortController();
    this.controller = controller;
    const segments = file.data.slice(span.start, span.end).segments();
    const rangeText = hexRange(span.start, span.end);
    try {
      const result = await callWithSignal(
        controller.signal,
        (callId) => this.device.cancel(callId),
        (callId) => this.device.checksum([...segments], this.algorithm, span, { callId }),
      );
      this.outcome = { result, fileName: file.name, rangeText, fill: span.fill };
      this.log.info(
        `${result.algorithm.toUpperCase()} of ${file.name} ${rangeText} (gaps ${hexValue(span.fill)}): 0x${result.hex.toUpperCase()}`,
      );
      return result;
    } catch (error) {
      this.error = this.log.failure(`Checksum of ${file.name}`, error);
      return undefined;
    } finally {
      this.busy = false;
      this.controller = undefined;
    }
  }

  private async computeScript(name: string): Promise<void> {
    const file = this.files.selected;
    const script = this.scripts.find((s) => s.name === name);
    if (!file || this.busy || !this.scriptDeps) return;
    if (!script) {
      this.error = `The checksum script ${name} is not kept here any more.`;
      return;
    }
    this.busy = true;
    this.error = undefined;
    try {
      const result = await this.scriptDeps.run(script, file);
      this.scriptOutcome = { ...result, script: name, fileName: file.name };
      this.log.info(`${name} over ${file.name}: ${result.label}: ${result.value}`);
    } catch (error) {
      this.error = this.log.failure(`Checksum script ${name} over ${file.name}`, error);
    } finally {
      this.busy = false;
    }
  }

  private refreshLibrary(): void {
    this.scripts = this.scriptDeps?.library.scripts ?? [];
    this.profiles = this.scriptDeps?.library.profiles ?? [];
  }

  /** Cancels a running computation. */
  cancel(): void {
    this.controller?.abort();
  }

  private resolveSpan(): ChecksumSpan | string {
    const file = this.files.selected;
    if (!file) return 'Open a file first.';
    const fill = parseAddress(this.fillText, 0xff);
    if (fill === undefined) return 'The fill must be one byte in hex, e.g. FF.';
    const range = file.range;
    switch (this.scope) {
      case 'region':
        return { start: range.start, end: range.end, fill };
      case 'data': {
        const span = dataSpan(file.data, range);
        return span ? { ...span, fill } : `${range.name} holds no data.`;
      }
      case 'file': {
        const span = file.data.bounds();
        return span ? { ...span, fill } : `${file.name} holds no data.`;
      }
      case 'custom': {
        const start = parseAddress(this.customStart);
        const last = parseAddress(this.customLast);
        if (start === undefined || last === undefined) return 'Type the first and last address in hex.';
        if (last < start) return 'The last address must not lie before the first.';
        return { start, end: last + 1, fill };
      }
    }
  }
}
