/**
 * The CMSIS-DAP backend: a probe reached through WebUSB, a Cortex-M chip identified and
 * flashed through CortexProg-style device scripts. Implements {@link Backend}.
 */
import { crc32 } from '../../../src/core/checksum';
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import type { FlashAlgorithm } from '../../../src/core/flash/algorithm';
import { ChipChangeLog, withChipChanges } from '../../../src/core/flash/chip-changes';
import { flashImage, isErased, verifyBlocks } from '../../../src/core/flash/flasher';
import { buildLayout } from '../../../src/core/flash/layout';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks, regionEnd, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../../src/core/progress';
import type {
  Backend,
  BlockChecksum,
  ConnectResult,
  FlashOperationOptions,
  OperationContext,
  OperationReport,
  PowerSetting,
  ProgrammerInfo,
  TargetInfo,
  TargetUart,
} from '../backend';
import { DebugWriteGate } from '../debug-write-gate';
import { debugConfirmation, type DebugInfo, type DebugRequest, type DebugResult } from '../debug-api';
import { checkSegment, requireWrites } from '../segments';
import { CortexM } from './cortex-m';
import { DapProbe, type ProbeInfo } from './dap-probe';
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { CmsisTargetFlash, crc32Routine } from './cmsis-target-flash';
import { DaplinkUart } from './daplink-uart';
import { identifyChip, readChipIds, safeReadHost, type ChipIds, type ScriptCandidate } from './identify';
import { haltOrLocked, requireReadableFlash } from './read-protection';
import { MemAp, type DebugPortInfo } from './mem-ap';
import type { PacketTransport } from './packet-transport';
import { ScriptFlashAlgorithm } from './script-flash';
import { eraseCostsFor } from './erase-costs';
import { unlockChip } from './unlock';
import { EntryTimeoutMs, Slot, type ScriptRunner } from './script-runner';

/** Reads target memory for the flash-layout decoder. */
export type TargetReader = (address: number, length: number) => Promise<Uint8Array>;

/**
 * Decodes FlashInfoRaw (at `infoAddress`) and FlashNamesRaw (at `namesAddress`, or 0) into
 * regions; errors name the script `scriptName` when given.
 */
export type FlashLayoutDecoder = (
  read: TargetReader,
  infoAddress: number,
  namesAddress: number,
  scriptName?: string,
) => Promise<Region[]>;

/** What the backend needs besides the USB link. */
export interface CmsisDapBackendOptions {
  /** Device scripts to try, in order. */
  scripts: () => Promise<readonly ScriptCandidate[]>;
  /** The FlashInfoRaw decoder. */
  decodeLayout: FlashLayoutDecoder;
  /** SWD clock in Hz (default 4 MHz). */
  clockHz?: number;
  /** Milliseconds now (for deadlines); real time by default. */
  now?: () => number;
  /**
   * CMSIS flash algorithm targets the person loaded (from a `.FLM`, a CMSIS-Pack or a probe-rs
   * target description): connecting with `ctx.chip` equal to one's name (any case) flashes
   * through its algorithms instead of a device script.
   */
  cmsisTargets?: () => Promise<readonly CmsisTarget[]>;
}

/** Connected state. */
interface Session {
  probe: ProbeInfo;
  cpu: CortexM;
  /** The device script's runner and script, when flashing through a device script. */
  runner?: ScriptRunner;
  script?: ScriptCandidate;
  /** The CMSIS algorithms, when flashing through them. */
  cmsis?: CmsisTargetFlash;
  /** RAM the loaded code occupies (raw writes there disturb the session). */
  loaded: { address: number; size: number };
  /** RAM buffer for write data. */
  stagingAddr: number;
  algorithm: FlashAlgorithm;
  regions: Region[];
  target: TargetInfo;
}

/** The device-script workbench's hold on the core (see {@link CmsisDapBackend.benchAttach}). */
export interface BenchLink {
  /** The halted core. */
  cpu: CortexM;
  /** What the debug port reported. */
  port: DebugPortInfo;
  /** The ROM table's ids and the CPUID. */
  ids: ChipIds;
  /** The backend's clock in ms (a simulated probe's modeled time). */
  now: () => number;
}

/** Alignment for read/verify segments (word access). */
const READ_ALIGNMENT = 4;

