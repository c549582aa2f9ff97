/**
 * The ESP backend: an ESP32 / ESP32-S3 / ESP32-C3 board on a Web Serial port, with the same
 * MultiProg semantics as the CMSIS-DAP backend (see `../backend.ts`). Flash is one region
 * "Flash" at 0; reads and verifies work on 4-byte words, writes and erases on 4 KiB sectors.
 * Verification always compares MD5s computed by the chip; writes skip 64 KiB chunks the chip
 * already holds (flash, write_segment and firmware parts; `write` keeps MultiProg's blank check).
 */
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { flashRegion, regionEnd, type Region } from '../../../src/core/memory/region';
import { SparseData } from '../../../src/core/memory/sparse-data';
import { ProgressReporter } from '../../../src/core/progress';
import type {
  Backend,
  BlockChecksum,
  ConnectResult,
  OperationContext,
  OperationReport,
  PowerSetting,
  ProgrammerInfo,
  TargetInfo,
} from '../backend';
import { checkSegment, requireWrites } from '../segments';
import { SKIP_CHUNK, writeRanges, type FlashRange } from './deflate-writer';
import { SECTOR_SIZE, toEspError } from './esp-protocol';
import { resetIntoApp, sleep } from './app-reset';
import type { EspChipInfo, EspLink } from './esp-link';
import { toSectorRanges } from './flash-ranges';
import { SerialMonitor, type MonitorListener } from './serial-monitor';
import { md5Hex } from './stub-channel';

/** Name of the ESP flash region. */
export const ESP_FLASH_REGION = 'Flash';
/** Alignment of read_segment / verify_segment (32-bit words). */
const WORD = 4;
/** Bytes per READ_FLASH command (progress and cancellation granularity). */
const READ_CHUNK = 0x40000;
/**
 * Port changes one connect follows: the reset into download mode re-enumerates a USB-OTG board,
 * and its port may already have changed since the last session (a disconnect resets the chip).
 */
const MAX_PORT_CHANGES = 2;
/** Port changes one monitor session follows (each reset of a USB-OTG board is one). */
const MAX_MONITOR_FOLLOWS = 3;

/** Options of the ESP backend. */
export interface EspBackendOptions {
  /** Baud rate after connecting (default 921600; falls back to 115200 when it fails). */
  baud?: number;
  /** Compare before writing and skip chunks already on the chip (default true). */
  skipUnchanged?: boolean;
  /** Ports granted now: finds a native-USB board again after its port re-enumerated. */
  getPorts?: () => Promise<SerialPort[]>;
  /** How long to wait for a re-enumerated port to appear (default 3000 ms). */
  portWaitMs?: number;
  /** Receives esptool-js's progress lines. */
  log?: (line: string) => void;
}

/** A firmware part: bytes for a flash offset. */
export interface FlashPart {
  address: number;
  data: Uint8Array;
}

/** Options of {@link EspBackend.flashParts}. */
export interface FlashPartsOptions {
  /** Erase the whole chip first. */
  eraseAll?: boolean;
  /** Skip chunks already on the chip (default: the backend's setting). */
  skipUnchanged?: boolean;
}

interface Session {
  link: EspLink;
  regions: Region[];
  target: TargetInfo;
}

/** An ESP board reached through Web Serial and esptool-js. */
export class EspBackend implements Backend {
  readonly type = 'esp';
  private session: Session | undefined;
  private monitor: SerialMonitor | undefined;
  private lastInfo: EspChipInfo | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** Baud rate used by the next connect. */
  baud: number;
  /** Whether flash() and firmware parts skip chunks already on the chip. */
  skipUnchanged: boolean;

  constructor(
    private port: SerialPort,
    private readonly options: EspBackendOptions = {},
  ) {
    this.baud = options.baud ?? 921600;
    this.skipUnchanged = options.skipUnchanged ?? true;
  }

  /** The chip found by the last connect. */
  get chipInfo(): EspChipInfo | undefined {
    return this.lastInfo;
  }

  /** The port in use (it can change when a native-USB board re-enumerates). */
  get serialPort(): SerialPort {
    return this.port;
  }

