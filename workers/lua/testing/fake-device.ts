/**
 * An in-memory `DeviceOperationsApi` for tests and benchmarks of the Lua worker: one NOR-flash
 * chip (bits only go 1→0 when written, blocks erase to 0xFF) behind a programmer, honouring
 * the device worker's rules: hardware writes only when allowed, segment alignment and bounds
 * checked before any I/O, blank check before `write`, confirmation before erasing, NOT_SUPPORTED
 * power on probes without power control, cancellation by call id, optional operation delay.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import { crc32 } from '../../../src/core/checksum';
import { MemoryImage } from '../../../src/core/memory/memory-image';
import { flashRegion, regionBlocks, regionEnd, type Region } from '../../../src/core/memory/region';
import type { PowerSetting } from '../../device/backend';
import type {
  BackendCallArgs,
  BackendCallOptions,
  BackendCallResult,
  BackendOperation,
  DeviceConnection,
  DeviceOperationsApi,
  DeviceSummary,
} from '../../device/device-api';
import { imageFromDto, imageToDto } from '../../device/image-dto';
import { checkSegment, requireWrites } from '../../device/segments';

/** Id of the fake programmer. */
export const FAKE_DEVICE_ID = 'fake:0001';

/** The fake chip's regions: 64 KiB of 4 KiB-block flash and a 256-byte UICR. */
export const FAKE_REGIONS: Region[] = [
  flashRegion('Code Flash', 0x0, 0x10000, 0x1000, 4),
  flashRegion('UICR', 0x10001000, 0x100, 0x100, 4),
];

/** Options of the fake. */
export interface FakeDeviceOptions {
  /** Milliseconds each backend call takes (cancellable meanwhile); default 0. */
  delayMs?: number;
  /** True when the programmer can switch target power. */
  power?: boolean;
}

/** The fake device worker; its `flash` is the chip's memory for assertions. */
export class FakeDevice implements DeviceOperationsApi {
  /** The fake has no debug access (special scripts are tested against the simulators). */
  async debug(): Promise<never> {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: the fake device has no debug access.');
  }

  /** The chip's memory (every byte of every region). */
  readonly chip = new Map<string, Uint8Array>(
    FAKE_REGIONS.map((r) => [r.name, new Uint8Array(r.size).fill(0xff)]),
  );
  /** Operations seen, in order, e.g. "write", "connect". */
  readonly calls: string[] = [];
  /** Call ids cancelled. */
  readonly cancelled: number[] = [];
  /** Current power setting. */
  power: PowerSetting = 'off';
  private connected = false;
  private readonly running = new Map<number, (error: WebProgError) => void>();

  /** Number of calls waiting out {@link delayMs} now (a test can stop a run while one waits). */
  get waitingCalls(): number {
    return this.running.size;
  }

  /** Milliseconds each backend call takes (may be changed between runs). */
  delayMs: number;

  constructor(private readonly options: FakeDeviceOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
  }

  async listDevices(): Promise<DeviceSummary[]> {
    return [
      {
        id: FAKE_DEVICE_ID,
        type: 'cmsis-dap',
        name: 'Fake CMSIS-DAP',
        serial: '0001',
        simulated: true,
        connected: this.connected,
      },
    ];
  }

  async connectDevice(deviceId: string, options: BackendCallOptions = {}): Promise<DeviceConnection> {
    this.find(deviceId);
    await this.wait(options);
    this.calls.push('connect');
    this.connected = true;
    return {
      target: this.targetInfoNow(),
      regions: FAKE_REGIONS.map((r) => ({ ...r })),
      programmer: this.programmerNow(),
    };
  }

  async disconnectDevice(deviceId: string): Promise<void> {
    this.find(deviceId);
    this.connected = false;
  }