/** A CMSIS-DAP probe with its target chip. */
export class CmsisDapBackend implements Backend {
  readonly type = 'cmsis-dap';
  private dap: DapProbe;
  private session: Session | undefined;
  private opened = false;
  private probeInfo: ProbeInfo | undefined;
  private debugCpu: CortexM | undefined;
  /**
   * Set by raw debug access that may have changed what the session relies on (the loaded
   * device script, its core state and trap, the debug port's state): the next operation
   * connects again before it touches the chip.
   */
  private disturbed = false;
  /** The hardware-write gate of debug requests (remembers registers a script set). */
  private readonly debugGate = new DebugWriteGate();
  /** The device-script workbench's hold on the core, until anything else connects. */
  private benchLink: BenchLink | undefined;

  constructor(
    private readonly transport: PacketTransport,
    private readonly options: CmsisDapBackendOptions,
  ) {
    this.dap = new DapProbe(transport);
  }

  /** USB packets sent so far (for tests and benchmarks). */
  get packetsSent(): number {
    return this.dap.pipe.packetsSent;
  }

  isConnected(): boolean {
    return this.session !== undefined;
  }

  regions(): readonly Region[] {
    return this.session?.regions ?? [];
  }

  async connect(ctx: OperationContext = {}): Promise<ConnectResult> {
    this.session = undefined;
    this.benchLink = undefined;
    try {
      await this.openLink();
      // Responses left over from an earlier, interrupted session would answer our commands.
      await this.dap.pipe.drain();
      this.dap.pipe.takeStaleSeen();
      throwIfCancelled(ctx.signal);
      const probe = await this.dap.readInfo();
      this.probeInfo = probe;
      const ap = new MemAp(this.dap);
      const port = await ap.connect({ clockHz: this.options.clockHz });
      const cpu = new CortexM(ap, this.options.now);
      const ids = await readChipIds(ap, port);
      await haltOrLocked(cpu, ids.romTable);
      throwIfCancelled(ctx.signal);
      const cmsis = await this.cmsisTargetNamed(ctx.chip);
      if (cmsis) return await this.connectCmsis(probe, cpu, ids, cmsis);
      const { script, runner } = await identifyChip(cpu, ids, await this.options.scripts(), ctx.chip);
      const host = safeReadHost(ap);
      let init = { r0: 0xffffffff, r1: 0 };
      for (const [slot, name] of [
        [Slot.initStage1, 'init stage 1'],
        [Slot.initStage2, 'init stage 2'],
        [Slot.initStage3, 'init stage 3'],
      ] as const) {
        if (runner.has(slot)) init = await runner.call(slot, [], EntryTimeoutMs.init, host, name);
      }
      if (init.r0 === 0 || init.r0 & 3) {
        throw new WebProgError(
          'DEVICE_PROTOCOL',
          `Device script "${script.name}" did not describe the flash (FlashInfoRaw at ${formatAddress(init.r0)}).`,
        );
      }
      const regions = await this.options.decodeLayout(
        (a, n) => ap.readBytes(a, n),
        init.r0,
        init.r1,
        script.name,
      );
      await requireReadableFlash(ap, regions);
      const stagingBytes = Math.max(...regions.map((r) => r.writeSize));
      const algorithm = new ScriptFlashAlgorithm(
        runner,
        host,
        script.extension,
        stagingBytes,
        eraseCostsFor(script.name),
      );
      const target: TargetInfo = {
        name: script.name,
        additional: [
          ...regions.map(
            (r) =>
              `${r.name}: ${formatAddress(r.base)}, ${r.size / 1024} KiB, blocks of ${r.eraseSize} bytes`,
          ),
          `CPUID ${ids.cpuid === undefined ? 'unreadable' : formatAddress(ids.cpuid)}, DPIDR ${formatAddress(ids.dpidr)}`,
        ],
        romTablePids: [...ids.pids],
      };
      this.session = {
        probe,
        cpu,
        runner,
        script,
        algorithm,
        regions,
        target,
        loaded: { address: script.loadAddr, size: script.image.length },
        stagingAddr: script.stagingAddr,
      };
      this.disturbed = false;
      return { target, regions };
    } catch (error) {
      this.session = undefined;
      throw error;
    }
  }

  /**
   * Hands the core to the device-script workbench: opens the link, connects the MEM-AP, reads
   * the ROM table and halts the core. A flashing session is kept but marked disturbed (the
   * workbench uploads its own code to RAM), so the next operation connects again first; any
   * connect ends the workbench's hold ({@link holdsBench} turns false).
   */
  async benchAttach(): Promise<BenchLink> {
    this.benchLink = undefined;
    if (this.session) this.disturbed = true;
    await this.openLink();
    await this.dap.pipe.drain();
    this.dap.pipe.takeStaleSeen();
    this.probeInfo = await this.dap.readInfo();
    const ap = new MemAp(this.dap);
    const port = await ap.connect({ clockHz: this.options.clockHz });
    const cpu = new CortexM(ap, this.options.now);
    const ids = await readChipIds(ap, port);
    await haltOrLocked(cpu, ids.romTable);
    const link: BenchLink = { cpu, port, ids, now: this.options.now ?? (() => Date.now()) };
    this.benchLink = link;
    return link;
  }

