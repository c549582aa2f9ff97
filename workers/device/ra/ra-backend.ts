/**
 * The Renesas RA backend: a chip of the RA family in boot mode, reached over its own USB CDC
 * port (VID 0x045B, PID 0x0261) or a USB-UART on its boot SCI, with MultiProg's semantics (see
 * `../backend.ts`). Regions are the areas the chip reports ("Code Flash", "Data Flash",
 * "Config"); blocks are erase units; every check uses the CRC-32 the chip computes itself.
 * The Config area (option settings, security, TrustZone) is read and shown but never changed,
 * and nothing here changes the chip's lifecycle (DLM).
 */
import { crc32 } from '../../../src/core/checksum/crc32';
import { WebProgError, formatAddress, throwIfCancelled } from '../../../src/core/errors';
import { ChipChangeLog } from '../../../src/core/flash/chip-changes';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd, type Region } from '../../../src/core/memory/region';
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
import { isUnoR4Wifi } from './ra-entry';
import { blocksOf, readUnitOf } from './ra-layout';
import { portError } from './ra-link';
import {
  chipCrc,
  readRange,
  requireBlankBlocks,
  touchedBlocks,
  verifyData,
  writeBlocks,
  type Block,
  type WriteMode,
} from './ra-operations';
import { openSession, parseIdCode, type RaConnectOptions, type RaSession } from './ra-session';

/** Bytes per read command (progress and cancellation granularity). */
const READ_CHUNK = 0x4000;

/** Options of the RA backend. */
export type RaBackendOptions = Omit<RaConnectOptions, 'idCode'>;

