/**
 * UF2 (https://github.com/microsoft/uf2, README "File format"): 512-byte blocks, each with
 * a 32-byte header, up to 476 payload bytes and an end magic, little-endian.
 */
import { WebProgError, formatAddress } from '../errors';
import type { SparseData } from '../memory';
import { RunBuilder } from './run-builder';

/** First magic number of every block ("UF2\n"). */
export const UF2_MAGIC_START0 = 0x0a324655;
/** Second magic number of every block. */
export const UF2_MAGIC_START1 = 0x9e5d5157;
/** Magic number in the last 4 bytes of every block. */
export const UF2_MAGIC_END = 0x0ab16f30;
/** Size of a UF2 block. */
export const UF2_BLOCK_SIZE = 512;

/** Block flag: not for the main flash; readers skip the block. */
export const UF2_FLAG_NOT_MAIN_FLASH = 0x1;
/** Block flag: part of a file container (files, not flash contents). */
export const UF2_FLAG_FILE_CONTAINER = 0x1000;
/** Block flag: the word at offset 28 is a family id (otherwise a file size or 0). */
export const UF2_FLAG_FAMILY_ID = 0x2000;

const MAX_PAYLOAD = 476;
const WRITE_PAYLOAD = 256;
const ADDRESS_LIMIT = 0x1_0000_0000;

/** A UF2 family id and the chips it names. */
export interface Uf2Family {
  /** The id written in blocks with {@link UF2_FLAG_FAMILY_ID}. */
  id: number;
  /** Short name from uf2families.json. */
  name: string;
  /** Chips it stands for. */
  description: string;
}

/**
 * Family ids for the chips WebProg knows, as listed in microsoft/uf2
 * `utils/uf2families.json`. There is no id for the nRF51; 0x1B57745F is the generic nRF52 id.
 */
export const UF2_FAMILIES: readonly Uf2Family[] = [
  { id: 0x1b57745f, name: 'NRF52', description: 'Nordic nRF52' },
  { id: 0x621e937a, name: 'NRF52833', description: 'Nordic nRF52833' },
  { id: 0xada52840, name: 'NRF52840', description: 'Nordic nRF52840' },
  { id: 0x5ee21072, name: 'STM32F1', description: 'ST STM32F103' },
  { id: 0x57755a57, name: 'STM32F4', description: 'ST STM32F4xx' },
  { id: 0x300f5633, name: 'STM32G0', description: 'ST STM32G0xx' },
  { id: 0x68ed2b88, name: 'SAMD21', description: 'Microchip (Atmel) SAMD21' },
  { id: 0x1c5f21b0, name: 'ESP32', description: 'ESP32' },
  { id: 0xc47e5767, name: 'ESP32S3', description: 'ESP32-S3' },
  { id: 0xd42ba06c, name: 'ESP32C3', description: 'ESP32-C3' },
  { id: 0xe48bff56, name: 'RP2040', description: 'Raspberry Pi RP2040' },
];

/** The known family with this id, if any. */
export function uf2Family(id: number): Uf2Family | undefined {
  return UF2_FAMILIES.find((f) => f.id === id);
}

/** What {@link readUf2} found. */
export interface Uf2Contents {
  /** Payloads of the main-flash blocks of the first family, at their target addresses. */
  data: SparseData;
  /** Family id of the first block that has one. */
  familyId?: number;
  /** E.g. blocks of other families that were skipped. */
  warnings: string[];
}

/** Reads a UF2 file's flash contents (see {@link readUf2}). */
export function parseUf2(bytes: Uint8Array): { data: SparseData; familyId?: number } {
  const { data, familyId } = readUf2(bytes);
  return familyId === undefined ? { data } : { data, familyId };
}

/**
 * Reads a UF2 file. Blocks flagged not-main-flash are skipped; when blocks carry different
 * family ids only the first family is read (with a warning). Throws `FORMAT_INVALID` for a
 * size that is not a whole number of blocks or a bad magic, `FORMAT_UNSUPPORTED` for a file
 * container, `FORMAT_RANGE` past 4 GiB and `FORMAT_OVERLAP` when blocks overlap. Blocks are
 * checked per family against their numbering (blockNo of numBlocks): a block number out of
 * range or seen twice, or a block missing from the family read (a file cut short, or a block
 * lost in the middle), is `FORMAT_INVALID` naming the missing blocks.
 */