  async backendCall(
    deviceId: string,
    operation: BackendOperation,
    args: BackendCallArgs,
    options: BackendCallOptions = {},
  ): Promise<BackendCallResult> {
    this.find(deviceId);
    this.calls.push(operation);
    if (!this.connected) throw new WebProgError('NOT_CONNECTED', `${operation}(): connect first.`);
    await this.wait(options);
    const result = await this.dispatch(operation, args, options);
    options.onProgress?.({ kind: 'finished', operation, done: 1, total: 1, rate: 1000, elapsedMs: 0 });
    return { ...result, elapsedMs: this.delayMs };
  }

  async targetInfo(deviceId: string) {
    this.find(deviceId);
    if (!this.connected) throw new WebProgError('NOT_CONNECTED', 'Not connected.');
    return this.targetInfoNow();
  }

  async programmerInfo(deviceId: string) {
    this.find(deviceId);
    return this.programmerNow();
  }

  async setPower(deviceId: string, setting: PowerSetting | 'toggle'): Promise<void> {
    this.find(deviceId);
    if (!this.options.power)
      throw new WebProgError('NOT_SUPPORTED', 'Not Supported: this probe cannot switch target power.');
    this.power = setting === 'toggle' ? (this.power === 'off' ? '3v3' : 'off') : setting;
  }

  async serialOpen(): Promise<void> {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: the fake device has no serial console.');
  }

  async serialWrite(): Promise<void> {
    throw new WebProgError('NOT_SUPPORTED', 'Not Supported: the fake device has no serial console.');
  }

  async serialClose(): Promise<void> {}

  async cancel(callId: number): Promise<void> {
    this.cancelled.push(callId);
    this.running.get(callId)?.(new WebProgError('CANCELLED', 'The operation was cancelled.'));
  }

  private async dispatch(operation: BackendOperation, args: BackendCallArgs, options: BackendCallOptions) {
    const image = () => imageFromDto(args.image ?? { regions: [], segments: [] });
    const range = (alignment: number, what: string) => {
      checkSegment(FAKE_REGIONS, args.address ?? -1, args.size ?? 0, alignment, what);
      return [args.address!, args.size!] as const;
    };
    switch (operation) {
      case 'read': {
        const img = image();
        for (const r of FAKE_REGIONS) img.writeRegion(r.name, 0, this.chip.get(r.name)!);
        return { image: imageToDto(img) };
      }
      case 'read_segment': {
        const [address, size] = range(4, 'read_segment');
        const img = image();
        img.writeAt(address, this.readChip(address, size));
        return { image: imageToDto(img) };
      }
      case 'write':
      case 'write_no_blank':
      case 'write_segment': {
        requireWrites(options.allowWrites, `${operation}()`);
        const img = image();
        const [start, end] =
          operation === 'write_segment' ? span(range(0x1000, 'write_segment')) : [0, 2 ** 32];
        if (operation === 'write') this.blankCheck(img.data.slice(start, end).ranges());
        let written = 0;
        for (const s of img.data.slice(start, end).segments()) {
          this.program(s.address, s.data);
          written += s.data.length;
        }
        return { report: { bytesWritten: written, erasedBlocks: 0, skippedBlocks: 0, verified: false } };
      }
      case 'verify':
      case 'verify_segment': {
        const img = image();
        const [start, end] = operation === 'verify_segment' ? span(range(4, 'verify_segment')) : [0, 2 ** 32];
        for (const s of img.data.slice(start, end).segments()) {
          const chip = this.readChip(s.address, s.data.length);
          const i = chip.findIndex((b, k) => b !== s.data[k]);
          if (i >= 0)
            throw new WebProgError('VERIFY_FAILED', `Verify failed at ${formatAddress(s.address + i)}.`, {
              address: s.address + i,
            });
        }
        return {};
      }
      case 'erase':
      case 'erase_blocks':
      case 'erase_segment': {
        requireWrites(options.allowWrites, `${operation}()`);
        if (operation === 'erase_segment') {
          const [address, size] = range(0x1000, 'erase_segment');
          if (options.confirm && !(await options.confirm(`Erase ${formatAddress(address)}..?`))) {
            throw new WebProgError('CANCELLED', 'Erase was not confirmed.');
          }
          this.program(address, new Uint8Array(size).fill(0xff), true);
          return {
            report: { bytesWritten: 0, erasedBlocks: size / 0x1000, skippedBlocks: 0, verified: false },
          };
        }
        if (operation === 'erase' && options.confirm && !(await options.confirm('Erase the whole chip?'))) {
          throw new WebProgError('CANCELLED', 'Mass erase was not confirmed.');
        }
        for (const bytes of this.chip.values()) bytes.fill(0xff);
        return { report: { bytesWritten: 0, erasedBlocks: 17, skippedBlocks: 0, verified: false } };
      }
      case 'blank_check':
        this.blankCheck(FAKE_REGIONS.map((r) => ({ start: r.base, end: regionEnd(r) })));
        return {};
      case 'read_checksums':
        return {
          checksums: regionBlocks(FAKE_REGIONS[0]!).map((b, i) => ({
            blockN: i,
            address: b.address,
            baseChecksum: crc32(this.readChip(b.address, b.size)),
            subChecksums: [0, 1, 2, 3].map((k) => crc32(this.readChip(b.address + k * 0x400, 0x400))),
          })),
        };
      case 'flash':
        throw new WebProgError('NOT_SUPPORTED', 'Not Supported: the fake has no flash cycle.');
    }
  }

