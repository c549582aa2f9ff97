/**
 * Decodes the flash description a device script's init builds in target RAM, as CortexProg's
 * host does (`/work/shared/reference/cortexprog-device-scripts.md` §5):
 *
 * - FlashInfoRaw: u32 numPieces (≤ 64), then per piece u32 base and the word
 *   `eraseSz | writeSz << 8 | numIdentical << 16` (size codes; numIdentical erase blocks, 0 = 65536).
 * - FlashNamesRaw: u32 numPieces (≤ 32), then per piece u32 base and u32 address of a
 *   NUL-terminated name (≤ 64 characters).
 *
 * Pieces are sorted; overlaps and flash past 4 GiB (hence more than 4 GiB in total) are
 * rejected; writeSz must divide eraseSz; contiguous pieces merge into areas, and a name applies
 * to the area starting at its base.
 */
import { WebProgError, formatAddress } from '../errors';
import { trySizeFromCode } from './size-code';

/** Most pieces FlashInfoRaw may hold. */
export const MAX_INFO_PIECES = 64;
/** Most pieces FlashNamesRaw may hold. */
export const MAX_NAME_PIECES = 32;
/** Longest area name, in characters. */
export const MAX_NAME_LENGTH = 64;
const FOUR_GIB = 2 ** 32;

/** A run of identical erase blocks. */
export interface FlashBlockRun {
  /** Address of the first block. */
  address: number;
  /** Erase block size in bytes. */
  eraseSize: number;
  /** Write block size in bytes (the unit `pageWrite` programs; divides `eraseSize`). */
  writeSize: number;
  /** Number of erase blocks (1–65536). */
  count: number;
}

/** A contiguous, named stretch of flash. */
export interface FlashArea {
  /** Name from FlashNamesRaw, or "Flash at 0x…" when the script names none. */
  name: string;
  /** First address. */
  base: number;
  /** Size in bytes. */
  size: number;
  /** Its block runs, ascending and back to back. */
  runs: FlashBlockRun[];
}

/** Reads target memory. */
export type MemoryReader = (address: number, length: number) => Promise<Uint8Array> | Uint8Array;

/**
 * Reads FlashInfoRaw at `infoAddr` and (when `namesAddr` is not 0) FlashNamesRaw at `namesAddr`
 * through `read`, and returns the named areas in ascending order. Throws `DEVICE_PROTOCOL`
 * naming `scriptName` and the field at fault for anything malformed.
 */
export async function readFlashAreas(
  read: MemoryReader,
  infoAddr: number,
  namesAddr: number,
  scriptName: string,
): Promise<FlashArea[]> {
  const fail = failer(scriptName);
  if (infoAddr === 0 || infoAddr % 4 !== 0) {
    fail(`init returned FlashInfoRaw address ${formatAddress(infoAddr)} (must be non-zero and word-aligned)`);
  }
  if (namesAddr % 4 !== 0)
    fail(`init returned FlashNamesRaw address ${formatAddress(namesAddr)} (not word-aligned)`);

  const infoCount = u32(await readExact(read, infoAddr, 4, scriptName), 0);
  if (infoCount > MAX_INFO_PIECES) fail(`FlashInfoRaw has ${infoCount} pieces (at most ${MAX_INFO_PIECES})`);
  const info = await readExact(read, infoAddr + 4, infoCount * 8, scriptName);
  const runs = decodeFlashInfoPieces(info, infoCount, scriptName);

  const names = new Map<number, string>();
  if (namesAddr !== 0) {
    const nameCount = u32(await readExact(read, namesAddr, 4, scriptName), 0);
    if (nameCount > MAX_NAME_PIECES)
      fail(`FlashNamesRaw has ${nameCount} pieces (at most ${MAX_NAME_PIECES})`);
    const pieces = await readExact(read, namesAddr + 4, nameCount * 8, scriptName);
    for (let i = 0; i < nameCount; i++) {
      const base = u32(pieces, i * 8);
      names.set(base, await readName(read, u32(pieces, i * 8 + 4), scriptName));
    }
  }
  return buildFlashAreas(runs, names, scriptName);
}

/**
 * Decodes `count` FlashInfoRaw pieces (8 bytes each, without the leading count) into runs.
 * Throws `DEVICE_PROTOCOL` for an invalid size code or a write size that does not divide the
 * erase size.
 */
