/**
 * The flash of a {@link CmsisTarget}: one CMSIS algorithm per flash area (a pack may give one
 * for the code flash and one for, say, UICR). Only one algorithm is in RAM at a time; an
 * operation on another area finishes the loaded one (UnInit) and loads the other.
 */
import { algorithmRegion, type CmsisTarget } from '../../../src/core/cmsis/algorithm';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { BlankCheckResult, EraseCosts, FlashAlgorithm } from '../../../src/core/flash/algorithm';
import { regionBlocks, type Region } from '../../../src/core/memory/region';
import { combinedEraseCosts } from '../../../src/core/cmsis/erase-costs';
import { fromBase64 } from '../../../src/core/cmsis/bytes';
import { CRC32_ROUTINE_BASE64 } from '../../../device-scripts/cmsis/build/crc32-routine';
import { CmsisFlashAlgorithm } from './cmsis-flash';
import { CmsisRunner, placeAlgorithm } from './cmsis-runner';
import type { CortexM } from './cortex-m';

/** Flash operations over every algorithm of a target. */
export class CmsisTargetFlash implements FlashAlgorithm {
  readonly regions: Region[];
  /**
   * Erases every flash area: through its algorithm's EraseChip where it has one, else sector
   * by sector. Defined when at least one algorithm has EraseChip (without any, a chip erase
   * request erases blocks, as for a device script without one).
   */
  eraseAll?: () => Promise<void>;
  /** Chip vs sector erase on the descriptions' timeouts (`src/core/cmsis/erase-costs.ts`). */
  costs?: EraseCosts;
  blockChecksum?: (address: number, length: number) => Promise<number>;
  /**
   * The CRC-32s of consecutive blocks, one routine call each: lets the flasher see blank and
   * unchanged blocks before it plans (and weigh EraseChip against sector erases).
   */
  blockChecksums?: (address: number, blockSize: number, count: number) => Promise<number[]>;
  blankCheck?: (address: number, length: number) => Promise<BlankCheckResult>;
  verifyBlock?: (address: number, content: Uint8Array) => Promise<number | undefined>;
  private readonly parts: { region: Region; flash: CmsisFlashAlgorithm }[];
  private loaded: CmsisFlashAlgorithm | undefined;

  private crcLoaded = false;

  constructor(
    readonly cpu: CortexM,
    readonly target: CmsisTarget,
    /** Our CRC-32 routine, loaded at the top of the RAM when it fits above every algorithm. */
    crcRoutine?: Uint8Array,
  ) {
    const names = new Set<string>();
    this.parts = target.algorithms.map((algo) => {
      let name = algo.flash.name;
      for (let n = 2; names.has(name); n++) name = `${algo.flash.name} (${n})`;
      names.add(name);
      const at = placeAlgorithm(algo, algo.ram ?? target.ram);
      return {
        region: algorithmRegion(algo, name),
        flash: new CmsisFlashAlgorithm(new CmsisRunner(cpu, algo, at)),
      };
    });
    this.regions = this.parts.map((p) => p.region).sort((a, b) => a.base - b.base);
    for (let i = 1; i < this.regions.length; i++) {
      const prev = this.regions[i - 1];
      if (this.regions[i].base < prev.base + prev.size) {
        throw new WebProgError(
          'FORMAT_INVALID',
          `${target.name}: the flash areas "${prev.name}" and "${this.regions[i].name}" overlap at ${formatAddress(this.regions[i].base)}.`,
        );
      }
    }
    if (this.parts.some((p) => p.flash.eraseAll)) {
      this.eraseAll = () => this.eraseEveryArea();
      this.costs = combinedEraseCosts(
        this.parts.map((p) => ({ flash: p.flash.runner.algo.flash, hasEraseChip: !!p.flash.eraseAll })),
      );
    }
    if (crcRoutine) this.offerChecksum(crcRoutine);
    if (this.parts.every((p) => p.flash.blankCheck))
      this.blankCheck = async (address, length) => (await this.use(address)).blankCheck!(address, length);
    if (this.parts.every((p) => p.flash.verifyBlock))
      this.verifyBlock = async (address, content) => (await this.use(address)).verifyBlock!(address, content);
  }

