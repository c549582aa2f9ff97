/**
 * Block-level work on an RL78 in programming mode, all done by the chip: blank check per block
 * (naming the first non-blank one), erase block by block, program 256-byte units, and compare
 * by the chip's Checksum (its 16-bit two's-complement byte sum, which is `mp.checksum.sum_rl78`
 * over the same bytes) or exactly by its Verify (the host sends the bytes, the chip compares).
 * Blocks are numbered from 0 over the flash regions in address order (Code Flash blocks first,
 * then Data Flash).
 */
import { checksum } from '../../../src/core/checksum';
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionBlocks, regionEnd, type Region } from '../../../src/core/memory/region';
import { rl78BlankCheck, rl78BlockErase, rl78Checksum, rl78Program, rl78Verify } from './rl78-commands';
import { RL78_UNIT } from './rl78-families';
import type { Rl78Link } from './rl78-link';

/** One erase block with its global number. */
export interface Rl78Block {
  /** Number over all flash regions. */
  n: number;
  region: Region;
  address: number;
  size: number;
}

/** Every block of `regions`, numbered. */
export function allBlocks(regions: readonly Region[]): Rl78Block[] {
  const out: Rl78Block[] = [];
  for (const region of regions) {
    for (const b of regionBlocks(region))
      out.push({ n: out.length, region, address: b.address, size: b.size });
  }
  return out;
}

/** The blocks of `regions` the image holds data in. */
export function blocksWithData(image: MemoryImage, regions: readonly Region[]): Rl78Block[] {
  const ranges = image.data.ranges();
  return allBlocks(regions).filter((b) =>
    ranges.some((r) => r.start < b.address + b.size && r.end > b.address),
  );
}

/** The 256-byte units of `block` the image holds data in. */
export function unitsWithData(image: MemoryImage, block: Rl78Block): number[] {
  const ranges = image.data.ranges();
  const units: number[] = [];
  for (let a = block.address; a < block.address + block.size; a += RL78_UNIT) {
    if (ranges.some((r) => r.start < a + RL78_UNIT && r.end > a)) units.push(a);
  }
  return units;
}

/** The image's bytes of a range (gaps as 0xFF, the erased value). */
export function imageBytes(image: MemoryImage, address: number, size: number): Uint8Array {
  return image.readAt(address, size);
}

/**
 * What programming `units` (256-byte unit addresses) of `block` from the image puts on the
 * chip, as a whole block: the image's bytes in those units, 0xFF (programs nothing) elsewhere.
 */
export function unitBytes(image: MemoryImage, block: Rl78Block, units: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(block.size).fill(0xff);
  for (const unit of units) bytes.set(image.readAt(unit, RL78_UNIT), unit - block.address);
  return bytes;
}

/** `sum_rl78` of bytes: what the chip's Checksum command returns for them. */
export function sumRl78(bytes: Uint8Array): number {
  return checksum('sum16-rl78', bytes).value ?? 0;
}

/** The NOT_BLANK error for a block, in the words MultiProg scripts match ("Block N not blanked"). */
export function notBlank(block: Rl78Block): WebProgError {
  return new WebProgError(
    'NOT_BLANK',
    `Block ${block.n} not blanked (${block.region.name} at ${formatAddress(block.address)}).`,
    { address: block.address },
  );
}

/** Throws NOT_BLANK for the first non-blank of `blocks` (one command first for the whole run when blank). */
export async function requireBlank(
  link: Rl78Link,
  blocks: readonly Rl78Block[],
  onBlock?: (block: Rl78Block) => void,
): Promise<void> {
  for (const block of blocks) {
    if (!(await rl78BlankCheck(link, block.address, block.address + block.size - 1))) throw notBlank(block);
    onBlock?.(block);
  }
}

/** Whether a block is blank, by the chip. */
export function isBlank(link: Rl78Link, block: Rl78Block): Promise<boolean> {
  return rl78BlankCheck(link, block.address, block.address + block.size - 1);
}

/** Erases one block. */
export function eraseBlock(link: Rl78Link, block: Rl78Block): Promise<void> {
  return rl78BlockErase(link, block.address);
}

/**
 * Programs the image's units of `block` (runs of adjacent units in one Programming command;
 * gaps inside a unit as 0xFF, which NOR programming leaves unchanged). Returns bytes sent.
 */