  /** Stub packets sent in this session (tests and benchmarks). */
  get packetsSent(): number {
    return this.session?.link.channel.packetsSent ?? 0;
  }

  isConnected(): boolean {
    return this.session !== undefined;
  }

  regions(): readonly Region[] {
    return this.session?.regions ?? [];
  }

  connect(ctx: OperationContext = {}): Promise<ConnectResult> {
    return this.exclusive('Connect', () => this.connectNow(ctx));
  }

  disconnect(): Promise<void> {
    return this.exclusive('Disconnect', async () => {
      await this.stopMonitorNow();
      await this.dropSession();
    });
  }

  read(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Read', async () => {
      const s = this.requireSession();
      const regions = s.regions.filter((r) => image.regions.some((x) => x.name === r.name));
      const total = regions.reduce((n, r) => n + r.size, 0);
      const progress = this.progress('Read', total, ctx);
      const read = new SparseData();
      for (const r of regions) {
        for (let at = r.base; at < regionEnd(r); at += READ_CHUNK) {
          throwIfCancelled(ctx.signal);
          const n = Math.min(READ_CHUNK, regionEnd(r) - at);
          const done = progress.done;
          read.write(at, await s.link.channel.readFlash(at, n, ctx.signal, (b) => progress.update(done + b)));
        }
      }
      for (const r of regions) image.clear(r.name);
      image.load(read);
      progress.finish();
    });
  }

  write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      const ranges = await this.rangesOf(s, flashData(image, s));
      await this.requireBlank(s, ranges, ctx);
      return this.writeNow(s, ranges, ctx, false);
    });
  }

  writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      return this.writeNow(s, await this.rangesOf(s, flashData(image, s)), ctx, false);
    });
  }

  verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Verify', async () => {
      const s = this.requireSession();
      const data = flashData(image, s);
      if (data.isEmpty) throw new WebProgError('INVALID_ARGUMENT', 'Verify: the buffer holds no flash data.');
      await this.verifyNow(s, data.segments(), ctx);
    });
  }

  erase(ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      if (
        ctx.confirm &&
        !(await ctx.confirm(`Erase the whole ${s.target.name} flash? Everything on it is lost.`))
      ) {
        throw new WebProgError('CANCELLED', 'Chip erase was not confirmed.');
      }
      const progress = this.progress('Erase', 1, ctx);
      await s.link.channel.eraseChip();
      progress.finish();
      return report(0, s.regions[0].size / SECTOR_SIZE, 0, false);
    });
  }

  eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      const r = pickRegion(s, region);
      return this.eraseRange(s, r.base, r.size, ctx);
    });
  }

  blankCheck(ctx: OperationContext = {}, region?: string): Promise<void> {
    return this.exclusive('Blank check', async () => {
      const s = this.requireSession();
      const r = pickRegion(s, region);
      await this.requireBlank(s, [{ address: r.base, data: new Uint8Array(r.size) }], ctx);
    });
  }

  flash(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Flash', async () => {
      requireWrites(ctx.allowWrites, 'Flash');
      const s = this.session ?? (await this.connectNow(ctx), this.requireSession());
      const ranges = await this.rangesOf(s, flashData(image, s));
      return this.writeNow(s, ranges, ctx, true);
    });
  }

  readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    return this.exclusive('Read checksums', async () => {
      const s = this.requireSession();
      const r = s.regions[0];
      const sectors: { address: number; size: number }[] = [];
      for (let a = r.base; a < regionEnd(r); a += SECTOR_SIZE)
        sectors.push({ address: a, size: SECTOR_SIZE });
      const progress = this.progress('Checksums', r.size, ctx);
      // A sector has no natural sub-blocks: its four equal parts are hashed as well.
      const QUARTER = SECTOR_SIZE / 4;
      const chunks = sectors.flatMap((x) => [
        x,
        ...[0, 1, 2, 3].map((k) => ({ address: x.address + k * QUARTER, size: QUARTER })),
      ]);
      const digests = await s.link.channel.md5Many(chunks, ctx.signal, (i) => {
        if (i % 5 === 0) progress.advance(SECTOR_SIZE);
      });
      progress.finish();
      const prefix = (d: string) => Number.parseInt(d.slice(0, 8), 16);
      return sectors.map((x, i) => ({
        blockN: i,
        address: x.address,
        baseChecksum: prefix(digests[i * 5]!),
        subChecksums: digests.slice(i * 5 + 1, i * 5 + 5).map(prefix),
      }));
    });
  }

  readSegment(image: MemoryImage, address: number, size: number, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('read_segment', async () => {
      const s = this.requireSession();
      const region = checkSegment(s.regions, address, size, WORD, 'read_segment');
      throwIfCancelled(ctx.signal);
      const bytes = await s.link.channel.readFlash(address, size, ctx.signal);
      if (!image.regions.some((r) => r.name === region.name)) image.addRegion({ ...region });
      image.writeAt(address, bytes);
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
      checkSegment(s.regions, address, size, WORD, 'verify_segment');
      await this.verifyNow(s, [{ address, data: image.readAt(address, size) }], ctx);
    });
  }

  writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<OperationReport> {
    return this.exclusive('write_segment', async () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, SECTOR_SIZE, 'write_segment');
      requireWrites(ctx.allowWrites, 'write_segment');
      return this.writeNow(s, [{ address, data: image.readAt(address, size) }], ctx, true);
    });
  }

  eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('erase_segment', async () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, SECTOR_SIZE, 'erase_segment');
      requireWrites(ctx.allowWrites, 'erase_segment');
      const last = formatAddress(address + size - 1);
      if (ctx.confirm && !(await ctx.confirm(`Erase ${formatAddress(address)}..${last}?`))) {
        throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
      }
      return this.eraseRange(s, address, size, ctx);
    });
  }

  targetInfo(): TargetInfo {
    return this.session?.target ?? { name: '', additional: [] };
  }

  programmerInfo(): ProgrammerInfo {
    const info = this.port.getInfo();
    const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    return {
      name: `Serial port ${hex4(info.usbVendorId)}:${hex4(info.usbProductId)}`,
      serial: '',
      connected: this.isConnected(),
      type: this.type,
    };
  }

  async setPower(_setting: PowerSetting | 'toggle'): Promise<void> {
    throw new WebProgError(
      'NOT_SUPPORTED',
      'Not Supported: ESP boards are powered by their USB port; WebProg cannot switch them.',
    );
  }

  /** Writes firmware parts (a manifest build or a merged image) and verifies them. */
  flashParts(
    parts: readonly FlashPart[],
    ctx: OperationContext = {},
    options: FlashPartsOptions = {},
  ): Promise<OperationReport> {
    return this.exclusive('Flash', async () => {
      requireWrites(ctx.allowWrites, 'Flash');
      const s = this.session ?? (await this.connectNow(ctx), this.requireSession());
      const data = new SparseData();
      for (const p of parts) {
        if (data.intersects(p.address, p.address + p.data.length)) {
          throw new WebProgError('FORMAT_OVERLAP', `Firmware parts overlap at ${formatAddress(p.address)}.`, {
            address: p.address,
          });
        }
        data.write(p.address, p.data);
      }
      const ranges = await this.rangesOf(s, data);
      const changes = new ChipChangeLog();
      if (options.eraseAll) {
        const progress = this.progress('Erase', 1, ctx);
        throwIfCancelled(ctx.signal);
        await s.link.channel.eraseChip();
        changes.massErase();
        progress.finish();
      }
      return this.writeNow(s, ranges, ctx, true, options.eraseAll ? false : options.skipUnchanged, changes);
    });
  }

  /**
   * Resets the chip into its application and opens the serial monitor at `baud`, passing on
   * everything the program prints. Ends the flashing session (the stub stops running).
   */
  startMonitor(baud: number, listener: MonitorListener, options: { reset?: boolean } = {}): Promise<void> {
    return this.exclusive('Monitor', async () => {
      // Listed before ending the session: closing a native-USB port can restart the board.
      const present = await this.presentPorts();
      await this.stopMonitorNow();
      await this.dropSession();
      await this.followingPort(
        'Monitor',
        {},
        (moved) => this.openMonitor(baud, listener, 0, !moved, present),
        present,
      );
      if (!(options.reset ?? true)) return;
      try {
        await resetIntoApp(this.port);
      } catch (error) {
        // A board on its own USB port drops the port when it resets; the monitor follows it.
        if (toEspError(error, 'Monitor').code !== 'DEVICE_LOST' || !this.options.getPorts) throw error;
      }
    });
  }

  /**
   * Opens the monitor on the current port. When the port is lost while monitoring and ports can
   * be listed, follows the board to its new port (a native-USB board re-enumerates on every
   * reset) up to {@link MAX_MONITOR_FOLLOWS} times, without resetting it again. `present`: the
   * ports listed before the reset the monitor follows (listed now if not given).
   */
  private async openMonitor(
    baud: number,
    listener: MonitorListener,
    follows: number,
    releaseLines: boolean,
    present?: ReadonlySet<SerialPort>,
  ): Promise<void> {
    const getPorts = this.options.getPorts;
    present ??= await this.presentPorts();
    const monitor = new SerialMonitor(this.port, listener, (error) => {
      if (this.monitor !== monitor) return;
      this.monitor = undefined;
      if (error === undefined || !getPorts || follows >= MAX_MONITOR_FOLLOWS) return;
      const lost = toEspError(error, 'Monitor');
      if (lost.code !== 'DEVICE_LOST') return;
      void this.exclusive('Monitor', async () => {
        if (this.monitor || this.session) return; // something else has the port now
        await this.findPortAgain('Monitor', getPorts, present, false, lost, {});
        await this.openMonitor(baud, listener, follows + 1, false);
      }).catch((e: unknown) =>
        this.options.log?.(`Serial monitor stopped: ${toEspError(e, 'Monitor').message}`),
      );
    });
    // Set before starting: the port may already be failing while it opens.
    this.monitor = monitor;
    try {
      await monitor.start(baud, releaseLines);
    } catch (error) {
      if (this.monitor === monitor) this.monitor = undefined;
      throw error;
    }
  }

  /** Sends text to the running program (the monitor must be running). */
  async sendToMonitor(text: string): Promise<void> {
    if (!this.monitor) throw new WebProgError('NOT_CONNECTED', 'The serial monitor is not running.');
    await this.monitor.send(text);
  }

  /** Stops the serial monitor and frees the port. */
  stopMonitor(): Promise<void> {
    return this.exclusive('Monitor', () => this.stopMonitorNow());
  }

  /** True while the serial monitor runs. */
  get monitoring(): boolean {
    return this.monitor?.running ?? false;
  }

  /** Resets the chip into its application (ends a flashing session; keeps the monitor). */
  resetToApp(): Promise<void> {
    return this.exclusive('Reset', async () => {
      if (this.monitor) return resetIntoApp(this.port);
      await this.dropSession();
      await this.port.open({ baudRate: 115200 });
      try {
        await resetIntoApp(this.port);
      } finally {
        await this.port.close().catch(() => undefined);
      }
    });
  }

  // --- internals (called with the lock held) ---

  /** Runs `work` after every earlier call; failures other than checks drop the session. */
  private exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      try {
        return await work();
      } catch (error) {
        const e = toEspError(error, what);
        if (['DEVICE_LOST', 'TIMEOUT', 'DEVICE_PROTOCOL', 'DEVICE_FAULT'].includes(e.code)) {
          await this.dropSession();
        }
        throw e;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async connectNow(ctx: OperationContext): Promise<ConnectResult> {
    await this.stopMonitorNow();
    await this.dropSession();
    throwIfCancelled(ctx.signal);
    // esptool-js (and its chip classes) loads with the first connection, not at start-up.
    const { EspLink } = await import('./esp-link');
    const link = await this.followingPort('Connect', ctx, () =>
      EspLink.open(this.port, { baud: this.baud, log: this.options.log }),
    );
    const info = link.info;
    this.lastInfo = info;
    const regions = [flashRegion(ESP_FLASH_REGION, 0, info.flashSize, SECTOR_SIZE, WORD)];
    const target: TargetInfo = {
      name: info.chip,
      additional: [
        info.description,
        ...(info.revision !== undefined
          ? [`Revision v${Math.floor(info.revision / 100)}.${info.revision % 100}`]
          : []),
        `MAC ${info.mac}`,
        `Flash: ${info.flashSize / 0x100000} MiB (JEDEC id 0x${info.flashId.toString(16)})`,
        `Features: ${info.features.join(', ')}`,
        `Crystal ${info.crystalMHz} MHz, serial link at ${info.baud} baud`,
      ],
    };
    this.session = { link, regions, target };
    return { target, regions };
  }

  /**
   * Runs `open` on the current port; when the port turns out to be gone (DEVICE_LOST) and ports
   * can be listed, moves to the board's new port and tries again (`moved` true), up to
   * {@link MAX_PORT_CHANGES} times. `listed`: the ports listed before anything could reset the
   * board (listed now if not given).
   */
  private async followingPort<T>(
    what: string,
    ctx: OperationContext,
    open: (moved: boolean) => Promise<T>,
    listed?: ReadonlySet<SerialPort>,
  ): Promise<T> {
    const present = listed ?? (await this.presentPorts());
    const movedWhileIdle = !present.has(this.port);
    for (let changes = 0; ; changes++) {
      try {
        return await open(changes > 0);
      } catch (error) {
        const e = toEspError(error, what);
        if (e.code !== 'DEVICE_LOST' || changes === MAX_PORT_CHANGES || !this.options.getPorts) throw e;
        await this.findPortAgain(
          what,
          this.options.getPorts,
          present,
          movedWhileIdle && changes === 0,
          e,
          ctx,
        );
      }
    }
  }

  /** The ports listed before an operation that may reset the board (empty when ports cannot be listed). */
  private async presentPorts(): Promise<ReadonlySet<SerialPort>> {
    return new Set((await this.options.getPorts?.()) ?? []);
  }

  /**
   * A board on the chip's own USB-OTG port re-enumerates when reset: its old port object dies
   * and a new one with the same USB ids appears. Switches to it, waiting up to `portWaitMs`;
   * throws DEVICE_LOST saying what to do when none comes (`lost` is the original failure;
   * `what` names the operation in the message).
   * Only a port that was not `present` before the reset counts: another board with the same
   * USB ids is already listed, and must never be taken for this one. A board that `movedWhileIdle`
   * (a disconnect restarts it, and its port was gone when the operation began) is followed to
   * the one listed port with its ids, if there is exactly one.
   */
  private async findPortAgain(
    what: string,
    getPorts: () => Promise<SerialPort[]>,
    present: ReadonlySet<SerialPort>,
    movedWhileIdle: boolean,
    lost: WebProgError,
    ctx: OperationContext,
  ): Promise<void> {
    const { usbVendorId, usbProductId } = this.port.getInfo();
    const waitMs = this.options.portWaitMs ?? 3000;
    const step = Math.min(250, waitMs);
    for (let waited = 0; ; waited += step) {
      throwIfCancelled(ctx.signal);
      const same = (await getPorts()).filter((p) => {
        const i = p.getInfo();
        return p !== this.port && i.usbVendorId === usbVendorId && i.usbProductId === usbProductId;
      });
      // A port that has come since the reset is this board's. When the board moved while idle
      // (its port was already gone when the operation began), only a lone candidate can be it.
      const found =
        same.find((p) => !present.has(p)) ?? (movedWhileIdle && same.length === 1 ? same[0] : undefined);
      if (found) {
        this.port = found;
        return;
      }
      if (waited >= waitMs) break;
      await sleep(step);
    }
    const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    throw new WebProgError(
      'DEVICE_LOST',
      `${what}: the board's serial port (USB ${hex4(usbVendorId)}:${hex4(usbProductId)}) went away and did not come back within ${waitMs / 1000} s. ` +
        'Boards on native USB show up as a new port after a reset: plug the board in again (or hold BOOT, press and release RESET, release BOOT), choose its port again and retry.',
      { cause: lost },
    );
  }

  private async dropSession(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await s.link.close();
  }

  private async stopMonitorNow(): Promise<void> {
    const m = this.monitor;
    this.monitor = undefined;
    if (m) await m.stop();
  }

  private requireSession(): Session {
    if (!this.session) throw new WebProgError('NOT_CONNECTED', 'Not connected: connect to the board first.');
    return this.session;
  }

  private progress(operation: string, total: number, ctx: OperationContext): ProgressReporter {
    const p = new ProgressReporter(operation, total, ctx.onProgress, 50, ctx.clock);
    p.start();
    return p;
  }

  /** Whole-sector ranges for `data`, edge sectors completed from the chip. */
  private rangesOf(s: Session, data: SparseData): Promise<FlashRange[]> {
    return toSectorRanges(data, s.regions[0].size, (a, n) => s.link.channel.readFlash(a, n));
  }

  /** Programs `ranges`; with `verify` compares the chip's MD5s afterwards. */
  private async writeNow(
    s: Session,
    ranges: FlashRange[],
    ctx: OperationContext,
    verify: boolean,
    skipUnchanged = this.skipUnchanged,
    changes = new ChipChangeLog(),
  ): Promise<OperationReport> {
    const total = ranges.reduce((n, r) => n + r.data.length, 0);
    const progress = this.progress('Write', total, ctx);
    let done = 0;
    const skip = verify && skipUnchanged;
    let written;
    try {
      written = await writeRanges(s.link.channel, ranges, {
        skipUnchanged: skip,
        baud: s.link.info.baud,
        blockSize: s.link.info.blockSize,
        signal: ctx.signal,
        onPlan: (bytes) => progress.update((done = total - bytes)),
        onBytes: (bytes) => progress.update((done += bytes)),
        onOperation: (range) => logSectors(changes, range.address, range.size),
      });
    } catch (error) {
      // Nothing changed yet: the error goes out as it came (named after the operation).
      throw changes.isEmpty ? error : changes.annotate(toEspError(error, 'Write'));
    }
    progress.finish();
    if (verify && written.written.length > 0) {
      try {
        await this.verifyNow(s, written.written, ctx);
      } catch (error) {
        const e = toEspError(error, 'Verify');
        if (changes.isEmpty || !['CANCELLED', 'TIMEOUT', 'DEVICE_LOST'].includes(e.code)) throw error;
        throw changes.annotate(e);
      }
    }
    return report(
      written.bytesWritten,
      written.sectorsWritten,
      (total - written.bytesWritten) / SECTOR_SIZE,
      verify,
    );
  }

  /** Compares the chip's MD5 of each segment with the data; names the first differing byte. */
  private async verifyNow(
    s: Session,
    segments: readonly { address: number; data: Uint8Array }[],
    ctx: OperationContext,
  ): Promise<void> {
    const total = segments.reduce((n, x) => n + x.data.length, 0);
    const progress = this.progress('Verify', total, ctx);
    const onChip = await s.link.channel.md5Many(
      segments.map((x) => ({ address: x.address, size: x.data.length })),
      ctx.signal,
      (i) => progress.advance(segments[i].data.length),
    );
    for (let i = 0; i < segments.length; i++) {
      if (onChip[i] === md5Hex(segments[i].data)) continue;
      const at = await this.firstDifference(s, segments[i], ctx);
      throw new WebProgError(
        'VERIFY_FAILED',
        `Verify failed at ${formatAddress(at.address)}: the chip holds 0x${hex2(at.chip)}, the buffer 0x${hex2(at.expected)} (MD5 of ${formatAddress(segments[i].address)}+0x${segments[i].data.length.toString(16)} differs).`,
        { address: at.address },
      );
    }
    progress.finish();
  }

  /** Finds the first byte where the chip differs from `seg` (MD5 per sector, then a read). */
  private async firstDifference(
    s: Session,
    seg: { address: number; data: Uint8Array },
    ctx: OperationContext,
  ): Promise<{ address: number; chip: number; expected: number }> {
    const pieces = splitAtSectors(seg);
    const digests = await s.link.channel.md5Many(
      pieces.map((p) => ({ address: p.address, size: p.data.length })),
      ctx.signal,
    );
    const bad = pieces.find((p, i) => digests[i] !== md5Hex(p.data)) ?? pieces[0];
    const chip = await s.link.channel.readFlash(bad.address, bad.data.length, ctx.signal);
    const i = Math.max(
      0,
      chip.findIndex((b, k) => b !== bad.data[k]),
    );
    return { address: bad.address + i, chip: chip[i], expected: bad.data[i] };
  }

  /** Throws NOT_BLANK naming the first sector (and byte) of `ranges` that is not erased. */
  private async requireBlank(
    s: Session,
    ranges: readonly FlashRange[],
    ctx: OperationContext,
  ): Promise<void> {
    const chunks = ranges.flatMap((r) => {
      const out: { address: number; size: number }[] = [];
      for (let a = r.address; a < r.address + r.data.length; a += SKIP_CHUNK) {
        out.push({ address: a, size: Math.min(SKIP_CHUNK, r.address + r.data.length - a) });
      }
      return out;
    });
    const blank = (n: number) => md5Hex(new Uint8Array(n).fill(0xff));
    const digests = await s.link.channel.md5Many(chunks, ctx.signal);
    const i = digests.findIndex((d, k) => d !== blank(chunks[k].size));
    if (i < 0) return;
    const erased = new Uint8Array(chunks[i].size).fill(0xff);
    const at = await this.firstDifference(s, { address: chunks[i].address, data: erased }, ctx);
    const sector = Math.floor(at.address / SECTOR_SIZE);
    throw new WebProgError(
      'NOT_BLANK',
      `Block ${sector} not blanked (${ESP_FLASH_REGION} at ${formatAddress(sector * SECTOR_SIZE)}): first non-blank byte at ${formatAddress(at.address)}.`,
      { address: at.address },
    );
  }

  private async eraseRange(
    s: Session,
    address: number,
    size: number,
    ctx: OperationContext,
  ): Promise<OperationReport> {
    const progress = this.progress('Erase', size, ctx);
    const changes = new ChipChangeLog();
    try {
      for (let a = address; a < address + size;) {
        throwIfCancelled(ctx.signal);
        const n = Math.min(address + size - a, SKIP_CHUNK - (a % SKIP_CHUNK));
        logSectors(changes, a, n);
        await s.link.channel.eraseRegion(a, n);
        progress.advance(n);
        a += n;
      }
    } catch (error) {
      throw changes.isEmpty ? error : changes.annotate(toEspError(error, 'Erase'));
    }
    progress.finish();
    return report(0, size / SECTOR_SIZE, 0, false);
  }
}