  /**
   * Defines {@link blockChecksum} through our CRC-32 routine when it fits between the end of
   * every algorithm's RAM use and the end of the RAM: it runs with the loaded algorithm's BKPT
   * and stack, and is uploaded (and read back) on first use.
   */
  private offerChecksum(routine: Uint8Array): void {
    const ram = this.target.algorithms[0].ram ?? this.target.ram;
    const at = (ram.start + ram.size - routine.length) & ~3;
    if (this.parts.some((p) => p.flash.runner.at.end > at)) return;
    this.blockChecksum = async (address, length) => {
      const flash = await this.use(address);
      if (!this.crcLoaded) {
        await this.cpu.ap.writeBytes(at, routine);
        const back = await this.cpu.ap.readBytes(at, routine.length);
        if (back.some((b, i) => b !== routine[i])) {
          throw new WebProgError(
            'DEVICE_FAULT',
            `RAM at ${formatAddress(at)} did not hold the CRC-32 routine written there.`,
            { address: at },
          );
        }
        this.crcLoaded = true;
      }
      await flash.runner.startAt(at, [address, length]);
      // At least 100 bytes per ms (a 16 MHz core does about 1.5 MB/s).
      return (await flash.runner.finish('CRC-32', 1000 + Math.ceil(length / 100))) >>> 0;
    };
    this.blockChecksums = async (address, blockSize, count) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(await this.blockChecksum!(address + i * blockSize, blockSize));
      return out;
    };
  }

  /** The chip erase of {@link eraseAll}: each area in address order. */
  private async eraseEveryArea(): Promise<void> {
    for (const part of [...this.parts].sort((a, b) => a.region.base - b.region.base)) {
      const flash = await this.use(part.region.base);
      if (flash.eraseAll) {
        await flash.eraseAll();
      } else {
        for (const block of regionBlocks(part.region)) await flash.eraseBlock(block.address);
      }
    }
  }

  /** The runners of the algorithms, in the target's order. */
  get runners(): CmsisRunner[] {
    return this.parts.map((p) => p.flash.runner);
  }

  /** Loads the first algorithm (checks the RAM and uploads the code). */
  async load(): Promise<void> {
    await this.use(this.parts[0].region.base);
  }

  /** Finishes the loaded algorithm's operation (UnInit). */
  async end(): Promise<void> {
    await this.loaded?.end();
  }

  async eraseBlock(address: number): Promise<void> {
    return (await this.use(address)).eraseBlock(address);
  }

  async writeBlock(address: number, data: Uint8Array): Promise<void> {
    return (await this.use(address)).writeBlock(address, data);
  }

  async eraseAndWrite(
    block: { address: number; size: number },
    writes: { address: number; data: Uint8Array }[],
  ): Promise<void> {
    return (await this.use(block.address)).eraseAndWrite(block, writes);
  }

  async read(address: number, length: number): Promise<Uint8Array> {
    return this.cpu.ap.readBytes(address, length);
  }

  /** The algorithm of the area holding `address`, loaded. */
  private async use(address: number): Promise<CmsisFlashAlgorithm> {
    const part = this.parts.find((p) => address >= p.region.base && address < p.region.base + p.region.size);
    if (!part) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `No flash algorithm of ${this.target.name} covers ${formatAddress(address)}.`,
        {
          address,
        },
      );
    }
    if (this.loaded !== part.flash) {
      await this.loaded?.end();
      this.loaded = undefined;
      await part.flash.runner.load();
      this.loaded = part.flash;
    }
    return part.flash;
  }
}

/** Our CRC-32 routine's code (device-scripts/cmsis/src/crc32.S). */
export function crc32Routine(): Uint8Array {
  return fromBase64(CRC32_ROUTINE_BASE64, 'The CRC-32 routine');
}