export async function programBlock(
  link: Rl78Link,
  image: MemoryImage,
  block: Rl78Block,
  units: readonly number[],
  onBytes?: (bytes: number) => void,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < units.length;) {
    let j = i + 1;
    while (j < units.length && units[j] === units[j - 1] + RL78_UNIT) j++;
    const start = units[i];
    const data = imageBytes(image, start, (j - i) * RL78_UNIT);
    let last = 0;
    await rl78Program(link, start, data, (done) => {
      onBytes?.(done - last);
      last = done;
    });
    sent += data.length;
    i = j;
  }
  return sent;
}

/** The chip's checksum of a range. */
export function chipChecksum(link: Rl78Link, address: number, size: number): Promise<number> {
  return rl78Checksum(link, address, address + size - 1);
}

/**
 * Compares `block` with the image by checksum (gaps as 0xFF); on a difference narrows it to a
 * 256-byte unit and throws VERIFY_FAILED naming the block and range.
 */
export async function verifyBlock(link: Rl78Link, image: MemoryImage, block: Rl78Block): Promise<void> {
  const want = sumRl78(imageBytes(image, block.address, block.size));
  const got = await chipChecksum(link, block.address, block.size);
  if (want === got) return;
  for (let a = block.address; a < block.address + block.size; a += RL78_UNIT) {
    const unitWant = sumRl78(imageBytes(image, a, RL78_UNIT));
    const unitGot = await chipChecksum(link, a, RL78_UNIT);
    if (unitWant !== unitGot) {
      throw new WebProgError(
        'VERIFY_FAILED',
        `Verify failed in Block ${block.n} (${block.region.name}) at ${formatAddress(a)}..${formatAddress(a + RL78_UNIT - 1)}: the chip’s checksum is 0x${hex4(unitGot)}, the buffer’s 0x${hex4(unitWant)} (a 1 written over a 0 stays 0 without an erase).`,
        { address: a },
      );
    }
  }
  throw new WebProgError(
    'VERIFY_FAILED',
    `Verify failed in Block ${block.n} (${block.region.name} at ${formatAddress(block.address)}): chip checksum 0x${hex4(got)}, buffer 0x${hex4(want)}.`,
    { address: block.address },
  );
}

/**
 * Compares a 256-aligned range with the image using the chip's Verify command (the chip
 * compares every byte); throws VERIFY_FAILED naming the first 256 bytes that differ.
 */
export async function verifyRange(
  link: Rl78Link,
  image: MemoryImage,
  address: number,
  size: number,
): Promise<void> {
  const [first] = await rl78Verify(link, address, imageBytes(image, address, size));
  if (first !== undefined) {
    throw new WebProgError(
      'VERIFY_FAILED',
      `Verify failed at ${formatAddress(first)}: the chip’s 256 bytes from there differ from the buffer.`,
      { address: first },
    );
  }
}

/**
 * The blocks of `blocks` (adjacent, one region) whose flash differs from the image in any
 * byte, by one chip Verify over them all; `onEqual` gets each block found equal as soon as
 * its last frame is compared.
 */
export async function differingBlocks(
  link: Rl78Link,
  image: MemoryImage,
  blocks: readonly Rl78Block[],
  onEqual?: (block: Rl78Block) => void,
): Promise<Rl78Block[]> {
  const start = blocks[0].address;
  const size = blocks.reduce((n, b) => n + b.size, 0);
  const differing = new Set<Rl78Block>();
  let i = 0;
  await rl78Verify(link, start, imageBytes(image, start, size), (address, same) => {
    const b = blocks[i];
    if (!same) differing.add(b);
    if (address + RL78_UNIT < b.address + b.size) return;
    if (!differing.has(b)) onEqual?.(b);
    i++;
  });
  return blocks.filter((b) => differing.has(b));
}

/** The region named `name` (default the code flash). */
export function pickRegion(regions: readonly Region[], name?: string): Region {
  const r = name === undefined ? regions[0] : regions.find((x) => x.name === name);
  if (!r) {
    throw new WebProgError(
      'REGION_NOT_FOUND',
      `The RL78 has no region "${name}" (it has ${regions.map((x) => `"${x.name}"`).join(', ')}).`,
    );
  }
  return r;
}

/** True if the block lies in region `r`. */
export function inRegion(block: Rl78Block, r: Region): boolean {
  return block.address >= r.base && block.address < regionEnd(r);
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
