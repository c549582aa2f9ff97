/**
 * The ESP backend: an ESP32 / ESP32-S3 / ESP32-C3 board on a Web Serial port, with the same
 * MultiProg semantics as the CMSIS-DAP backend (see `../backend.ts`). Flash is one region
 * "Flash" at 0; reads and verifies work on 4-byte words, writes and erases on 4 KiB sectors.
 * Verification always compares MD5s computed by the chip; writes skip 64 KiB chunks the chip
 * already holds (flash, write_segment and firmware parts; `write` keeps MultiProg's blank check).
 *
 * This class holds the session, the serial monitor and the lock; the work is in files by job:
 * `esp-session.ts` (what connecting found, what operations share), `esp-read.ts`,
 * `esp-write.ts` (write, skip unchanged, verify afterwards), `esp-verify.ts` (MD5 compare),
 * `esp-erase.ts` (erase, blank check), `esp-monitor.ts` (the serial monitor), `port-follower.ts`
 * (a native-USB board's new port).
 */
import { WebProgError, throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import type { Region } from '../../../src/core/memory/region';
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
import { resetIntoApp } from './app-reset';
import { eraseChip, eraseChipFirst, eraseSectors, eraseSegment, requireBlank } from './esp-erase';
import type { EspChipInfo } from './esp-link';
import { EspMonitor } from './esp-monitor';
import { SECTOR_SIZE, toEspError } from './esp-protocol';
import { readRegions, readSegmentInto, sectorChecksums } from './esp-read';
import { WORD, flashData, pickRegion, sessionOf, type EspSession } from './esp-session';
import { verifyOnChip } from './esp-verify';
import { partsData, sectorRangesOf, writeAndVerify, type FlashPart } from './esp-write';
import { PortFollower, type PortFollowerOptions } from './port-follower';
import type { MonitorListener } from './serial-monitor';

/** Name of the ESP flash region (defined in `esp-session.ts`). */
export { ESP_FLASH_REGION } from './esp-session';
/** A firmware part: bytes for a flash offset (defined in `esp-write.ts`). */
export type { FlashPart } from './esp-write';

/** Options of the ESP backend (`getPorts` and `portWaitMs`: see {@link PortFollowerOptions}). */
export interface EspBackendOptions extends PortFollowerOptions {
  /** Baud rate after connecting (default 921600; falls back to 115200 when it fails). */
  baud?: number;
  /** Compare before writing and skip chunks already on the chip (default true). */
  skipUnchanged?: boolean;
  /** Receives esptool-js's progress lines. */
  log?: (line: string) => void;
}

/** Options of {@link EspBackend.flashParts}. */
export interface FlashPartsOptions {
  /** Erase the whole chip first. */
  eraseAll?: boolean;
  /** Skip chunks already on the chip (default: the backend's setting). */
  skipUnchanged?: boolean;
}

/** An ESP board reached through Web Serial and esptool-js. */
export class EspBackend implements Backend {
  readonly type = 'esp';
  private session: EspSession | undefined;
  private readonly monitor: EspMonitor;
  private lastInfo: EspChipInfo | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly ports: PortFollower;

  /** Baud rate used by the next connect. */
  baud: number;
  /** Whether flash() and firmware parts skip chunks already on the chip. */
  skipUnchanged: boolean;

  constructor(
    port: SerialPort,
    private readonly options: EspBackendOptions = {},
  ) {
    this.ports = new PortFollower(port, options);
    this.monitor = new EspMonitor({
      ports: this.ports,
      exclusive: (what, work) => this.exclusive(what, work),
      hasSession: () => this.session !== undefined,
      log: (line) => this.options.log?.(line),
    });
    this.baud = options.baud ?? 921600;
    this.skipUnchanged = options.skipUnchanged ?? true;
  }

  /** The chip found by the last connect. */
  get chipInfo(): EspChipInfo | undefined {
    return this.lastInfo;
  }

  /** The port in use (it can change when a native-USB board re-enumerates). */
  get serialPort(): SerialPort {
    return this.ports.port;
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
      await this.monitor.stop();
      await this.dropSession();
    });
  }

  read(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Read', () => readRegions(this.requireSession(), image, ctx));
  }

  write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      const ranges = await sectorRangesOf(s, flashData(image, s));
      await requireBlank(s, ranges, ctx);
      return writeAndVerify(s, ranges, ctx, { verify: false, skipUnchanged: this.skipUnchanged });
    });
  }

  writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', async () => {
      requireWrites(ctx.allowWrites, 'Write');
      const s = this.requireSession();
      const ranges = await sectorRangesOf(s, flashData(image, s));
      return writeAndVerify(s, ranges, ctx, { verify: false, skipUnchanged: this.skipUnchanged });
    });
  }

  verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Verify', async () => {
      const s = this.requireSession();
      const data = flashData(image, s);
      if (data.isEmpty) throw new WebProgError('INVALID_ARGUMENT', 'Verify: the buffer holds no flash data.');
      await verifyOnChip(s, data.segments(), ctx);
    });
  }

  erase(ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Erase', () => {
      requireWrites(ctx.allowWrites, 'Erase');
      return eraseChip(this.requireSession(), ctx);
    });
  }

  eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    return this.exclusive('Erase', () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      const r = pickRegion(s, region);
      return eraseSectors(s, r.base, r.size, ctx);
    });
  }

  blankCheck(ctx: OperationContext = {}, region?: string): Promise<void> {
    return this.exclusive('Blank check', () => {
      const s = this.requireSession();
      const r = pickRegion(s, region);
      return requireBlank(s, [{ address: r.base, data: new Uint8Array(r.size) }], ctx);
    });
  }

  flash(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Flash', async () => {
      requireWrites(ctx.allowWrites, 'Flash');
      const s = this.session ?? (await this.connectNow(ctx), this.requireSession());
      const ranges = await sectorRangesOf(s, flashData(image, s));
      return writeAndVerify(s, ranges, ctx, { verify: true, skipUnchanged: this.skipUnchanged });
    });
  }

  readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    return this.exclusive('Read checksums', () => sectorChecksums(this.requireSession(), ctx));
  }

  readSegment(image: MemoryImage, address: number, size: number, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('read_segment', () => {
      const s = this.requireSession();
      const region = checkSegment(s.regions, address, size, WORD, 'read_segment');
      return readSegmentInto(s, image, region, address, size, ctx);
    });
  }

  verifySegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<void> {
    return this.exclusive('verify_segment', () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, WORD, 'verify_segment');
      return verifyOnChip(s, [{ address, data: image.readAt(address, size) }], ctx);
    });
  }

  writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<OperationReport> {
    return this.exclusive('write_segment', () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, SECTOR_SIZE, 'write_segment');
      requireWrites(ctx.allowWrites, 'write_segment');
      const ranges = [{ address, data: image.readAt(address, size) }];
      return writeAndVerify(s, ranges, ctx, { verify: true, skipUnchanged: this.skipUnchanged });
    });
  }

  eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('erase_segment', () => {
      const s = this.requireSession();
      checkSegment(s.regions, address, size, SECTOR_SIZE, 'erase_segment');
      requireWrites(ctx.allowWrites, 'erase_segment');
      return eraseSegment(s, address, size, ctx);
    });
  }

  targetInfo(): TargetInfo {
    return this.session?.target ?? { name: '', additional: [] };
  }

  programmerInfo(): ProgrammerInfo {
    const info = this.ports.port.getInfo();
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
      const data = partsData(parts);
      const ranges = await sectorRangesOf(s, data);
      const changes = new ChipChangeLog();
      if (options.eraseAll) await eraseChipFirst(s, ctx, changes);
      const skipUnchanged = options.eraseAll ? false : (options.skipUnchanged ?? this.skipUnchanged);
      return writeAndVerify(s, ranges, ctx, { verify: true, skipUnchanged, changes });
    });
  }

  /**
   * Resets the chip into its application and opens the serial monitor at `baud`, passing on
   * everything the program prints. Ends the flashing session (the stub stops running).
   */
  startMonitor(baud: number, listener: MonitorListener, options: { reset?: boolean } = {}): Promise<void> {
    return this.exclusive('Monitor', async () => {
      // Listed before ending the session: closing a native-USB port can restart the board.
      const present = await this.ports.present();
      await this.monitor.stop();
      await this.dropSession();
      await this.monitor.start(baud, listener, options.reset ?? true, present);
    });
  }

  /** Sends text to the running program (the monitor must be running). */
  sendToMonitor(text: string): Promise<void> {
    return this.monitor.send(text);
  }

  /** Stops the serial monitor and frees the port. */
  stopMonitor(): Promise<void> {
    return this.exclusive('Monitor', () => this.monitor.stop());
  }

  /** True while the serial monitor runs. */
  get monitoring(): boolean {
    return this.monitor.running;
  }

  /** Resets the chip into its application (ends a flashing session; keeps the monitor). */
  resetToApp(): Promise<void> {
    return this.exclusive('Reset', async () => {
      const port = this.ports.port;
      if (this.monitor.isOpen) return resetIntoApp(port);
      await this.dropSession();
      await port.open({ baudRate: 115200 });
      try {
        await resetIntoApp(port);
      } finally {
        await port.close().catch(() => undefined);
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
    await this.monitor.stop();
    await this.dropSession();
    throwIfCancelled(ctx.signal);
    // esptool-js (and its chip classes) loads with the first connection, not at start-up.
    const { EspLink } = await import('./esp-link');
    const link = await this.ports.following('Connect', ctx, () =>
      EspLink.open(this.ports.port, { baud: this.baud, log: this.options.log }),
    );
    this.lastInfo = link.info;
    this.session = sessionOf(link);
    return { target: this.session.target, regions: this.session.regions };
  }

  private async dropSession(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await s.link.close();
  }

  private requireSession(): EspSession {
    if (!this.session) throw new WebProgError('NOT_CONNECTED', 'Not connected: connect to the board first.');
    return this.session;
  }
}
