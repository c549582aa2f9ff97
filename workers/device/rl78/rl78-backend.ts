/**
 * Backend `rl78`: Renesas RL78 (Protocol A) chips programmed through their boot firmware over a
 * USB-UART on Web Serial (single-wire TOOL0 or two-wire; RESET on DTR or RTS). The chip does
 * the flash work itself: blank check, block erase, programming in 256-byte frames, checksums
 * (which verify uses, and "skip unchanged" to find changed blocks) and Verify (the host sends
 * the bytes, the chip compares them: verify_segment, and the exact check before "skip
 * unchanged" skips a block whose checksum matches). The boot firmware has no read command, so
 * reading flash back is not possible over this interface. Within one session the backend knows
 * exactly what the blocks it erased, blank-checked, programmed or had compared hold (nothing
 * else writes the chip while it is in programming mode), so `flash` decides those blocks
 * without a command, erase sends none for a block known blank, and programming without erase
 * over known contents knows the result, old AND new (`rl78-known-contents.ts`); every
 * operation forgets what it may change and cannot know exactly. `blank_check` and `write`'s
 * blank check still ask the chip: that answer is what a person running them asks for.
 */
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import { WebProgError, throwIfCancelled, toWebProgError } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionContains, type Region } from '../../../src/core/memory/region';
import { ProgressReporter } from '../../../src/core/progress';
import type {
  Backend,
  BlockChecksum,
  ConnectResult,
  OperationContext,
  OperationReport,
  ProgrammerInfo,
  TargetInfo,
} from '../backend';
import { checkSegment, requireWrites } from '../segments';
import {
  allBlocks,
  blocksWithData,
  chipChecksum,
  eraseBlock,
  imageBytes,
  inRegion,
  isBlank,
  notBlank,
  pickRegion,
  programBlock,
  requireBlank,
  unitBytes,
  unitsWithData,
  verifyBlock,
  verifyRange,
  type Rl78Block,
} from './rl78-blocks';
import {
  SECURITY_BITS,
  rl78AnswersReset,
  rl78SecurityGet,
  rl78SecurityRelease,
  rl78SecuritySet,
  type Rl78Security,
} from './rl78-commands';
import type { Rl78ResetLine } from './rl78-entry';
import { RL78_BLOCK_SIZE, RL78_UNIT } from './rl78-families';
import type { Rl78Wiring } from './rl78-link';
import { flashBlocks } from './rl78-flash';
import { programmedOver } from './rl78-known-contents';
import { openSession, securityText, type Rl78Session } from './rl78-session';

/** Options of {@link Rl78Backend}. */
export interface Rl78BackendOptions {
  /** Default 'single-wire'. */
  wiring?: Rl78Wiring;
  /** Default 'dtr'. */
  reset?: Rl78ResetLine;
  /** Default 115200 (higher rates need a port that changes rate in place). */
  baud?: number;
  /** Supply voltage for Baud Rate Set (default 3.3 V). */
  volts?: number;
  /** Milliseconds to wait for each answer (default 1000). */
  timeoutMs?: number;
}

/** The prohibitions Security Set can add. */
export interface Rl78Prohibitions {
  blockErase?: boolean;
  programming?: boolean;
  bootCluster?: boolean;
}

const NO_READ =
  'Not Supported: the RL78 boot firmware has no command to read flash; use verify (the chip compares) or read_checksums.';

function report(
  bytesWritten: number,
  erasedBlocks: number,
  skippedBlocks: number,
  verified: boolean,
): OperationReport {
  return { bytesWritten, erasedBlocks, skippedBlocks, verified };
}

/**
 * What the session keeps knowing after an operation stopped part-way. A cancel is taken only
 * between commands, and every block is forgotten before a command may change it, so what is
 * known stays true. Any other failure (a lost link, a corrupted reply) forgets every block.
 */
function forgetAfterFailure(s: Rl78Session, error: unknown): void {
  if (toWebProgError(error).code !== 'CANCELLED') s.known.forgetAll();
}

/** See the module comment. */
export class Rl78Backend implements Backend {
  readonly type = 'rl78';
  private session: Rl78Session | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private settings: Required<Omit<Rl78BackendOptions, 'timeoutMs'>> & { timeoutMs?: number };