  /** True while `link` (from {@link benchAttach}) still holds the core: nothing connected since. */
  holdsBench(link: BenchLink): boolean {
    return this.benchLink === link && !this.dap.pipe.isLost;
  }

  /** The loaded CMSIS target named exactly `chip` (any case), if any. */
  private async cmsisTargetNamed(chip: string | undefined): Promise<CmsisTarget | undefined> {
    if (chip === undefined || !this.options.cmsisTargets) return undefined;
    const wanted = chip.trim().toLowerCase();
    return (await this.options.cmsisTargets()).find((t) => t.name.toLowerCase() === wanted);
  }

  /**
   * Connects through a CMSIS target's flash algorithms: lays them out in its RAM (refused
   * before anything is written when they do not fit), checks the RAM exists and uploads the
   * first algorithm. The regions are the algorithms' flash descriptions.
   */
  private async connectCmsis(
    probe: ProbeInfo,
    cpu: CortexM,
    ids: ChipIds,
    chosen: CmsisTarget,
  ): Promise<ConnectResult> {
    const flash = new CmsisTargetFlash(cpu, chosen, crc32Routine());
    await flash.load();
    const regions = flash.regions;
    const target: TargetInfo = {
      name: chosen.name,
      additional: [
        ...regions.map(
          (r) => `${r.name}: ${formatAddress(r.base)}, ${r.size / 1024} KiB, sectors of ${r.eraseSize} bytes`,
        ),
        `CMSIS flash algorithm (${chosen.source}): ${chosen.algorithms.map((a) => a.name).join(', ')}`,
        `CPUID ${ids.cpuid === undefined ? 'unreadable' : formatAddress(ids.cpuid)}, DPIDR ${formatAddress(ids.dpidr)}`,
      ],
      romTablePids: [...ids.pids],
    };
    const first = flash.runners[0].at;
    this.session = {
      probe,
      cpu,
      cmsis: flash,
      algorithm: flash,
      regions,
      target,
      loaded: { address: first.trap, size: first.end - first.trap },
      stagingAddr: first.buffers[0],
    };
    this.disturbed = false;
    return { target, regions };
  }

  /**
   * Unlocks a read-protected chip by mass erase (everything on it is lost), then connects.
   * Asks for confirmation through `ctx.confirm` when given.
   */
  async unlock(ctx: OperationContext = {}): Promise<ConnectResult> {
    requireWrites(ctx.allowWrites, 'Unlock');
    this.benchLink = undefined;
    if (ctx.confirm && !(await ctx.confirm('Unlock the chip? This erases everything on it.'))) {
      throw new WebProgError('CANCELLED', 'Unlock was not confirmed.');
    }
    this.session = undefined;
    await this.openLink();
    await this.dap.pipe.drain();
    this.probeInfo = await this.dap.readInfo();
    const ap = new MemAp(this.dap);
    const port = await ap.connect({ clockHz: this.options.clockHz });
    await unlockChip(ap, port.dpidr, this.options.now);
    return this.connect(ctx);
  }

  /** Low-level debug access for CortexProg special scripts (see `debug-api.ts`). */
  async debug(request: DebugRequest, ctx: OperationContext = {}): Promise<DebugResult> {
    if (request.op === 'attach') {
      await this.attach(request.stage, ctx);
      return {};
    }
    const link = await this.debugLink();
    const runsSetUpCode = this.debugGate.writes(request);
    this.debugGate.check(request, ctx.allowWrites);
    const result = await this.debugOnLink(request, link, runsSetUpCode, ctx);
    this.debugGate.done(request);
    return result;
  }