export function readUf2(bytes: Uint8Array): Uf2Contents {
  if (bytes.length === 0 || bytes.length % UF2_BLOCK_SIZE !== 0) {
    throw new WebProgError(
      'FORMAT_INVALID',
      `A UF2 file is made of 512-byte blocks, but this one has ${bytes.length} bytes (cut short?).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks = bytes.length / UF2_BLOCK_SIZE;
  const runs = new RunBuilder(blocks, blocks * MAX_PAYLOAD);
  let familyId: number | undefined;
  const otherFamilies = new Set<number>();
  let skipped = 0;
  const sequences = new Map<number | 'none', BlockSequence>();
  for (let block = 0, at = 0; at < bytes.length; block++, at += UF2_BLOCK_SIZE) {
    const where = `Block ${block} (byte 0x${at.toString(16).toUpperCase()})`;
    if (
      view.getUint32(at, true) !== UF2_MAGIC_START0 ||
      view.getUint32(at + 4, true) !== UF2_MAGIC_START1 ||
      view.getUint32(at + 508, true) !== UF2_MAGIC_END
    ) {
      throw new WebProgError('FORMAT_INVALID', `${where}: not a UF2 block (wrong magic number).`);
    }
    const flags = view.getUint32(at + 8, true);
    const address = view.getUint32(at + 12, true);
    const size = view.getUint32(at + 16, true);
    const blockNo = view.getUint32(at + 20, true);
    const numBlocks = view.getUint32(at + 24, true);
    if (flags & UF2_FLAG_FILE_CONTAINER) {
      throw new WebProgError(
        'FORMAT_UNSUPPORTED',
        `${where}: this UF2 is a file container, not a flash image.`,
      );
    }
    const key = flags & UF2_FLAG_FAMILY_ID ? view.getUint32(at + 28, true) : 'none';
    let sequence = sequences.get(key);
    if (sequence === undefined) {
      sequence = new BlockSequence(numBlocks);
      sequences.set(key, sequence);
    }
    const numbering = sequence.add(blockNo, numBlocks);
    if (numbering !== undefined) throw new WebProgError('FORMAT_INVALID', `${where}: ${numbering}`);
    if (flags & UF2_FLAG_NOT_MAIN_FLASH) {
      skipped++;
      continue;
    }
    if (flags & UF2_FLAG_FAMILY_ID) {
      const id = view.getUint32(at + 28, true);
      familyId ??= id;
      if (id !== familyId) {
        otherFamilies.add(id);
        continue;
      }
    }
    if (size > MAX_PAYLOAD) {
      throw new WebProgError(
        'FORMAT_INVALID',
        `${where}: payload size ${size} is over the maximum of 476 bytes.`,
      );
    }
    if (address + size > ADDRESS_LIMIT) {
      throw new WebProgError(
        'FORMAT_RANGE',
        `${where}: ${size} bytes at ${formatAddress(address)} run past 4 GiB.`,
        {
          address,
        },
      );
    }
    runs.add(address, bytes.subarray(at + 32, at + 32 + size), block);
  }
  for (const [key, sequence] of sequences) {
    if (key !== 'none' && familyId !== undefined && key !== familyId) continue; // not read
    const missing = sequence.missing();
    if (missing !== undefined) {
      const of = key === 'none' ? '' : ` of family ${familyLabel(key)}`;
      throw new WebProgError(
        'FORMAT_INVALID',
        `This UF2 file is incomplete: of its ${sequence.total} blocks${of}, ${missing.count === 1 ? 'block' : 'blocks'} ${missing.text} ${missing.count === 1 ? 'is' : 'are'} missing (cut short or damaged?).`,
      );
    }
  }
  const warnings: string[] = [];
  if (skipped > 0) warnings.push(`${skipped} block(s) marked "not main flash" were skipped`);
  if (otherFamilies.size > 0) {
    const others = [...otherFamilies].map(familyLabel).join(', ');
    warnings.push(
      `blocks for other families (${others}) were skipped; only ${familyLabel(familyId ?? 0)} was read`,
    );
  }
  const built = runs.finish();
  if (built.overlap !== undefined) {
    const { tag, earlierTag, address } = built.overlap;
    throw new WebProgError(
      'FORMAT_OVERLAP',
      `Block ${tag} (byte 0x${(tag * UF2_BLOCK_SIZE).toString(16).toUpperCase()}): data at ${formatAddress(address)} overlaps block ${earlierTag}.`,
      { address },
    );
  }
  const data = built.data;
  return familyId === undefined ? { data, warnings } : { data, familyId, warnings };
}

/**
 * The block numbers of one family seen so far (UF2 numbers blocks 0..numBlocks-1 per family;
 * files of several families are concatenated files of one family each).
 */
class BlockSequence {
  private readonly seen: number[] = [];
  private readonly present = new Set<number>();

  constructor(readonly total: number) {}

  /** Records block `blockNo`; returns what is wrong with its numbering, if anything. */
  add(blockNo: number, numBlocks: number): string | undefined {
    if (numBlocks !== this.total) {
      return `the file says it has ${numBlocks} blocks, where earlier blocks of its family say ${this.total}.`;
    }
    if (blockNo >= numBlocks) return `block number ${blockNo} is not below the block count ${numBlocks}.`;
    if (this.present.has(blockNo)) return `block number ${blockNo} appears twice.`;
    this.present.add(blockNo);
    this.seen.push(blockNo);
    return undefined;
  }

  /**
   * The missing block numbers as text ("3, 7–9 and 12"), or undefined when none is missing.
   * Sorting what was seen keeps this O(n log n) whatever `total` claims.
   */
  missing(): { text: string; count: number } | undefined {
    if (this.seen.length === this.total) return undefined;
    const sorted = Float64Array.from(this.seen).sort();
    const gaps: string[] = [];
    let next = 0;
    const gap = (from: number, to: number): void => {
      if (to > from) gaps.push(to - from === 1 ? `${from}` : `${from}–${to - 1}`);
    };
    for (const n of sorted) {
      gap(next, n);
      next = n + 1;
    }
    gap(next, this.total);
    const shown = gaps.length > 8 ? [...gaps.slice(0, 8), `${gaps.length - 8} more ranges`] : gaps;
    const text =
      shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
    return { text, count: this.total - this.seen.length };
  }
}

function familyLabel(id: number): string {
  const hex = '0x' + id.toString(16).toUpperCase().padStart(8, '0');
  const family = uf2Family(id);
  return family === undefined ? hex : `${family.name} ${hex}`;
}

/**
 * Writes sparse data as UF2: one block per 256-byte aligned page that holds data, 256
 * payload bytes each (bytes of a page without data are 0xFF), as UF2 bootloaders expect.
 * With `familyId` every block carries it (flag 0x2000).
 */
export function writeUf2(data: SparseData, options: { familyId?: number } = {}): Uint8Array {
  const familyId = options.familyId;
  if (familyId !== undefined && !(Number.isInteger(familyId) && familyId >= 0 && familyId < ADDRESS_LIMIT)) {
    throw new WebProgError('INVALID_ARGUMENT', `UF2 family id ${familyId} is not a 32-bit number.`);
  }
  const pages: number[] = [];
  for (const s of data.segments()) {
    const first = Math.floor(s.address / WRITE_PAYLOAD) * WRITE_PAYLOAD;
    const start = pages.length > 0 && pages[pages.length - 1] === first ? first + WRITE_PAYLOAD : first;
    for (let page = start; page < s.address + s.data.length; page += WRITE_PAYLOAD) pages.push(page);
  }
  const out = new Uint8Array(pages.length * UF2_BLOCK_SIZE);
  const view = new DataView(out.buffer);
  pages.forEach((page, block) => {
    const at = block * UF2_BLOCK_SIZE;
    view.setUint32(at, UF2_MAGIC_START0, true);
    view.setUint32(at + 4, UF2_MAGIC_START1, true);
    view.setUint32(at + 8, familyId === undefined ? 0 : UF2_FLAG_FAMILY_ID, true);
    view.setUint32(at + 12, page, true);
    view.setUint32(at + 16, WRITE_PAYLOAD, true);
    view.setUint32(at + 20, block, true);
    view.setUint32(at + 24, pages.length, true);
    view.setUint32(at + 28, familyId ?? 0, true);
    out.set(data.read(page, WRITE_PAYLOAD), at + 32);
    view.setUint32(at + 508, UF2_MAGIC_END, true);
  });
  return out;
}