/** An RA chip in boot mode on a Web Serial port. */
export class RaBackend implements Backend {
  readonly type = 'ra';
  private session: RaSession | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly port: SerialPort,
    private readonly options: RaBackendOptions = {},
  ) {}

  /** The port in use. */
  get serialPort(): SerialPort {
    return this.port;
  }

  /** The connected session's details (signature, areas, DLM, boundary), for the UI and tests. */
  get details(): Omit<RaSession, 'link' | 'client'> | undefined {
    if (!this.session) return undefined;
    const { link: _link, client: _client, ...rest } = this.session;
    return rest;
  }

  isConnected(): boolean {
    return this.session !== undefined;
  }

  regions(): readonly Region[] {
    return this.session?.layout.regions ?? [];
  }

  connect(ctx: OperationContext = {}): Promise<ConnectResult> {
    return this.exclusive('Connect', async () => {
      const s = await this.connectNow(ctx);
      return { target: s.target, regions: s.layout.regions.map((r) => ({ ...r })) };
    });
  }

  disconnect(): Promise<void> {
    return this.exclusive('Disconnect', () => this.dropSession(true));
  }

  read(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Read', async () => {
      const s = this.requireSession();
      const regions = s.layout.regions.filter((r) => image.regions.some((x) => x.name === r.name));
      const progress = this.progress(
        'Read',
        regions.reduce((n, r) => n + r.size, 0),
        ctx,
      );
      const read = new SparseData();
      for (const r of regions) {
        for (let at = r.base; at < regionEnd(r); at += READ_CHUNK) {
          throwIfCancelled(ctx.signal);
          const n = Math.min(READ_CHUNK, regionEnd(r) - at);
          read.write(at, await readRange(s, at, n, (b) => progress.advance(b)));
        }
      }
      for (const r of regions) image.clear(r.name);
      image.load(read);
      progress.finish();
    });
  }

  write(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', () => this.writeImage(image, ctx, 'write', 'Write'));
  }

  writeNoBlank(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Write', () => this.writeImage(image, ctx, 'write-no-blank', 'Write'));
  }

  flash(image: MemoryImage, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Flash', async () => {
      if (!this.session) await this.connectNow(ctx);
      return this.writeImage(image, ctx, 'flash', 'Flash');
    });
  }

  verify(image: MemoryImage, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('Verify', async () => {
      const s = this.requireSession();
      const data = this.chipData(image);
      if (data.isEmpty)
        throw new WebProgError('INVALID_ARGUMENT', 'Verify: the buffer holds no data for this chip.');
      const progress = this.progress('Verify', total(data), ctx);
      await verifyData(s, data, ctx, progress);
      progress.finish();
    });
  }

  erase(ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const s = this.requireSession();
      const regions = this.flashRegions();
      const names = regions.map((r) => r.name).join(' and ');
      if (
        ctx.confirm &&
        !(await ctx.confirm(`Erase the ${names} of the ${s.target.name}? Everything on them is lost.`))
      ) {
        throw new WebProgError('CANCELLED', 'Chip erase was not confirmed.');
      }
      const progress = this.progress(
        'Erase',
        regions.reduce((n, r) => n + r.size, 0),
        ctx,
      );
      const changes = new ChipChangeLog();
      let erased = 0;
      try {
        for (const area of s.layout.areas.filter((a) =>
          regions.some((r) => a.start >= r.base && a.end < regionEnd(r)),
        )) {
          throwIfCancelled(ctx.signal);
          const units = (area.end - area.start + 1) / area.eau;
          changes.block(area.start, area.end - area.start + 1);
          await s.client.erase(area.start, area.end, units);
          erased += units;
          progress.advance(area.end - area.start + 1);
        }
      } catch (error) {
        throw changes.annotate(error);
      }
      progress.finish();
      return { bytesWritten: 0, erasedBlocks: erased, skippedBlocks: 0, verified: false };
    });
  }

  eraseBlocks(ctx: OperationContext = {}, region?: string): Promise<OperationReport> {
    return this.exclusive('Erase', async () => {
      requireWrites(ctx.allowWrites, 'Erase');
      const r = this.pickRegion(region);
      return this.eraseList(blocksOf(r), ctx);
    });
  }

  blankCheck(ctx: OperationContext = {}, region?: string): Promise<void> {
    return this.exclusive('Blank check', async () => {
      const s = this.requireSession();
      const r = this.pickRegion(region, true);
      const progress = this.progress('Blank check', r.size, ctx);
      await requireBlankBlocks(s, blocksOf(r), ctx, progress, r.name);
      progress.finish();
    });
  }

  readChecksums(ctx: OperationContext = {}): Promise<BlockChecksum[]> {
    return this.exclusive('Read checksums', async () => {
      const s = this.requireSession();
      const regions = this.flashRegions();
      const progress = this.progress(
        'Checksums',
        regions.reduce((n, r) => n + r.size, 0),
        ctx,
      );
      const out: BlockChecksum[] = [];
      for (const r of regions) {
        for (const b of blocksOf(r)) {
          throwIfCancelled(ctx.signal);
          const cau = s.layout.areas.find((a) => b.address >= a.start && b.address <= a.end)?.cau ?? 0;
          // The chip's natural sub-blocks (its CRC unit); a block of one CRC unit is cut in four
          // equal parts, whose CRC-32 chipCrc takes from the bytes read back (MultiProg's
          // read_checksums always has sub-block checksums).
          const natural = cau > 0 && cau < b.size;
          const part = natural ? cau : b.size / 4;
          const subs: number[] = [];
          for (let at = b.address; at < b.address + b.size; at += part)
            subs.push(natural ? await s.client.crc(at, part) : await chipCrc(s, at, part));
          out.push({
            blockN: out.length,
            address: b.address,
            baseChecksum: await chipCrc(s, b.address, b.size),
            subChecksums: subs,
          });
          progress.advance(b.size);
        }
      }
      progress.finish();
      return out;
    });
  }

  readSegment(image: MemoryImage, address: number, size: number, ctx: OperationContext = {}): Promise<void> {
    return this.exclusive('read_segment', async () => {
      const s = this.requireSession();
      const region = this.segmentRegion(address, size, 'read_segment', 'read');
      throwIfCancelled(ctx.signal);
      const bytes = await readRange(s, address, size);
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
      this.segmentRegion(address, size, 'verify_segment', 'read');
      const data = new SparseData();
      data.write(address, image.readAt(address, size));
      const progress = this.progress('Verify', size, ctx);
      await verifyData(s, data, ctx, progress);
      progress.finish();
    });
  }

  writeSegment(
    image: MemoryImage,
    address: number,
    size: number,
    ctx: OperationContext = {},
  ): Promise<OperationReport> {
    return this.exclusive('write_segment', async () => {
      const region = this.segmentRegion(address, size, 'write_segment', 'erase');
      requireWrites(ctx.allowWrites, 'write_segment');
      const data = new SparseData();
      data.write(address, image.readAt(address, size));
      return this.writeData(data, [region], ctx, 'flash', 'Write');
    });
  }

  eraseSegment(address: number, size: number, ctx: OperationContext = {}): Promise<OperationReport> {
    return this.exclusive('erase_segment', async () => {
      const region = this.segmentRegion(address, size, 'erase_segment', 'erase');
      requireWrites(ctx.allowWrites, 'erase_segment');
      const last = formatAddress(address + size - 1);
      if (ctx.confirm && !(await ctx.confirm(`Erase ${formatAddress(address)}..${last}?`))) {
        throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
      }
      return this.eraseList(
        blocksOf(region).filter((b) => b.address >= address && b.address + b.size <= address + size),
        ctx,
      );
    });
  }

  targetInfo(): TargetInfo {
    return this.session?.target ?? { name: '', additional: [] };
  }

  programmerInfo(): ProgrammerInfo {
    const info = this.port.getInfo();
    const hex4 = (n: number | undefined) => (n ?? 0).toString(16).padStart(4, '0');
    const usb =
      this.session?.transport === 'usb' || (info.usbVendorId === 0x045b && info.usbProductId === 0x0261);
    return {
      name: usb
        ? 'Renesas RA USB boot (CDC)'
        : isUnoR4Wifi(this.port)
          ? 'Arduino Uno R4 WiFi USB bridge (2341:1002)'
          : `USB-UART ${hex4(info.usbVendorId)}:${hex4(info.usbProductId)}`,
      serial: '',
      connected: this.isConnected(),
      type: this.type,
      ...(this.session ? { firmware: this.session.signature.bootFirmware } : {}),
    };
  }

  async setPower(_setting: PowerSetting | 'toggle'): Promise<void> {
    throw new WebProgError(
      'NOT_SUPPORTED',
      'Not Supported: an RA board is powered by its USB port; WebProg cannot switch it.',
    );
  }

  private async connectNow(ctx: OperationContext): Promise<RaSession> {
    await this.dropSession(true);
    throwIfCancelled(ctx.signal);
    const idCode = ctx.idCode === undefined ? undefined : parseIdCode(ctx.idCode);
    this.session = await openSession(this.port, { ...this.options, ...(idCode ? { idCode } : {}) });
    return this.session;
  }

  private async writeImage(
    image: MemoryImage,
    ctx: OperationContext,
    mode: WriteMode,
    what: string,
  ): Promise<OperationReport> {
    requireWrites(ctx.allowWrites, what);
    const s = this.requireSession();
    const data = this.chipData(image);
    await this.refuseConfigChanges(s, data);
    return this.writeData(data, this.flashRegions(), ctx, mode, what);
  }

  private async writeData(
    data: SparseData,
    regions: readonly Region[],
    ctx: OperationContext,
    mode: WriteMode,
    what: string,
  ): Promise<OperationReport> {
    const s = this.requireSession();
    const blocks = regions.flatMap((r) => touchedBlocks(blocksOf(r), data));
    const progress = this.progress(
      what,
      blocks.reduce((n, b) => n + b.size, 0),
      ctx,
    );
    const changes = new ChipChangeLog();
    try {
      const report = await writeBlocks(s, blocks, data, mode, ctx, progress, changes);
      progress.finish();
      return report;
    } catch (error) {
      throw changes.annotate(error);
    }
  }

  private async eraseList(blocks: readonly Block[], ctx: OperationContext): Promise<OperationReport> {
    const s = this.requireSession();
    const progress = this.progress(
      'Erase',
      blocks.reduce((n, b) => n + b.size, 0),
      ctx,
    );
    const changes = new ChipChangeLog();
    try {
      for (const b of blocks) {
        throwIfCancelled(ctx.signal);
        changes.block(b.address, b.size);
        await s.client.erase(b.address, b.address + b.size - 1, 1);
        progress.advance(b.size);
      }
    } catch (error) {
      throw changes.annotate(error);
    }
    progress.finish();
    return { bytesWritten: 0, erasedBlocks: blocks.length, skippedBlocks: 0, verified: false };
  }

  /** Config data in the buffer must equal the chip's: WebProg never changes the Config area. */
  private async refuseConfigChanges(s: RaSession, data: SparseData): Promise<void> {
    for (const r of s.layout.regions.filter((x) => x.kind !== 'flash')) {
      const part = data.slice(r.base, regionEnd(r));
      for (const seg of part.segments()) {
        const chip = await readRange(s, seg.address, seg.data.length);
        if (crc32(chip) !== crc32(seg.data)) {
          throw new WebProgError(
            'NOT_SUPPORTED',
            `Not Supported: the buffer changes the ${r.name} area at ${formatAddress(seg.address)}. Its settings (security, ID code, TrustZone, lifecycle) can lock the chip, so WebProg never writes them; remove that data from the buffer.`,
            { address: seg.address },
          );
        }
      }
      data.clear(r.base, regionEnd(r));
    }
  }

  /** The image's data inside the chip's regions. */
  private chipData(image: MemoryImage): SparseData {
    const s = this.requireSession();
    const out = new SparseData();
    for (const r of s.layout.regions)
      for (const seg of image.data.slice(r.base, regionEnd(r)).segments()) out.write(seg.address, seg.data);
    return out;
  }

  private flashRegions(): Region[] {
    return this.requireSession().layout.regions.filter((r) => r.kind === 'flash');
  }

  private pickRegion(name: string | undefined, anyKind = false): Region {
    const regions = anyKind ? this.requireSession().layout.regions : this.flashRegions();
    const r = name === undefined ? regions[0] : regions.find((x) => x.name === name);
    if (!r) {
      throw new WebProgError(
        'REGION_NOT_FOUND',
        `No ${anyKind ? '' : 'erasable '}region named "${name}" (regions: ${regions.map((x) => `"${x.name}"`).join(', ')}).`,
      );
    }
    return r;
  }

  private segmentRegion(address: number, size: number, what: string, unit: 'read' | 'erase'): Region {
    const s = this.requireSession();
    const region = checkSegment(s.layout.regions, address, size, 1, what);
    const align =
      unit === 'read' ? readUnitOf(s.layout, region) : Math.min(...blocksOf(region).map((b) => b.size));
    if (unit === 'erase' && region.kind !== 'flash') {
      throw new WebProgError(
        'NOT_SUPPORTED',
        `Not Supported: ${what}: WebProg never changes the ${region.name} area.`,
        { address },
      );
    }
    const starts = new Set(blocksOf(region).map((b) => b.address));
    const aligned =
      unit === 'read'
        ? address % align === 0 && size % align === 0
        : starts.has(address) && (starts.has(address + size) || address + size === regionEnd(region));
    if (!aligned) {
      throw new WebProgError(
        'ADDRESS_MISALIGNED',
        `${what}: ${formatAddress(address)} + 0x${size.toString(16)} must ${unit === 'read' ? `be aligned to ${align} bytes` : 'start and end on erase-block boundaries'} (address and size).`,
        { address },
      );
    }
    return region;
  }

  private requireSession(): RaSession {
    if (!this.session)
      throw new WebProgError('NOT_CONNECTED', 'The RA chip is not connected: connect first.');
    return this.session;
  }

  private progress(operation: string, totalBytes: number, ctx: OperationContext): ProgressReporter {
    const p = new ProgressReporter(operation, Math.max(1, totalBytes), ctx.onProgress, 50, ctx.clock);
    p.start();
    return p;
  }

  private async dropSession(clean: boolean): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    // Leave a UART chip at 9600 baud, so the next connect finds it without a reset.
    if (clean && s.transport === 'uart' && s.link.baud !== 9600)
      await s.client.setBaud(9600).catch(() => undefined);
    await s.link.close();
  }

  private exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(async () => {
      try {
        return await work();
      } catch (error) {
        const e = portError(error, what);
        if (['DEVICE_LOST', 'TIMEOUT', 'DEVICE_PROTOCOL', 'DEVICE_FAULT', 'DEVICE_LOCKED'].includes(e.code)) {
          await this.dropSession(false);
        }
        throw e;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function total(data: SparseData): number {
  return data.segments().reduce((n, s) => n + s.data.length, 0);
}
