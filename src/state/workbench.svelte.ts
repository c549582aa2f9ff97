/**
 * The chip workbench: a device script edited as ARM assembly (or opened as a built `.swds`),
 * assembled in the page by our own assembler (an error marks its line), then tried on the
 * selected CMSIS-DAP chip through the device worker: CortexProg's info with every script's match
 * verdict, the entries run one by one (with syscall traps, time and registers), the flash the
 * last init stage describes, and an erase / write / read-back test of one block (a write to the
 * device: asked first). The script is then saved among the person's device scripts, which
 * identification tries before the built-in ones, so the normal Flash flow uses it.
 */
import { assembleDeviceScript } from '../core/asm';
import { parseSwds, type FlashArea } from '../core/device-script';
import { WebProgError, formatAddress } from '../core/errors';
import { summariseScriptFooter, type ScriptFooterSummary } from '../core/user-targets';
import type {
  BenchBlockResult,
  BenchInfo,
  BenchLoaded,
  BenchPattern,
  BenchScriptFile,
  BenchStage,
  BenchStageResult,
} from '../../workers/device/cmsis-dap/bench-api';
import type { LogState } from './log.svelte';
import { PendingConfirmation, type Confirmation } from './pending-confirmation.svelte';
import type { WorkbenchClient } from './workbench-client';

/** The load address in a script file name (`<id>.<load hex>.<m0|m3>.S`). */
const FILE_NAME = /\.([0-9a-f]{1,8})\.(m0|m3)\.(?:s|asm)$/i;

/** The load address when the file name gives none. */
export const DEFAULT_LOAD_ADDRESS = 0x2000_0000;

/** What the workbench needs around it. */
export interface WorkbenchDeps {
  /** The device worker's workbench calls. */
  client: WorkbenchClient;
  /** The session log. */
  log: LogState;
  /** Finds `.include`d files of the script set. */
  includes: ReadonlyMap<string, string>;
  /** The selected device when it is a CMSIS-DAP probe (id and name), else undefined. */
  device: () => { id: string; name: string } | undefined;
  /** Keeps a device script among the person's own (the target picker's load). */
  saveScript: (file: string, bytes: Uint8Array) => Promise<{ name: string } | undefined>;
  /** Connects the selected device again (identification then tries the saved script first). */
  reconnect?: (deviceId: string) => Promise<boolean>;
}

/** An assembly error as the editor marks it. */
export interface AsmErrorMark {
  line: number;
  message: string;
}

/** The workbench's state. */
export class WorkbenchState {
  /** The assembly text edited. */
  source = $state('');
  /** Its file name (gives the load address). */
  file = $state('script.20000000.m0.S');
  /** A built script opened as bytes (no source to edit); cleared by editing a source. */
  binary = $state.raw<BenchScriptFile | undefined>(undefined);
  /** The last assembled (or opened) script. */
  built = $state.raw<BenchScriptFile | undefined>(undefined);
  /** Its footer, shown beside the editor. */
  footer = $state.raw<ScriptFooterSummary | undefined>(undefined);
  /** The line the last assembly failed on. */
  errorMark = $state.raw<AsmErrorMark | undefined>(undefined);
  /** Why the last step failed, in plain words. */
  problem = $state<string | undefined>(undefined);
  /** The step running ("info", "cpuid", "block test"...), undefined when idle. */
  busy = $state<string | undefined>(undefined);
  /** CortexProg's info of the last run. */
  info = $state.raw<BenchInfo | undefined>(undefined);
  /** The uploaded script's entries. */
  loaded = $state.raw<BenchLoaded | undefined>(undefined);
  /** The entries run since the upload, in order. */
  runs = $state.raw<BenchStageResult[]>([]);
  /** The flash the last init stage described. */
  flash = $state.raw<FlashArea[] | undefined>(undefined);
  /** The last block test. */
  block = $state.raw<BenchBlockResult | undefined>(undefined);
  /** The question the block test asks (it writes to the chip). */
  private readonly pending = new PendingConfirmation();

  constructor(private readonly deps: WorkbenchDeps) {}

  /** The load address the file name gives (default 0x20000000). */
  get loadAddress(): number {
    const m = FILE_NAME.exec(this.file);
    return m ? parseInt(m[1], 16) : DEFAULT_LOAD_ADDRESS;
  }

  /** Edits the source (a built script opened before is dropped). */
  edit(text: string): void {
    this.source = text;
    this.binary = undefined;
  }

  /** Opens a file: assembly text into the editor, a built `.swds` / `.bin` as it is. */
  open(file: string, bytes: Uint8Array): void {
    this.problem = undefined;
    this.errorMark = undefined;
    if (/\.(s|asm|inc)$/i.test(file)) {
      this.file = file;
      this.source = new TextDecoder().decode(bytes);
      this.binary = undefined;
      this.assemble();
    } else {
      try {
        this.footer = summariseScriptFooter(parseSwds(bytes, file));
        this.binary = { file, bytes };
        this.built = this.binary;
        this.file = file;
      } catch (error) {
        this.problem = this.deps.log.failure(`Open ${file}`, error);
      }
    }
  }