function report(
  bytesWritten: number,
  erasedBlocks: number,
  skippedBlocks: number,
  verified: boolean,
): OperationReport {
  return { bytesWritten, erasedBlocks, skippedBlocks, verified };
}

/** The image's bytes inside the chip's flash region. */
function flashData(image: MemoryImage, s: Session): SparseData {
  const r = s.regions[0];
  return image.data.slice(r.base, regionEnd(r));
}

function pickRegion(s: Session, name: string | undefined): Region {
  if (name === undefined || name === ESP_FLASH_REGION) return s.regions[0];
  throw new WebProgError(
    'REGION_NOT_FOUND',
    `The chip has no flash region named "${name}" (it has "${ESP_FLASH_REGION}").`,
  );
}

function splitAtSectors(seg: { address: number; data: Uint8Array }): { address: number; data: Uint8Array }[] {
  const out = [];
  for (let at = 0; at < seg.data.length;) {
    const address = seg.address + at;
    const n = Math.min(seg.data.length - at, SECTOR_SIZE - (address % SECTOR_SIZE));
    out.push({ address, data: seg.data.subarray(at, at + n) });
    at += n;
  }
  return out;
}

function hex2(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(2, '0').toUpperCase();
}

/** Notes each flash sector of `[address, address+size)` as changed. */
function logSectors(changes: ChipChangeLog, address: number, size: number): void {
  for (let a = address; a < address + size; a += SECTOR_SIZE) changes.block(a, SECTOR_SIZE);
}