export function decodeFlashInfoPieces(bytes: Uint8Array, count: number, scriptName: string): FlashBlockRun[] {
  const fail = failer(scriptName);
  if (bytes.length < count * 8) fail(`FlashInfoRaw is truncated (${bytes.length} bytes for ${count} pieces)`);
  const runs: FlashBlockRun[] = [];
  for (let i = 0; i < count; i++) {
    const address = u32(bytes, i * 8);
    const eraseCode = bytes[i * 8 + 4];
    const writeCode = bytes[i * 8 + 5];
    const identical = bytes[i * 8 + 6] | (bytes[i * 8 + 7] << 8);
    const where = `FlashInfoRaw piece ${i} (${formatAddress(address)})`;
    const eraseSize =
      trySizeFromCode(eraseCode) ?? fail(`${where} has invalid erase size code 0x${hex(eraseCode)}`);
    const writeSize =
      trySizeFromCode(writeCode) ?? fail(`${where} has invalid write size code 0x${hex(writeCode)}`);
    if (writeSize > eraseSize) fail(`${where}: write size ${writeSize} exceeds erase size ${eraseSize}`);
    if (eraseSize % writeSize !== 0)
      fail(`${where}: write size ${writeSize} does not divide erase size ${eraseSize}`);
    runs.push({ address, eraseSize, writeSize, count: identical === 0 ? 65536 : identical });
  }
  return runs;
}

/**
 * Sorts runs, rejects overlaps and runs past the 4 GiB address space (which together keep the
 * total within CortexProg's 4 GiB limit), merges back-to-back runs into areas and names each
 * area from `names`, keyed by base (names whose base starts no area label nothing and are
 * ignored). Throws `DEVICE_PROTOCOL`.
 */
export function buildFlashAreas(
  runs: readonly FlashBlockRun[],
  names: ReadonlyMap<number, string>,
  scriptName: string,
): FlashArea[] {
  const fail = failer(scriptName);
  const sorted = [...runs].sort((a, b) => a.address - b.address);
  const areas: FlashArea[] = [];
  for (const run of sorted) {
    const size = run.eraseSize * run.count;
    if (run.address + size > FOUR_GIB) {
      fail(`flash at ${formatAddress(run.address)} runs past the 4 GiB address space`);
    }
    const last = areas.at(-1);
    const lastEnd = last ? last.base + last.size : 0;
    if (last && run.address < lastEnd) {
      fail(
        `flash pieces overlap at ${formatAddress(run.address)} (the previous piece ends at ${formatAddress(lastEnd)})`,
      );
    }
    if (last && run.address === lastEnd) {
      last.size += size;
      last.runs.push({ ...run });
    } else {
      areas.push({ name: '', base: run.address, size, runs: [{ ...run }] });
    }
  }
  const used = new Set<string>();
  for (const area of areas) {
    let name = names.get(area.base) ?? `Flash at ${formatAddress(area.base)}`;
    if (used.has(name)) name = `${name} (${formatAddress(area.base)})`;
    used.add(name);
    area.name = name;
  }
  return areas;
}

/** Reads a NUL-terminated name of at most 64 characters, never reading past the 16-byte chunk holding the NUL. */
async function readName(read: MemoryReader, address: number, scriptName: string): Promise<string> {
  const fail = failer(scriptName);
  let text = '';
  let at = address;
  while (at < FOUR_GIB) {
    const chunkEnd = Math.min(Math.floor(at / 16) * 16 + 16, FOUR_GIB);
    const chunk = await readExact(read, at, chunkEnd - at, scriptName);
    for (const byte of chunk) {
      if (byte === 0) return text;
      text += String.fromCharCode(byte);
      if (text.length > MAX_NAME_LENGTH) break;
    }
    if (text.length > MAX_NAME_LENGTH) break;
    at = chunkEnd;
  }
  return fail(
    `the area name at ${formatAddress(address)} has no terminator within ${MAX_NAME_LENGTH} characters`,
  );
}

/** Reads exactly `length` bytes, failing when the reader returns fewer. */
async function readExact(
  read: MemoryReader,
  address: number,
  length: number,
  scriptName: string,
): Promise<Uint8Array> {
  const bytes = length === 0 ? new Uint8Array(0) : await read(address, length);
  if (bytes.length < length) {
    failer(scriptName)(`reading ${length} bytes at ${formatAddress(address)} returned ${bytes.length}`);
  }
  return bytes;
}

function failer(scriptName: string): (why: string) => never {
  return (why) => {
    throw new WebProgError('DEVICE_PROTOCOL', `Device script "${scriptName}": ${why}.`);
  };
}

function u32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