  /** Carries out a debug request that passed the gate (`confirmRun`: running set-up code). */
  private async debugOnLink(
    request: Exclude<DebugRequest, { op: 'attach' }>,
    link: { cpu?: CortexM },
    confirmRun: boolean,
    ctx: OperationContext,
  ): Promise<DebugResult> {
    switch (request.op) {
      case 'swd_read':
        return {
          value:
            (await this.dap.rawTransfer([{ ap: request.ap, register: (request.a23 & 3) << 2 }]))[0] >>> 0,
        };
      case 'swd_write':
        await this.confirmDebug(request, ctx);
        // A DP or AP register written behind the engine's back (SELECT, CTRL/STAT, another AP
        // such as a CTRL-AP that resets the chip): the session is rebuilt before its next use.
        this.disturbed = true;
        await this.dap.rawTransfer([
          { ap: request.ap, register: (request.a23 & 3) << 2, write: request.value >>> 0 },
        ]);
        return {};
    }
    const cpu = link.cpu;
    if (!cpu)
      throw new WebProgError('NOT_CONNECTED', 'The CPU is not attached yet (attach stage "cpu" first).');
    switch (request.op) {
      case 'word_read':
        return { value: await cpu.ap.read32(request.address) };
      case 'word_write':
        await this.confirmDebug(request, ctx);
        if (this.reachesSession(request.address)) this.disturbed = true;
        await cpu.ap.write32(request.address, request.value);
        return {};
      case 'reg_get':
        return { value: await cpu.readRegister(request.reg) };
      case 'reg_set':
        // The device script keeps its state in SP, LR and R4–R12 between calls.
        this.disturbed = true;
        await cpu.writeRegister(request.reg, request.value);
        return {};
      case 'stop':
        await cpu.halt();
        return { value: (await cpu.state()).reasons };
      case 'go':
        if (confirmRun) await this.confirmDebug(request, ctx);
        this.disturbed = true;
        await cpu.resume();
        return {};
      case 'step':
        if (confirmRun) await this.confirmDebug(request, ctx);
        this.disturbed = true;
        await cpu.step();
        return { value: (await cpu.state()).reasons };
      case 'reset':
        this.disturbed = true;
        await cpu.reset();
        return {};
      case 'status': {
        const state = await cpu.state();
        return { value: state.halted ? state.reasons : 0 };
      }
    }
    const s = await this.liveSession(ctx);
    switch (request.op) {
      case 'info':
        return { info: await this.debugInfo(s) };
      case 'script_erase_all':
        if (!s.algorithm.eraseAll)
          throw new WebProgError('NOT_SUPPORTED', `Not Supported: "${s.target.name}" has no mass erase.`);
        await this.confirmDebug(request, ctx);
        await s.algorithm.eraseAll();
        return {};
      case 'script_erase_block':
        await this.confirmDebug(request, ctx);
        await s.algorithm.eraseBlock(request.address);
        return {};
      case 'script_write_block':
        await s.algorithm.writeBlock(request.address, request.data);
        return {};
    }
    throw new WebProgError('INVALID_ARGUMENT', `Unknown debug request ${(request as { op: string }).op}.`);
  }

  /**
   * Asks `ctx.confirm`, when given, before a debug request that can erase or program the chip
   * (see {@link debugConfirmation}); a refusal throws CANCELLED and nothing is sent.
   */
  private async confirmDebug(request: DebugRequest, ctx: OperationContext): Promise<void> {
    const kind = debugConfirmation(request);
    if (!kind || !ctx.confirm) return;
    const chip = this.session?.target.name ?? 'chip';
    const question =
      kind === 'erase_all'
        ? `Erase the whole ${chip}? Everything on the chip is lost.`
        : kind === 'erase_block'
          ? `Erase flash blocks of the ${chip} through its device script?`
          : kind === 'run_code'
            ? `Run the ${chip}'s core from the registers the script set? Such code can erase or program its flash.`
            : `Write to the ${chip}'s memory and access ports directly? Such writes can erase or program its flash.`;
    if (!(await ctx.confirm(question))) {
      throw new WebProgError(
        'CANCELLED',
        kind === 'raw_write'
          ? 'The direct write was not confirmed.'
          : kind === 'run_code'
            ? 'Running the code the script set up was not confirmed.'
            : 'Erase was not confirmed.',
      );
    }
  }

  /**
   * True when a word written at `address` may change what the session relies on: the loaded
   * device script's code and data, or the core's debug registers (halt control, the DWT
   * comparator that traps the script's syscalls), in the system space from 0xE0000000.
   */
  private reachesSession(address: number): boolean {
    const s = this.session;
    if (!s) return false;
    const { address: from, size } = s.loaded;
    return address >>> 0 >= 0xe000_0000 || (address >= from - 3 && address < from + size);
  }

  /**
   * The session, connected again first when raw debug access may have changed what it relies
   * on (the chip was reset, the core ran, the debug port's registers were written): the next
   * operation then works on the chip as it is, not on stale state.
   */
  private async liveSession(ctx: OperationContext): Promise<Session> {
    if (this.session && this.disturbed) await this.connect(ctx);
    return this.requireSession();
  }

