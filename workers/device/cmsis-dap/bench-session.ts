/**
 * The device-script workbench's session on one chip: a script uploaded from the page, its entry
 * points run one at a time (each with its syscall traps, time and R0–R3), the flash its last init
 * stage describes, and an erase / write / read-back test of one block of it.
 */
import { parseSwds, readFlashAreas, type FlashArea } from '../../../src/core/device-script';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type {
  BenchBlockRequest,
  BenchBlockResult,
  BenchEntryRun,
  BenchLoaded,
  BenchScriptFile,
  BenchStage,
  BenchStageResult,
  BenchTrap,
} from './bench-api';
import type { BenchLink } from './backend';
import { patternBytes } from './bench-pattern';
import { safeReadHost, type ScriptCandidate } from './identify';
import { toCandidate } from './script-catalogue';
import { CPUID_KEY, EntryTimeoutMs, ScriptRunner, Slot } from './script-runner';

/** Each stage's header slot, name and time limit. */
const STAGES: Record<BenchStage, { slot: number; name: string; timeoutMs: number }> = {
  cpuid: { slot: Slot.cpuid, name: 'cpuid', timeoutMs: EntryTimeoutMs.cpuid },
  init1: { slot: Slot.initStage1, name: 'init stage 1', timeoutMs: EntryTimeoutMs.init },
  init2: { slot: Slot.initStage2, name: 'init stage 2', timeoutMs: EntryTimeoutMs.init },
  init3: { slot: Slot.initStage3, name: 'init stage 3', timeoutMs: EntryTimeoutMs.init },
};

/** A script parsed from the page's bytes, as the runner takes it. */
export function benchCandidate(file: BenchScriptFile): ScriptCandidate {
  return toCandidate(parseSwds(file.bytes, file.file));
}

/** One uploaded script on one chip. */
export class BenchSession {
  private readonly runner: ScriptRunner;
  /** The flash the last init stage described (undefined until it ran and decoded). */
  flash: FlashArea[] | undefined;

  constructor(
    readonly link: BenchLink,
    readonly script: ScriptCandidate,
  ) {
    this.runner = new ScriptRunner(link.cpu, script);
  }

  /** Uploads the script and arms the syscall trap. */
  async load(): Promise<BenchLoaded> {
    await this.runner.load();
    this.flash = undefined;
    const { script, runner } = this;
    return {
      name: script.name,
      loadAddr: script.loadAddr,
      stagingAddr: script.stagingAddr,
      size: script.image.length,
      stages: (['cpuid', 'init1', 'init2', 'init3'] as const).filter((s) => runner.has(STAGES[s].slot)),
      entries: {
        allErase: runner.has(Slot.allErase),
        pageErase: runner.has(Slot.pageErase),
        pageWrite: runner.has(Slot.pageWrite),
      },
    };
  }

  /** Runs `stage`; the last init stage present also decodes the flash description it returns. */
  async stage(stage: BenchStage): Promise<BenchStageResult> {
    const { slot, name, timeoutMs } = STAGES[stage];
    const run = await this.run(slot, [], timeoutMs, name, (r) => verdictOf(stage, r));
    if (stage === 'cpuid' || stage !== this.lastInit()) return run;
    const [r0, r1] = run.registers;
    try {
      const ap = this.link.cpu.ap;
      this.flash = await readFlashAreas((a, n) => ap.readBytes(a, n), r0, r1, this.script.name);
      return { ...run, flash: this.flash };
    } catch (error) {
      if (!(error instanceof WebProgError) || error.code === 'DEVICE_LOST') throw error;
      this.flash = undefined;
      return { ...run, ok: false, flashProblem: error.message };
    }
  }

