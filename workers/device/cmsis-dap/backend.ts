/**
 * The CMSIS-DAP backend: a probe reached through WebUSB, a Cortex-M chip identified and
 * flashed through CortexProg-style device scripts or CMSIS flash algorithms. Implements
 * {@link Backend}: this class keeps the link and the session and guards each operation (a
 * disturbed session connects again first; a failure is diagnosed on the probe's pipe). The
 * work is in files by job: `probe-link.ts` (the USB link and the way to the core),
 * `target-session.ts` (the two connect paths), `chip-ops.ts` (whole-chip operations),
 * `segment-ops.ts` (MultiProg's segment operations), `block-ops.ts` (their shared block work)
 * and `debug-access.ts` (CortexProg's low-level debug requests).
 */
import { WebProgError, throwIfCancelled } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks, type Region } from '../../../src/core/memory/region';
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
import type { DebugRequest, DebugResult } from '../debug-api';
import { requireWrites } from '../segments';
import type { CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { eraseList, program } from './block-ops';
import {
  blankCheckRegion,
  blockChecksums,
  confirmMassErase,
  flashChip,
  massErase,
  pickRegion,
  readIntoImage,
  requireBlankFor,
  verifyImage,
} from './chip-ops';
import { CortexM } from './cortex-m';
import { DaplinkUart } from './daplink-uart';
import { runDebugRequest, type DebugTarget } from './debug-access';
import type { ChipIds, ScriptCandidate } from './identify';
import type { DebugPortInfo } from './mem-ap';
import type { PacketTransport } from './packet-transport';
import { ProbeLink } from './probe-link';
import { readSegment, segmentEraseBlocks, verifySegment, writeSegment } from './segment-ops';
import { cmsisSession, cmsisTargetNamed, scriptSession, type CmsisDapSession } from './target-session';
import { unlockChip } from './unlock';

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

/** A CMSIS-DAP probe with its target chip. */
export class CmsisDapBackend implements Backend {
  readonly type = 'cmsis-dap';
  private readonly link: ProbeLink;
  private session: CmsisDapSession | undefined;
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
    transport: PacketTransport,
    private readonly options: CmsisDapBackendOptions,
  ) {
    this.link = new ProbeLink(transport, options);
  }

  /** USB packets sent so far (for tests and benchmarks). */
  get packetsSent(): number {
    return this.link.dap.pipe.packetsSent;
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
      const probe = await this.link.start(true, ctx.signal);
      const { cpu, ids } = await this.link.haltCore();
      throwIfCancelled(ctx.signal);
      const cmsis = await cmsisTargetNamed(this.options, ctx.chip);
      const session = cmsis
        ? await cmsisSession(probe, cpu, ids, cmsis)
        : await scriptSession(probe, cpu, ids, this.options, ctx.chip);
      this.session = session;
      this.disturbed = false;
      return { target: session.target, regions: session.regions };
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
    await this.link.start(true);
    const { cpu, port, ids } = await this.link.haltCore();
    const link: BenchLink = { cpu, port, ids, now: this.options.now ?? (() => Date.now()) };
    this.benchLink = link;
    return link;
  }

  /** True while `link` (from {@link benchAttach}) still holds the core: nothing connected since. */
  holdsBench(link: BenchLink): boolean {
    return this.benchLink === link && !this.link.dap.pipe.isLost;
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
    await this.link.start(false);
    const { ap, port } = await this.link.connectAp();
    await unlockChip(ap, port.dpidr, this.options.now);
    return this.connect(ctx);
  }

  /** Low-level debug access for CortexProg special scripts (see `debug-access.ts`). */
  async debug(request: DebugRequest, ctx: OperationContext = {}): Promise<DebugResult> {
    if (request.op === 'attach') {
      await this.attach(request.stage, ctx);
      return {};
    }
    if (!this.link.isOpen)
      throw new WebProgError('NOT_CONNECTED', 'The probe is not attached (attach stage "debugger" first).');
    const target: DebugTarget = {
      dap: this.link.dap,
      cpu: this.session?.cpu ?? this.debugCpu,
      session: () => this.session,
      liveSession: (c) => this.liveSession(c),
      disturb: () => (this.disturbed = true),
    };
    const runsSetUpCode = this.debugGate.writes(request);
    this.debugGate.check(request, ctx.allowWrites);
    const result = await runDebugRequest(request, target, runsSetUpCode, ctx);
    this.debugGate.done(request);
    return result;
  }

  /** Brings the connection up to a CortexProg step. */
  private async attach(stage: 'debugger' | 'cpu' | 'script' | 'init', ctx: OperationContext): Promise<void> {
    this.benchLink = undefined;
    if (stage === 'script' || stage === 'init') {
      if (!this.session || this.disturbed) await this.connect(ctx);
      return;
    }
    await this.link.start(false);
    if (stage === 'debugger') {
      this.debugCpu = undefined;
      return;
    }
    const { ap } = await this.link.connectAp();
    this.debugCpu = new CortexM(ap, this.options.now);
  }

  async disconnect(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.benchLink = undefined;
    if (s) await s.cpu.reset().catch(() => undefined);
    await this.link.close();
  }

  /** The target's UART through DAPLink's vendor commands (opens the USB link when needed). */
  uart(): TargetUart {
    return new DaplinkUart(async (packet) => {
      await this.link.open();
      return this.link.dap.pipe.command(packet);
    });
  }

  /** Resets the chip and lets it run the programmed firmware. */
  async resetAndRun(): Promise<void> {
    const s = this.requireSession();
    await s.cpu.reset();
  }

  async read(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    try {
      await readIntoImage(await this.liveSession(ctx), image, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Write');
      const s = await this.liveSession(ctx);
      await requireBlankFor(s, image.data);
      return await program(s, image.data, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Write');
      return await program(await this.liveSession(ctx), image.data, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    try {
      await verifyImage(await this.liveSession(ctx), image, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async erase(ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = await this.liveSession(ctx);
      await confirmMassErase(s, ctx);
      if (s.algorithm.eraseAll) return await massErase(s, ctx);
      return this.eraseBlocks(ctx); // diagnoses its own failures
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    try {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = await this.liveSession(ctx);
      return await eraseList(s, regionBlocks(pickRegion(s.regions, region)), ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async blankCheck(ctx: OperationContext = {}, regionName?: string): Promise<void> {
    try {
      await blankCheckRegion(await this.liveSession(ctx), ctx, regionName);
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
      return await flashChip(await this.liveSession(ctx), image, ctx, options);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    try {
      return await blockChecksums(await this.liveSession(ctx), ctx);
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
      await readSegment(await this.liveSession(ctx), image, address, size, ctx);
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
      await verifySegment(await this.liveSession(ctx), image, address, size, ctx);
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
      return await writeSegment(await this.liveSession(ctx), image, address, size, ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  async eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    try {
      const s = await this.liveSession(ctx);
      return await eraseList(s, await segmentEraseBlocks(s, address, size, ctx), ctx);
    } catch (error) {
      return this.diagnose(error);
    }
  }

  targetInfo(): TargetInfo {
    return this.session?.target ?? { name: '', additional: [] };
  }

  programmerInfo(): ProgrammerInfo {
    const p = this.link.info;
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
      return await (await this.liveSession({})).cpu.ap.readBytes(address, length);
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
    const outcome = await this.link.resync(error);
    this.session = undefined;
    throw outcome;
  }

  private requireSession(): CmsisDapSession {
    if (!this.session) throw new WebProgError('NOT_CONNECTED', 'Not connected: connect to the chip first.');
    return this.session;
  }

  /**
   * The session, connected again first when raw debug access may have changed what it relies
   * on (the chip was reset, the core ran, the debug port's registers were written): the next
   * operation then works on the chip as it is, not on stale state.
   */
  private async liveSession(ctx: OperationContext): Promise<CmsisDapSession> {
    if (this.session && this.disturbed) await this.connect(ctx);
    return this.requireSession();
  }
}