  /** Brings the connection up to a CortexProg step. */
  private async attach(stage: 'debugger' | 'cpu' | 'script' | 'init', ctx: OperationContext): Promise<void> {
    this.benchLink = undefined;
    if (stage === 'script' || stage === 'init') {
      if (!this.session || this.disturbed) await this.connect(ctx);
      return;
    }
    await this.openLink();
    await this.dap.pipe.drain();
    this.probeInfo = await this.dap.readInfo();
    if (stage === 'debugger') {
      this.debugCpu = undefined;
      return;
    }
    const ap = new MemAp(this.dap);
    await ap.connect({ clockHz: this.options.clockHz });
    this.debugCpu = new CortexM(ap, this.options.now);
  }

  /** The attached link: the session's CPU, or the one attached at stage "cpu". */
  private async debugLink(): Promise<{ cpu?: CortexM }> {
    if (!this.opened)
      throw new WebProgError('NOT_CONNECTED', 'The probe is not attached (attach stage "debugger" first).');
    return { cpu: this.session?.cpu ?? this.debugCpu };
  }

  private async debugInfo(s: Session): Promise<DebugInfo> {
    const cpuid = (await s.cpu.ap.read32(0xe000ed00)) >>> 0;
    const isV7 = ((cpuid >>> 16) & 0xf) === 0xf;
    // MVFR0 (0xE000EF40) is non-zero on cores with an FPU; it does not exist on ARMv6-M.
    const mvfr0 = isV7 ? await safeReadHost(s.cpu.ap).safeRead(0xe000ef40) : undefined;
    const ops =
      (s.algorithm.eraseAll ? 1 : 0) |
      (s.runner ? (s.runner.has(Slot.pageErase) ? 2 : 0) | (s.runner.has(Slot.pageWrite) ? 4 : 0) : 6);
    return {
      hasFpu: (mvfr0 ?? 0) !== 0,
      isV7,
      stagingAddr: s.stagingAddr,
      supportedOps: ops,
      blocks: s.regions.map((r) => ({
        base: r.base,
        size: r.size,
        eraseSize: r.eraseSize,
        writeSize: r.writeSize,
      })),
    };
  }

  async disconnect(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.benchLink = undefined;
    if (s) await s.cpu.reset().catch(() => undefined);
    if (this.opened) {
      this.opened = false;
      await this.transport.close();
    }
  }

  /** The target's UART through DAPLink's vendor commands (opens the USB link when needed). */
  uart(): TargetUart {
    return new DaplinkUart(async (packet) => {
      await this.openLink();
      return this.dap.pipe.command(packet);
    });
  }

  /** Resets the chip and lets it run the programmed firmware. */
  async resetAndRun(): Promise<void> {
    const s = this.requireSession();
    await s.cpu.reset();
  }