  /** Erases, writes `request.pattern` to and reads back the erase block at `request.address`. */
  async block(request: BenchBlockRequest): Promise<BenchBlockResult> {
    const block = this.blockAt(request.address);
    const ap = this.link.cpu.ap;
    const result: BenchBlockResult = {
      address: block.address,
      size: block.eraseSize,
      writes: [],
      readBackMatches: false,
      head: new Uint8Array(0),
    };
    if (request.erase ?? true) {
      result.erase = await this.run(
        Slot.pageErase,
        [block.address],
        EntryTimeoutMs.pageErase,
        'pageErase',
        okVerdict,
      );
      const after = await ap.readBytes(block.address, block.eraseSize);
      result.blankAfterErase = after.every((b) => b === 0xff);
    }
    const written = request.write ?? true;
    const expected = written ? patternBytes(request.pattern, block.address, block.eraseSize) : undefined;
    if (expected) {
      for (let at = 0; at < block.eraseSize; at += block.writeSize) {
        await ap.writeBytes(this.script.stagingAddr, expected.subarray(at, at + block.writeSize));
        const run = await this.run(
          Slot.pageWrite,
          [block.address + at],
          EntryTimeoutMs.pageWrite,
          'pageWrite',
          okVerdict,
        );
        result.writes.push(run);
        if (!run.ok) break;
      }
    }
    const back = await ap.readBytes(block.address, block.eraseSize);
    const want = expected ?? new Uint8Array(block.eraseSize).fill(0xff);
    const i = back.findIndex((b, n) => b !== want[n]);
    result.readBackMatches = i < 0;
    if (i >= 0) result.firstDifference = { address: block.address + i, actual: back[i], expected: want[i] };
    result.head = back.slice(0, 64);
    return result;
  }

  /** The erase block starting at `address` in the decoded flash; INVALID_ARGUMENT otherwise. */
  private blockAt(address: number): { address: number; eraseSize: number; writeSize: number } {
    if (!this.flash) {
      throw new WebProgError(
        'NOT_CONNECTED',
        'Run the init stages first: the block test needs the flash layout init describes.',
      );
    }
    for (const area of this.flash) {
      for (const run of area.runs) {
        const offset = address - run.address;
        if (offset >= 0 && offset < run.eraseSize * run.count && offset % run.eraseSize === 0)
          return { address, eraseSize: run.eraseSize, writeSize: run.writeSize };
      }
    }
    throw new WebProgError(
      'ADDRESS_MISALIGNED',
      `${formatAddress(address)} does not start an erase block of the flash init described.`,
      { address },
    );
  }

  /** The last init stage the header has. */
  private lastInit(): BenchStage | undefined {
    return (['init3', 'init2', 'init1'] as const).find((s) => this.runner.has(STAGES[s].slot));
  }

  /** Calls one entry, tracing its syscalls and timing it; reads R0–R3 after. */
  private async run(
    slot: number,
    args: number[],
    timeoutMs: number,
    name: string,
    verdict: (r: number[]) => { ok: boolean; verdict: string },
  ): Promise<BenchEntryRun> {
    const { now, cpu } = this.link;
    const traps: BenchTrap[] = [];
    const started = now();
    const host = {
      ...safeReadHost(cpu.ap),
      onSyscall: (e: object) => traps.push({ ...e, atMs: now() - started } as BenchTrap),
    };
    await this.runner.call(slot, args, timeoutMs, host, name);
    const timeMs = now() - started;
    const registers = (await cpu.readRegisters([0, 1, 2, 3])).map(
      (r) => r >>> 0,
    ) as BenchEntryRun['registers'];
    return { entry: name, registers, timeMs, traps, ...verdict(registers) };
  }
}

/** R0 ≠ 0 is success (erase, write). */
function okVerdict(r: number[]): { ok: boolean; verdict: string } {
  return r[0] !== 0 ? { ok: true, verdict: 'done (R0 = 1)' } : { ok: false, verdict: 'refused (R0 = 0)' };
}

/** What a stage's registers mean. */
function verdictOf(stage: BenchStage, r: number[]): { ok: boolean; verdict: string } {
  if (stage === 'cpuid') {
    return r[0] !== 0 && r[1] === CPUID_KEY
      ? { ok: true, verdict: 'cpuid accepts the core (R0 ≠ 0, R1 = 0xACEFACE5)' }
      : { ok: false, verdict: 'cpuid refuses the core' };
  }
  return r[0] !== 0 && r[0] % 4 === 0
    ? { ok: true, verdict: `FlashInfoRaw at ${formatAddress(r[0])}, FlashNamesRaw at ${formatAddress(r[1])}` }
    : { ok: r[0] !== 0, verdict: r[0] === 0 ? 'R0 = 0' : `R0 = ${formatAddress(r[0])}` };
}