  /** Starts from a shipped script's source. */
  startFrom(file: string, text: string): void {
    this.open(file, new TextEncoder().encode(text));
  }

  /** Assembles the source; an error names its line and marks it. Returns the script or undefined. */
  assemble(): BenchScriptFile | undefined {
    this.problem = undefined;
    this.errorMark = undefined;
    if (this.binary) return this.binary;
    const includes = this.deps.includes;
    try {
      const bytes = assembleDeviceScript(this.source, {
        fileName: this.file,
        loadAddress: this.loadAddress,
        include: (name) => includes.get(name.slice(name.lastIndexOf('/') + 1)),
        cpu: /\.m3\./i.test(this.file) ? 'cortex-m3' : 'cortex-m0',
      });
      const swds = `${this.file.replace(/\.(s|asm)$/i, '')}.swds`;
      this.footer = summariseScriptFooter(parseSwds(bytes, swds));
      this.built = { file: swds, bytes };
      return this.built;
    } catch (error) {
      const e = error instanceof WebProgError ? error : undefined;
      // The assembler's message starts with "file:line:".
      this.problem = (error as Error).message;
      if (e?.line !== undefined && (e.file === undefined || e.file === this.file))
        this.errorMark = { line: e.line, message: e.message };
      this.built = undefined;
      this.footer = undefined;
      return undefined;
    }
  }

  /** CortexProg's info on the selected chip, with this script tried after the others. */
  async runInfo(): Promise<void> {
    const script = this.source.trim() || this.binary ? this.assemble() : undefined;
    if (!script && this.problem) return;
    await this.step('info', async (id) => {
      this.info = await this.deps.client.benchInfo(id, script);
    });
  }

  /** Assembles and uploads the script to the selected chip (the runs start afresh). */
  async upload(): Promise<boolean> {
    const script = this.assemble();
    if (!script) return false;
    return this.step('upload', async (id) => {
      this.runs = [];
      this.flash = undefined;
      this.block = undefined;
      this.loaded = await this.deps.client.benchLoad(id, script);
      this.deps.log.info(
        `Workbench: uploaded "${this.loaded.name}" (${this.loaded.size} bytes at ${formatAddress(this.loaded.loadAddr)}).`,
      );
    });
  }

  /** Runs one entry of the uploaded script. */
  async runStage(stage: BenchStage): Promise<boolean> {
    return this.step(stage, async (id) => {
      const run = await this.deps.client.benchStage(id, stage);
      this.runs = [...this.runs, run];
      if (run.flash) this.flash = run.flash;
      if (run.flashProblem) this.problem = run.flashProblem;
    });
  }

  /** Uploads the script and runs its stages in order (cpuid, then the init stages). */
  async runAll(): Promise<void> {
    if (!(await this.upload()) || !this.loaded) return;
    for (const stage of this.loaded.stages) if (!(await this.runStage(stage))) return;
  }

  /** Erases, writes `pattern` to and reads back the block at `address` (asked first). */
  async testBlock(address: number, pattern: BenchPattern): Promise<void> {
    await this.step('block test', async (id) => {
      this.block = await this.deps.client.benchBlock(
        id,
        { address, pattern },
        { allowWrites: true, confirm: (message) => this.pending.ask(message) },
      );
      const b = this.block;
      this.deps.log.info(
        `Workbench: block ${formatAddress(b.address)} ${b.readBackMatches ? 'reads back as written' : `differs at ${formatAddress(b.firstDifference!.address)}`}.`,
      );
    });
  }

  /** Keeps the script among the person's device scripts (identification tries it first). */
  async save(): Promise<boolean> {
    const script = this.assemble();
    if (!script) return false;
    const saved = await this.deps.saveScript(script.file, script.bytes);
    return saved !== undefined;
  }

  /**
   * Saves the script and connects the selected chip again, so identification (which tries the
   * person's scripts first) takes it and the normal Flash flow flashes through it. True when
   * the chip was identified again.
   */
  async saveAndUse(): Promise<boolean> {
    if (!(await this.save())) return false;
    const device = this.deps.device();
    if (!device || !this.deps.reconnect) return false;
    this.loaded = undefined;
    return this.deps.reconnect(device.id);
  }

  /** A pending question. */
  get confirmation(): Confirmation | undefined {
    return this.pending.current;
  }

  /** Answers the pending question. */
  answer(ok: boolean): void {
    this.pending.answer(ok);
  }

  /** Runs one worker step on the selected device; a failure is shown and logged. */
  private async step(what: string, work: (deviceId: string) => Promise<void>): Promise<boolean> {
    const device = this.deps.device();
    if (!device) {
      this.problem = 'Select a CMSIS-DAP probe (or a simulated board) in the device panel first.';
      return false;
    }
    if (this.busy) return false;
    this.busy = what;
    this.problem = undefined;
    try {
      await work(device.id);
      return true;
    } catch (error) {
      this.problem = this.deps.log.failure(`Workbench ${what}`, error);
      return false;
    } finally {
      this.busy = undefined;
    }
  }
}