  async read(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    try {
      const s = await this.liveSession(ctx);
      const regions = s.regions.filter((r) => image.regions.some((x) => x.name === r.name));
      const total = regions.reduce((n, r) => n + r.size, 0);
      const progress = new ProgressReporter('Read', total, ctx.onProgress, 50, ctx.clock);
      progress.start();
      const read = new SparseData();
      for (const r of regions) {
        for (let at = r.base; at < regionEnd(r); at += 0x4000) {
          throwIfCancelled(ctx.signal);
          const n = Math.min(0x4000, regionEnd(r) - at);
          read.write(at, await s.cpu.ap.readBytes(at, n));
          progress.advance(n);
        }
      }
      // Only touch the buffer once everything was read: a failed read changes nothing.
      for (const r of regions) image.clear(r.name);
      image.load(read);
      progress.finish();
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Write');
      const s = await this.liveSession(ctx);
      const layout = buildLayout(image.data, s.regions, { preserve: false });
      for (const block of layout.eraseBlocks) {
        const blank = await this.isBlank(s, block.address, block.size);
        if (blank !== true) {
          throw new WebProgError(
            'NOT_BLANK',
            `Block at ${formatAddress(block.address)} is not blank (first non-blank byte at ${formatAddress(blank)}): erase it first.`,
            { address: blank },
          );
        }
      }
      return this.program(s, image.data, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Write');
      return this.program(await this.liveSession(ctx), image.data, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    try {
      const s = await this.liveSession(ctx);
      const layout = buildLayout(image.data, s.regions, { preserve: false });
      const blocks = [];
      for (const block of layout.eraseBlocks) {
        const content = await this.currentWithImage(s, image.data, block.address, block.size);
        blocks.push({ block, content });
      }
      await verifyBlocks(s.algorithm, blocks, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async erase(ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = await this.liveSession(ctx);
      if (
        ctx.confirm &&
        !(await ctx.confirm(`Erase the whole ${s.target.name}? Everything on the chip is lost.`))
      ) {
        throw new WebProgError('CANCELLED', 'Mass erase was not confirmed.');
      }
      if (s.algorithm.eraseAll) {
        const progress = new ProgressReporter('Erase', 1, ctx.onProgress, 50, ctx.clock);
        progress.start();
        throwIfCancelled(ctx.signal);
        // Once started the mass erase runs to its end: a Stop during it gets the finished report.
        await s.algorithm.eraseAll();
        await s.cmsis?.end();
        progress.finish();
        return {
          bytesWritten: 0,
          erasedBlocks: s.regions.reduce((n, r) => n + regionBlocks(r).length, 0),
          skippedBlocks: 0,
          verified: false,
        };
      }
      return this.eraseBlocks(ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = await this.liveSession(ctx);
      return this.eraseList(s, regionBlocks(pickRegion(s.regions, region)), ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async blankCheck(ctx: OperationContext = {}, regionName?: string): Promise<void> {
    try {
      const s = await this.liveSession(ctx);
      let n = 0;
      for (const region of [pickRegion(s.regions, regionName)]) {
        for (const block of regionBlocks(region)) {
          throwIfCancelled(ctx.signal);
          const blank = await this.isBlank(s, block.address, block.size);
          if (blank !== true) {
            throw new WebProgError(
              'NOT_BLANK',
              `Block ${n} not blanked (${region.name} at ${formatAddress(block.address)}): first non-blank byte at ${formatAddress(blank)}.`,
              { address: blank },
            );
          }
          n++;
        }
      }
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async flash(
    image: MemoryImage,
    ctx: OperationContext = {},
    options: FlashOperationOptions = {},
  ): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Flash');
      if (!this.session) await this.connect(ctx);
      const s = await this.liveSession(ctx);
      const full =
        options.fullWhenDiffers !== undefined && !(await this.holdsRange(s, image, options.fullWhenDiffers));
      const massErased = full && s.algorithm.eraseAll !== undefined;
      const changes = new ChipChangeLog();
      if (massErased) {
        // Stop before the mass erase changes nothing; once it runs it finishes (the chip cannot
        // stop it), and a Stop during it is seen right after: the error then says so.
        throwIfCancelled(ctx.signal);
        await s.algorithm.eraseAll!();
        changes.massErase();
      }
      const report = await flashImage(s.algorithm, image.data, s.regions, {
        changes,
        preserve: !full,
        skipUnchanged: !full,
        alreadyErased: massErased,
        verify: true,
        onProgress: ctx.onProgress,
        signal: ctx.signal,
        clock: ctx.clock,
      });
      await s.cmsis?.end();
      return {
        bytesWritten: report.bytesWritten,
        erasedBlocks: report.erasedBlocks,
        skippedBlocks: report.skippedBlocks,
        verified: report.verified,
        full,
      };
    } catch (error) {
      return this.diagnose(error);
    }
  }

  /** True when the chip's bytes in `range` equal the image's (on-chip CRC-32 when possible). */
  private async holdsRange(
    s: Session,
    image: MemoryImage,
    range: { address: number; size: number },
  ): Promise<boolean> {
    const expected = crc32(image.data.read(range.address, range.size, 0xff));
    return (await this.checksum(s, range.address, range.size)) === expected;
  }

  async readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    try {
      const s = await this.liveSession(ctx);
      const out: BlockChecksum[] = [];
      let n = 0;
      for (const region of s.regions.filter((r) => r.kind === 'flash')) {
        for (const block of regionBlocks(region)) {
          throwIfCancelled(ctx.signal);
          // The chip's natural sub-blocks (write units, up to 64), else four equal parts.
          const natural = Math.min(region.writeSize, block.size);
          const subSize =
            natural < block.size && block.size / natural <= 64
              ? natural
              : Math.max(1, Math.ceil(block.size / 4));
          const subs: number[] = [];
          for (let a = block.address; a < block.address + block.size; a += subSize)
            subs.push(await this.checksum(s, a, Math.min(subSize, block.address + block.size - a)));
          out.push({
            blockN: n++,
            address: block.address,
            baseChecksum: await this.checksum(s, block.address, block.size),
            subChecksums: subs,
          });
        }
      }
      return out;
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async readSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<void> {
    try {
      const s = await this.liveSession(ctx);
      checkSegment(s.regions, address, size, READ_ALIGNMENT, 'read_segment');
      throwIfCancelled(ctx.signal);
      const bytes = await s.cpu.ap.readBytes(address, size);
      image.writeAt(address, bytes);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async verifySegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<void> {
    try {
      const s = await this.liveSession(ctx);
      checkSegment(s.regions, address, size, READ_ALIGNMENT, 'verify_segment');
      throwIfCancelled(ctx.signal);
      const expected = image.readAt(address, size);
      const actual = await s.cpu.ap.readBytes(address, size);
      for (let i = 0; i < size; i++) {
        if (expected[i] !== actual[i]) {
          throw new WebProgError(
            'VERIFY_FAILED',
            `Verify failed at ${formatAddress(address + i)}: the chip holds 0x${hex(actual[i])}, the buffer 0x${hex(expected[i])}.`,
            { address: address + i },
          );
        }
      }
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<OperationReport> {
    try {
      const s = await this.liveSession(ctx);
      const region = checkSegment(s.regions, address, size, 1, 'write_segment');
      checkBlockAligned(region, address, size, 'write_segment');
      requireWrites(ctx.allowWrites, 'write_segment');
      const data = SparseData.from([{ address, data: image.readAt(address, size) }]);
      const report = await flashImage(s.algorithm, data, s.regions, {
        preserve: false,
        skipUnchanged: true,
        verify: true,
        ...pick(ctx),
      });
      return {
        bytesWritten: report.bytesWritten,
        erasedBlocks: report.erasedBlocks,
        skippedBlocks: report.skippedBlocks,
        verified: true,
      };
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      const s = await this.liveSession(ctx);
      const region = checkSegment(s.regions, address, size, 1, 'erase_segment');
      checkBlockAligned(region, address, size, 'erase_segment');
      requireWrites(ctx.allowWrites, 'erase_segment');
      if (
        ctx.confirm &&
        !(await ctx.confirm(`Erase ${formatAddress(address)}..${formatAddress(address + size - 1)}?`))
      ) {
        throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
      }
      const blocks = regionBlocks(region).filter(
        (b) => b.address >= address && b.address + b.size <= address + size,
      );
      return this.eraseList(s, blocks, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  targetInfo(): TargetInfo {
    return this.session?.target ?? { name: '', additional: [] };
  }

  programmerInfo(): ProgrammerInfo {
    const p = this.probeInfo;
    return {
      name: p?.product ?? 'CMSIS-DAP probe',
      serial: p?.serial ?? '',
      connected: this.isConnected(),
      type: this.type,
      ...(p?.firmwareVersion ? { firmware: p.firmwareVersion } : {}),
    };
  }

  async readMemory(address: number, length: number): Promise<Uint8Array> {
    try {
      return (await this.liveSession({})).cpu.ap.readBytes(address, length);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async setPower(_setting: PowerSetting | 'toggle'): Promise<void> {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: CMSIS-DAP probes cannot switch target power.');
  }

  /**
   * After an operation failed (other than by an unplug): drains the probe's pipe. When that
   * finds stale responses they were the cause, so the error says so; the session is dropped
   * either way when the chip's state is unknown, and the next connect starts clean.
   */
  private async diagnose(error: unknown): Promise<never> {
    if (error instanceof WebProgError && (error.code === 'DEVICE_LOST' || error.code === 'CANCELLED')) {
      if (error.code === 'DEVICE_LOST') this.session = undefined;
      throw error;
    }
    if (
      !(error instanceof WebProgError) ||
      !['TIMEOUT', 'DEVICE_PROTOCOL', 'DEVICE_FAULT'].includes(error.code)
    )
      throw error;
    const discarded = await this.dap.pipe.drain().catch(() => 0);
    this.session = undefined;
    if (discarded > 0 || this.dap.pipe.takeStaleSeen() || /stale response|out of order/.test(error.message)) {
      throw withChipChanges(
        new WebProgError(
          'DEVICE_PROTOCOL',
          'The probe answered out of order (a stale response was left in its pipe, a known DAPLink problem). It has been resynchronised: connect and try again.',
          { cause: error },
        ),
        error.changes,
      );
    }
    throw error;
  }

  /** Opens the USB link, starting afresh when the probe was lost (unplugged and back). */
  private async openLink(): Promise<void> {
    if (this.dap.pipe.isLost) {
      this.dap = new DapProbe(this.transport);
      if (this.opened) {
        this.opened = false;
        await this.transport.close();
      }
    }
    if (!this.opened) {
      await this.transport.open();
      this.opened = true;
    }
  }

  private requireSession(): Session {
    if (!this.session) throw new WebProgError('NOT_CONNECTED', 'Not connected: connect to the chip first.');
    return this.session;
  }

  private async program(s: Session, data: SparseData, ctx: OperationContext): Promise<OperationReport> {
    const layout = buildLayout(data, s.regions, { preserve: false });
    const progress = new ProgressReporter(
      'Write',
      layout.writeBlocks.reduce((n, b) => n + b.size, 0),
      ctx.onProgress,
      50,
      ctx.clock,
    );
    progress.start();
    let bytesWritten = 0;
    const changes = new ChipChangeLog();
    try {
      for (const wb of layout.writeBlocks) {
        throwIfCancelled(ctx.signal);
        const bytes = data.read(wb.address, wb.size);
        if (!isErased(bytes)) {
          const eb = layout.eraseBlocks[wb.eraseBlock];
          changes.block(eb.address, eb.size);
          await s.algorithm.writeBlock(wb.address, bytes);
          bytesWritten += wb.size;
        }
        progress.advance(wb.size);
      }
    } catch (error) {
      throw changes.annotate(error);
    }
    progress.finish();
    return { bytesWritten, erasedBlocks: 0, skippedBlocks: 0, verified: false };
  }

  private async eraseList(
    s: Session,
    blocks: { address: number; size: number }[],
    ctx: OperationContext,
  ): Promise<OperationReport> {
    const progress = new ProgressReporter(
      'Erase',
      blocks.reduce((n, b) => n + b.size, 0),
      ctx.onProgress,
      50,
      ctx.clock,
    );
    progress.start();
    const changes = new ChipChangeLog();
    try {
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        changes.block(b.address, b.size);
        await s.algorithm.eraseBlock(b.address);
        progress.advance(b.size);
      }
    } catch (error) {
      throw changes.annotate(error);
    }
    progress.finish();
    return { bytesWritten: 0, erasedBlocks: blocks.length, skippedBlocks: 0, verified: false };
  }

  /** True when blank, else the first non-blank address. */
  private async isBlank(s: Session, address: number, size: number): Promise<true | number> {
    if (s.algorithm.blankCheck) {
      const r = await s.algorithm.blankCheck(address, size);
      return r.blank ? true : (r.firstNonBlank ?? address);
    }
    const bytes = await s.cpu.ap.readBytes(address, size);
    const i = bytes.findIndex((b) => b !== 0xff);
    return i < 0 ? true : address + i;
  }

  private async checksum(s: Session, address: number, size: number): Promise<number> {
    if (s.algorithm.blockChecksum) return s.algorithm.blockChecksum(address, size);
    return crc32(await s.cpu.ap.readBytes(address, size));
  }

  /** The chip's current block with the image's bytes laid over it (what verify expects). */
  private async currentWithImage(
    s: Session,
    data: SparseData,
    address: number,
    size: number,
  ): Promise<Uint8Array> {
    if (data.covers(address, size)) return data.read(address, size);
    const merged = SparseData.from([{ address, data: await s.cpu.ap.readBytes(address, size) }]);
    for (const seg of data.slice(address, address + size).segments()) merged.write(seg.address, seg.data);
    return merged.read(address, size);
  }
}

/** The flash region named `name`, or the largest flash region (the chip's main flash). */
function pickRegion(regions: readonly Region[], name: string | undefined): Region {
  const flash = regions.filter((r) => r.kind === 'flash');
  if (name !== undefined) {
    const found = flash.find((r) => r.name === name);
    if (!found) {
      throw new WebProgError(
        'REGION_NOT_FOUND',
        `The chip has no flash region named "${name}" (it has ${flash.map((r) => `"${r.name}"`).join(', ')}).`,
      );
    }
    return found;
  }
  return flash.reduce((a, b) => (b.size > a.size ? b : a));
}

function checkBlockAligned(region: Region, address: number, size: number, what: string): void {
  const blocks = regionBlocks(region);
  const startOk = blocks.some((b) => b.address === address);
  const endOk = blocks.some((b) => b.address + b.size === address + size);
  if (!startOk || !endOk) {
    throw new WebProgError(
      'ADDRESS_MISALIGNED',
      `${what}: ${formatAddress(address)} + 0x${size.toString(16)} must start and end on ${region.name} erase-block boundaries.`,
      { address },
    );
  }
}

function pick(ctx: OperationContext) {
  return { onProgress: ctx.onProgress, signal: ctx.signal, clock: ctx.clock };
}

function hex(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0').toUpperCase();
}