  private blankCheck(ranges: { start: number; end: number }[]): void {
    let n = 0;
    for (const r of FAKE_REGIONS) {
      for (const block of regionBlocks(r)) {
        const touched = ranges.some((x) => x.start < block.address + block.size && block.address < x.end);
        if (touched && this.readChip(block.address, block.size).some((b) => b !== 0xff)) {
          throw new WebProgError(
            'NOT_BLANK',
            `Block ${n} not blanked (at ${formatAddress(block.address)}).`,
            {
              address: block.address,
            },
          );
        }
        n++;
      }
    }
  }

  private locate(address: number, length: number): [Uint8Array, number] {
    const region = FAKE_REGIONS.find((r) => address >= r.base && address + length <= regionEnd(r));
    if (!region)
      throw new WebProgError('ADDRESS_OUT_OF_RANGE', `${formatAddress(address)} is outside the chip.`, {
        address,
      });
    return [this.chip.get(region.name)!, address - region.base];
  }

  private readChip(address: number, length: number): Uint8Array {
    const [bytes, offset] = this.locate(address, length);
    return bytes.slice(offset, offset + length);
  }

  /** NOR programming: bits only go from 1 to 0 (erase sets them back). */
  private program(address: number, data: Uint8Array, erase = false): void {
    const [bytes, offset] = this.locate(address, data.length);
    for (let i = 0; i < data.length; i++) bytes[offset + i] = erase ? 0xff : bytes[offset + i]! & data[i]!;
  }

  private async wait(options: BackendCallOptions): Promise<void> {
    const delay = this.delayMs;
    if (delay <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(done, delay);
      const callId = options.callId;
      function done() {
        if (callId !== undefined) running.delete(callId);
        resolve();
      }
      const running = this.running;
      if (callId !== undefined) {
        running.set(callId, (error) => {
          clearTimeout(timer);
          running.delete(callId);
          reject(error);
        });
      }
    });
  }

  private find(deviceId: string): void {
    if (deviceId !== FAKE_DEVICE_ID) throw new WebProgError('DEVICE_LOST', `No device ${deviceId}.`);
  }

  private targetInfoNow() {
    return { name: 'FakeChip', additional: ['64 KiB flash', '4 KiB blocks'] };
  }

  private programmerNow() {
    return { name: 'Fake CMSIS-DAP', serial: '0001', connected: this.connected, type: 'cmsis-dap' };
  }
}

/** `[address, address + size)`. */
function span([address, size]: readonly [number, number]): [number, number] {
  return [address, address + size];
}

/** An empty buffer with the fake chip's regions. */
export function fakeImage(): MemoryImage {
  return new MemoryImage(FAKE_REGIONS);
}
