/**
 * A CMSIS flash algorithm as WebProg runs it, whatever it was loaded from (`.FLM`, a CMSIS-Pack
 * or a probe-rs target description): position-independent code and data, entry offsets, and
 * the flash it drives. See the CMSIS-Pack documentation "Flash Programming Algorithms".
 */
import { WebProgError, formatAddress } from '../errors';
import { flashRegion, type Region } from '../memory/region';

/** Offsets (from the start of {@link CmsisAlgorithm.instructions}) of the entries. */
export interface CmsisEntries {
  /** `int Init(unsigned long adr, unsigned long clk, unsigned long fnc)`. */
  init?: number;
  /** `int UnInit(unsigned long fnc)`. */
  uninit?: number;
  /** `int EraseChip(void)`. */
  eraseChip?: number;
  /** `int EraseSector(unsigned long adr)`. */
  eraseSector: number;
  /** `int ProgramPage(unsigned long adr, unsigned long sz, unsigned char *buf)`. */
  programPage: number;
  /** `unsigned long Verify(adr, sz, buf)`: returns adr + sz on success. */
  verify?: number;
  /** `int BlankCheck(adr, sz, pat)`: 0 when blank. */
  blankCheck?: number;
}

/** One run of equal sectors: `size` bytes each from `address` up to the next run. */
export interface SectorRun {
  /** Absolute address of the run's first sector. */
  address: number;
  /** Sector size in bytes. */
  size: number;
}

/** The flash an algorithm programs (the FlashDevice description). */
export interface CmsisFlash {
  /** Device name from the description. */
  name: string;
  /** Absolute start address. */
  start: number;
  /** Size in bytes. */
  size: number;
  /** ProgramPage size in bytes. */
  pageSize: number;
  /** Value of an erased byte. */
  erasedValue: number;
  /** ProgramPage timeout, ms. */
  programTimeoutMs: number;
  /** EraseSector timeout, ms. */
  eraseTimeoutMs: number;
  /** Sector runs, ascending. */
  sectors: SectorRun[];
}

/** A loaded algorithm. */
export interface CmsisAlgorithm {
  /** Name (file name or the description's name). */
  name: string;
  /** Code followed by data, as loaded into RAM. */
  instructions: Uint8Array;
  /** Offset of the data section in {@link instructions} (the static base, R9). */
  dataSectionOffset: number;
  /** Entry offsets. */
  entries: CmsisEntries;
  /** The flash it programs. */
  flash: CmsisFlash;
  /** A fixed RAM load address, when the description demands one. */
  loadAddress?: number;
  /** RAM the algorithm may use (from the pack's RAMstart/RAMsize), when given. */
  ram?: { start: number; size: number };
}

/** A chip with its flash algorithms and RAM, as a pack or a target description names it. */
export interface CmsisTarget {
  /** Device name, e.g. "nRF52833_xxAA". */
  name: string;
  /** Vendor, when known. */
  vendor?: string;
  /** RAM the algorithms run in. */
  ram: { start: number; size: number };
  /** Its algorithms, one per flash area. */
  algorithms: CmsisAlgorithm[];
  /** Where it came from ("pack", "flm", "probe-rs"). */
  source: 'flm' | 'pack' | 'probe-rs';
}

/** Largest sector count described (a 4 GiB space of 4 KiB sectors would be a million). */
const MAX_SECTORS = 1 << 16;

/**
 * Checks a flash description makes sense: sizes non-zero, runs ascending and inside the flash,
 * each a whole number of sectors, the page dividing every sector. FORMAT_INVALID otherwise.
 */
export function checkFlash(flash: CmsisFlash, file: string): void {
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `${file}: the flash description "${flash.name}" ${why}.`, {
      file,
    });
  };
  if (flash.size <= 0) fail('has no size');
  if (flash.start + flash.size > 2 ** 32) fail('runs past the end of the address space');
  if (!(flash.pageSize > 0)) fail('has a page size of 0');
  if (flash.erasedValue < 0 || flash.erasedValue > 255) fail('has an erased value that is not a byte');
  if (flash.sectors.length === 0) fail('lists no sectors');
  if (flash.sectors[0].address !== flash.start)
    fail(
      `starts its sectors at ${formatAddress(flash.sectors[0].address)}, not at the flash start ${formatAddress(flash.start)}`,
    );
  let count = 0;
  for (const [i, run] of flash.sectors.entries()) {
    const end = i + 1 < flash.sectors.length ? flash.sectors[i + 1].address : flash.start + flash.size;
    if (!(run.size > 0)) fail(`has a sector of size 0 at ${formatAddress(run.address)}`);
    if (end <= run.address)
      fail(`lists sectors out of order or past the flash end at ${formatAddress(run.address)}`);
    if ((end - run.address) % run.size !== 0)
      fail(
        `has sectors of ${run.size} bytes at ${formatAddress(run.address)} that do not fill ${end - run.address} bytes`,
      );
    if (run.size % flash.pageSize !== 0 && flash.pageSize % run.size !== 0)
      fail(`has a page size ${flash.pageSize} that does not fit its ${run.size}-byte sectors`);
    count += (end - run.address) / run.size;
    if (count > MAX_SECTORS) fail(`describes more than ${MAX_SECTORS} sectors`);
  }
}

/** Checks the entries lie inside the code. FORMAT_INVALID otherwise. */
export function checkEntries(algo: Pick<CmsisAlgorithm, 'entries' | 'instructions' | 'name'>): void {
  for (const [name, offset] of Object.entries(algo.entries)) {
    if (offset === undefined) continue;
    if (offset < 0 || offset >= algo.instructions.length || offset % 2 !== 0) {
      throw new WebProgError(
        'FORMAT_INVALID',
        `Flash algorithm "${algo.name}": its ${name} entry (offset ${offset}) lies outside its ${algo.instructions.length} bytes of code.`,
      );
    }
  }
}

/** The algorithm's flash as a WebProg region (mixed sectors listed as blocks). */
export function algorithmRegion(algo: CmsisAlgorithm, name = algo.flash.name): Region {
  const f = algo.flash;
  const blocks: { address: number; size: number }[] = [];
  f.sectors.forEach((run, i) => {
    const end = i + 1 < f.sectors.length ? f.sectors[i + 1].address : f.start + f.size;
    for (let a = run.address; a < end; a += run.size) blocks.push({ address: a, size: run.size });
  });
  const sizes = new Set(blocks.map((b) => b.size));
  const largest = Math.max(...sizes);
  const writeSize = Math.min(f.pageSize, ...sizes);
  const region = flashRegion(name, f.start, f.size, largest, writeSize, sizes.size > 1 ? { blocks } : {});
  return { ...region, fill: f.erasedValue };
}