  constructor(
    private readonly port: SerialPort,
    options: Rl78BackendOptions = {},
  ) {
    this.settings = {
      wiring: options.wiring ?? 'single-wire',
      reset: options.reset ?? 'dtr',
      baud: options.baud ?? 115_200,
      volts: options.volts ?? 3.3,
      timeoutMs: options.timeoutMs,
    };
  }

  /** The port in use. */
  get serialPort(): SerialPort {
    return this.port;
  }

  /** Changes how the next connect reaches the chip (wiring, reset line, baud, voltage). */
  configure(options: Rl78BackendOptions): void {
    this.settings = {
      ...this.settings,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  /** The settings in force. */
  get configuration(): Readonly<Rl78BackendOptions> {
    return { ...this.settings };
  }

  isConnected(): boolean {
    return this.session !== undefined;
  }

  regions(): readonly Region[] {
    return this.session?.regions ?? [];
  }

  targetInfo(): TargetInfo {
    return this.requireSession().target;
  }

  programmerInfo(): ProgrammerInfo {
    const info = this.port.getInfo();
    const name =
      info.usbVendorId === 0x10c4
        ? 'CP210x USB-UART'
        : info.usbVendorId === 0x1a86
          ? 'CH340 USB-UART'
          : 'USB-UART';
    return {
      name: `${name} (RL78 serial programming)`,
      serial: '',
      connected: this.isConnected(),
      type: 'rl78',
    };
  }

  connect(ctx: OperationContext = {}): Promise<ConnectResult> {
    return this.exclusive('Connect', async () => {
      await this.connectNow(ctx);
      const s = this.requireSession();
      return { target: s.target, regions: s.regions };
    });
  }

  disconnect(): Promise<void> {
    return this.exclusive('Disconnect', () => this.drop());
  }

  read(_image: MemoryImage, _ctx?: OperationContext): Promise<void> {
    return Promise.reject(new WebProgError('NOT_SUPPORTED', NO_READ));
  }

  readSegment(_image: MemoryImage, _address: number, _size: number, _ctx?: OperationContext): Promise<void> {
    return Promise.reject(new WebProgError('NOT_SUPPORTED', NO_READ));
  }

  readMemory(_address: number, _length: number): Promise<Uint8Array> {
    return Promise.reject(new WebProgError('NOT_SUPPORTED', NO_READ));
  }

  setPower(): Promise<void> {
    return Promise.reject(
      new WebProgError('NOT_SUPPORTED', 'Not Supported: a USB-UART cannot switch the target’s power.'),
    );
  }

  write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      const blocks = this.dataBlocks(image, s);
      await requireBlank(s.link, blocks, (b) => s.known.rememberBlank(b));
      return this.programBlocks(s, image, blocks, ctx, { erase: false, verify: false });
    });
  }

  writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      return this.programBlocks(s, image, this.dataBlocks(image, s), ctx, { erase: false, verify: false });
    });
  }

  flash(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Flash', async () => {
      requireWrites(ctx.allowWrites, 'Flash');
      // What the session knows of the blocks holds only while the chip stayed in programming
      // mode. One that no longer answers was reset behind the session's back (the board's
      // button: it runs its own program, which may write flash): a new session puts it back
      // into programming mode, knowing nothing, as a first connect does.
      const s0 = this.session;
      if (s0 && s0.known.size > 0 && !(await rl78AnswersReset(s0.link))) await this.connectNow(ctx);
      if (!this.session) await this.connectNow(ctx);
      const s = this.requireSession();
      return this.programBlocks(s, image, this.dataBlocks(image, s), ctx, { erase: true, verify: true });
    });
  }

  verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Verify', async () => {
      const s = this.requireSession();
      const blocks = this.dataBlocks(image, s);
      const progress = this.progress('Verify', blocks.length * RL78_BLOCK_SIZE, ctx);
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        await verifyBlock(s.link, image, b);
        progress.advance(b.size);
      }
      progress.finish();
    });
  }

  erase(ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      if (
        ctx.confirm &&
        !(await ctx.confirm(
          `Erase every block of the ${s.target.name} (Code Flash and Data Flash)? Everything on it is lost.`,
        ))
      ) {
        throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
      }
      // Protocol A has no chip erase: every block, one by one.
      return this.eraseNow(s, allBlocks(s.regions), ctx);
    });
  }

  eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      const r = pickRegion(s.regions, region);
      return this.eraseNow(
        s,
        allBlocks(s.regions).filter((b) => inRegion(b, r)),
        ctx,
      );
    });
  }

  blankCheck(ctx: OperationContext = {}, region?: string): Promise<void> {
    return this.exclusive('Blank check', async () => {
      const s = this.requireSession();
      const r = pickRegion(s.regions, region);
      const blocks = allBlocks(s.regions).filter((b) => inRegion(b, r));
      const progress = this.progress('Blank check', r.size, ctx);
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        if (!(await isBlank(s.link, b))) {
          s.known.forget(b);
          throw notBlank(b);
        }
        s.known.rememberBlank(b);
        progress.advance(b.size);
      }
      progress.finish();
    });
  }

  readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    return this.exclusive('Read checksums', async () => {
      const s = this.requireSession();
      const blocks = allBlocks(s.regions);
      const progress = this.progress('Checksums', blocks.length * RL78_BLOCK_SIZE, ctx);
      const out: BlockChecksum[] = [];
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        const baseChecksum = await chipChecksum(s.link, b.address, b.size);
        const subChecksums: number[] = [];
        for (let a = b.address; a < b.address + b.size; a += RL78_UNIT) {
          subChecksums.push(await chipChecksum(s.link, a, RL78_UNIT));
        }
        out.push({ blockN: b.n, address: b.address, baseChecksum, subChecksums });
        progress.advance(b.size);
      }
      progress.finish();
      return out;
    });
  }

  verifySegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<void> {
    return this.exclusive('verify_segment', async () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, RL78_UNIT, 'verify_segment');
      throwIfCancelled(ctx.signal);
      await verifyRange(s.link, image, address, size);
      // The chip found every byte equal: the blocks wholly inside hold the buffer's bytes.
      for (const b of allBlocks(s.regions)) {
        if (b.address >= address && b.address + b.size <= address + size)
          s.known.remember(b, imageBytes(image, b.address, b.size));
      }
    });
  }

  writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<OperationReport> {
    return this.exclusive('write_segment', async () => {
      requireWrites(ctx.allowWrites, 'write_segment');
      const s = this.requireSession();
      checkSegment(s.regions, address, size, RL78_UNIT, 'write_segment');
      const changes = new ChipChangeLog();
      let written = 0;
      const progress = this.progress('Write', size, ctx);
      try {
        for (const b of allBlocks(s.regions).filter(
          (x) => x.address < address + size && x.address + x.size > address,
        )) {
          throwIfCancelled(ctx.signal);
          const units: number[] = [];
          for (
            let a = Math.max(b.address, address);
            a < Math.min(b.address + b.size, address + size);
            a += RL78_UNIT
          )
            units.push(a);
          changes.block(b.address, b.size);
          // Programmed without erase, the chip ANDs old and new: known old contents give the
          // new ones; unknown ones stay unknown.
          const old = s.known.contents(b);
          s.known.forget(b);
          written += await programBlock(s.link, image, b, units, (n) => progress.advance(n));
          if (old) s.known.remember(b, programmedOver(old, unitBytes(image, b, units)));
        }
      } catch (error) {
        forgetAfterFailure(s, error);
        throw changes.annotate(error);
      }
      progress.finish();
      return report(written, 0, 0, false);
    });
  }

  eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('erase_segment', async () => {
      requireWrites(ctx.allowWrites, 'erase_segment');
      const s = this.requireSession();
      checkSegment(s.regions, address, size, RL78_BLOCK_SIZE, 'erase_segment');
      const blocks = allBlocks(s.regions).filter((b) => b.address >= address && b.address < address + size);
      return this.eraseNow(s, blocks, ctx, false);
    });
  }

  /** Security Get: the chip's prohibitions now. */
  securityGet(): Promise<Rl78Security> {
    return this.exclusive('Security Get', async () => rl78SecurityGet(this.requireSession().link));
  }

  /**
   * Security Set: adds prohibitions. Asks twice through `ctx.confirm` (the second time naming
   * the consequence); prohibitions of block erase and boot cluster rewrite cannot be undone.
   */
  securitySet(prohibit: Rl78Prohibitions, ctx: OperationContext = {}): Promise<Rl78Security> {
    return this.exclusive('Security Set', async () => {
      requireWrites(ctx.allowWrites, 'Security Set');
      const s = this.requireSession();
      const what = [
        prohibit.blockErase && 'block erase',
        prohibit.programming && 'programming',
        prohibit.bootCluster && 'boot cluster 0 rewrite',
      ].filter(Boolean);
      if (what.length === 0)
        throw new WebProgError('INVALID_ARGUMENT', 'Security Set: no prohibition was chosen.');
      const permanent = prohibit.blockErase || prohibit.bootCluster;
      await this.confirmTwice(
        ctx,
        `Prohibit ${what.join(', ')} on the ${s.target.name}?`,
        permanent
          ? `Really? With block erase or boot cluster rewrite prohibited, this ${s.target.name} can never again be erased or reprogrammed (there) over the serial interface; Security Release cannot undo it.`
          : `Really? The ${s.target.name} will refuse programming until Security Release.`,
      );
      const current = await rl78SecurityGet(s.link);
      let flags = current.flags;
      if (prohibit.blockErase) flags &= ~SECURITY_BITS.blockErase;
      if (prohibit.programming) flags &= ~SECURITY_BITS.programming;
      if (prohibit.bootCluster) flags &= ~SECURITY_BITS.bootCluster;
      s.known.forgetAll(); // its effect on the flash is not something the session models
      await rl78SecuritySet(s.link, { ...current, flags: flags & 0xff });
      return this.refreshSecurity(s);
    });
  }

  /** Security Release: lifts the programming prohibition (asks twice). */
  securityRelease(ctx: OperationContext = {}): Promise<Rl78Security> {
    return this.exclusive('Security Release', async () => {
      requireWrites(ctx.allowWrites, 'Security Release');
      const s = this.requireSession();
      await this.confirmTwice(
        ctx,
        `Release the programming prohibition of the ${s.target.name}?`,
        'Really? Anyone with a serial cable can then reprogram the chip. (Block erase and boot cluster prohibitions stay; they cannot be released.)',
      );
      s.known.forgetAll(); // its effect on the flash is not something the session models
      await rl78SecurityRelease(s.link);
      return this.refreshSecurity(s);
    });
  }

  // --- internals ---

  private async confirmTwice(ctx: OperationContext, first: string, second: string): Promise<void> {
    if (!ctx.confirm) {
      throw new WebProgError(
        'CANCELLED',
        'Security changes need two confirmations, and this caller cannot ask.',
      );
    }
    if (!(await ctx.confirm(first)) || !(await ctx.confirm(second))) {
      throw new WebProgError('CANCELLED', 'The security change was not confirmed.');
    }
  }

  private async refreshSecurity(s: Rl78Session): Promise<Rl78Security> {
    s.security = await rl78SecurityGet(s.link);
    s.target.additional = s.target.additional.map((l) =>
      l.startsWith('Security:') ? securityText(s.security) : l,
    );
    return s.security;
  }

  private dataBlocks(image: MemoryImage, s: Rl78Session): Rl78Block[] {
    const blocks = blocksWithData(image, s.regions);
    for (const seg of image.data.segments()) {
      if (!s.regions.some((r) => regionContains(r, seg.address, seg.data.length))) {
        throw new WebProgError(
          'ADDRESS_OUT_OF_RANGE',
          `The buffer holds data at 0x${seg.address.toString(16)}, outside the ${s.target.name}'s Code Flash and Data Flash.`,
          { address: seg.address },
        );
      }
    }
    if (blocks.length === 0)
      throw new WebProgError('INVALID_ARGUMENT', 'The buffer holds no flash data for this chip.');
    return blocks;
  }

  /**
   * Programs the image's blocks: `flash` by {@link flashBlocks} (skip unchanged, by the
   * session's known contents or confirmed by the chip's Verify; erase, program, verify by
   * checksum); `write` / `write_no_blank` only the 256-byte units holding data, with no erase
   * (NOR: bits only go from 1 to 0), after which a block whose old contents the session knew
   * (for `write`, its Blank Check found it blank) holds old AND new, and any other is unknown.
   * A cancel keeps what is known; any other failure part-way forgets every block.
   */
  private async programBlocks(
    s: Rl78Session,
    image: MemoryImage,
    blocks: readonly Rl78Block[],
    ctx: OperationContext,
    how: { erase: boolean; verify: boolean },
  ): Promise<OperationReport> {
    const changes = new ChipChangeLog();
    const total = blocks.length * RL78_BLOCK_SIZE;
    const progress = this.progress(how.erase ? 'Flash' : 'Write', total, ctx);
    try {
      if (how.erase) {
        const tally = await flashBlocks(s.link, s.known, image, blocks, progress, changes, ctx.signal);
        progress.finish();
        return report(tally.written, tally.erased, tally.skipped, true);
      }
      let written = 0;
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        const base = progress.done;
        changes.block(b.address, b.size);
        // Without erase the chip ANDs old and new: known old contents give the new ones
        // exactly once the chip has acknowledged every frame and the completion (its internal
        // verify); unknown old contents leave the block unknown.
        const old = s.known.contents(b);
        s.known.forget(b);
        written += await programBlock(s.link, image, b, unitsWithData(image, b), (n) => progress.advance(n));
        if (old) s.known.remember(b, programmedOver(old, imageBytes(image, b.address, b.size)));
        progress.update(base + b.size);
      }
      progress.finish();
      return report(written, 0, 0, false);
    } catch (error) {
      forgetAfterFailure(s, error);
      throw changes.annotate(error);
    }
  }

  /**
   * Erases `blocks` one by one. A block the session knows blank needs no command (it is
   * counted as skipped); one it knows holds anything else is erased without a Blank Check. Of
   * the blocks of unknown contents, with `skipBlank` (erase, erase_blocks) those the chip's
   * Blank Check finds blank are skipped and the others erased; without it (erase_segment)
   * each is erased. Every block is then known blank.
   */
  private async eraseNow(
    s: Rl78Session,
    blocks: readonly Rl78Block[],
    ctx: OperationContext,
    skipBlank = true,
  ): Promise<OperationReport> {
    const changes = new ChipChangeLog();
    const progress = this.progress('Erase', blocks.length * RL78_BLOCK_SIZE, ctx);
    let erased = 0;
    try {
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        const erase = s.known.isKnown(b) ? !s.known.isBlank(b) : !skipBlank || !(await isBlank(s.link, b));
        if (erase) {
          changes.block(b.address, b.size);
          s.known.forget(b);
          await eraseBlock(s.link, b);
          erased++;
        }
        // Blank as known before, by the chip's Blank Check or by its acknowledged erase.
        s.known.rememberBlank(b);
        progress.advance(b.size);
      }
    } catch (error) {
      forgetAfterFailure(s, error);
      throw changes.annotate(error);
    }
    progress.finish();
    return report(0, erased, blocks.length - erased, false);
  }

  private async connectNow(ctx: OperationContext): Promise<void> {
    await this.drop();
    throwIfCancelled(ctx.signal);
    this.session = await openSession(this.port, this.settings);
  }

  private async drop(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.link.close();
  }

  private requireSession(): Rl78Session {
    if (!this.session) throw new WebProgError('NOT_CONNECTED', 'Not connected to an RL78: connect first.');
    return this.session;
  }

  private progress(operation: string, total: number, ctx: OperationContext): ProgressReporter {
    const p = new ProgressReporter(operation, total, ctx.onProgress, 50, ctx.clock);
    p.start();
    return p;
  }

  private exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      try {
        return await work();
      } catch (error) {
        const e = toWebProgError(error);
        // The chip is mid-command or gone: the next operation starts again from reset.
        if (['DEVICE_LOST', 'TIMEOUT', 'DEVICE_PROTOCOL', 'BOOT_MODE_REQUIRED'].includes(e.code))
          await this.drop();
        throw e;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
