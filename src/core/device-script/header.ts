/**
 * The header of a device script image: the syscall spin loop at 0x00, CortexProg's seven entry
 * slots at 0x04–0x1C, and WebProg's version-2 extension (magic "WPS2" at 0x20, then
 * `block_checksum` at 0x24 and `blank_check` at 0x28, optionally magic "WPB2" at 0x2C with a
 * second staging buffer's address at 0x30, optionally magic "WPBN" at 0x34 with a count of
 * further staging buffers and their stride at 0x38 and 0x3C; see `device-scripts/README.md`).
 * A slot holds a 4-byte Thumb `bl` to its function, or the word 0 when the entry is absent.
 */

/** Names of the entry points, version 1 and version 2. */
export type EntryName =
  | 'initStage1'
  | 'initStage2'
  | 'initStage3'
  | 'allErase'
  | 'pageErase'
  | 'pageWrite'
  | 'cpuid'
  | 'blockChecksum'
  | 'blankCheck';

/** Offset of each entry's slot from the load address. */
export const ENTRY_OFFSETS: Readonly<Record<EntryName, number>> = {
  initStage1: 0x04,
  initStage2: 0x08,
  initStage3: 0x0c,
  allErase: 0x10,
  pageErase: 0x14,
  pageWrite: 0x18,
  cpuid: 0x1c,
  blockChecksum: 0x24,
  blankCheck: 0x28,
};

/** The entries of format version 1 (CortexProg). */
export const V1_ENTRIES: readonly EntryName[] = [
  'initStage1',
  'initStage2',
  'initStage3',
  'allErase',
  'pageErase',
  'pageWrite',
  'cpuid',
];

/** The entries version 2 adds. */
export const V2_ENTRIES: readonly EntryName[] = ['blockChecksum', 'blankCheck'];

/** Offset of the version-2 magic word. */
export const V2_MAGIC_OFFSET = 0x20;

/** The version-2 magic: ASCII "WPS2" read as a little-endian word. */
export const V2_MAGIC = 0x32535057;

/** The double-buffering magic at 0x2C: ASCII "WPB2" read as a little-endian word. */
export const BUFFERS_MAGIC = 0x32425057;

/** Offset of the double-buffering magic; the second staging address follows it. */
export const BUFFERS_MAGIC_OFFSET = 0x2c;

/** The staging-ring magic at 0x34: ASCII "WPBN" read as a little-endian word. */
export const RING_MAGIC = 0x4e425057;

/** Offset of the staging-ring magic; the count and the stride of further buffers follow it. */
export const RING_MAGIC_OFFSET = 0x34;

/** At most this many further staging buffers are taken from a header (a sanity bound). */
export const MAX_FURTHER_STAGING = 64;

/**
 * The R2 value with which `pageWrite` takes its data from R1 instead of the staging buffer
 * (ASCII "WPSR" as a little-endian word).
 */
export const SOURCE_KEY = 0x52535057;

/** Bytes of header a version-1 script has (syscall + 7 slots). */
export const V1_HEADER_SIZE = 0x20;

/** Bytes of header a version-2 script has (magic + 2 more slots). */
export const V2_HEADER_SIZE = 0x2c;

/** R1 must hold this after `cpuid` (CortexProg's confirmation key). */
export const CPUID_KEY = 0xaceface5;

/** What a script's header offers. */
export interface ScriptHeader {
  /** 2 when the version-2 magic is present, else 1. */
  formatVersion: 1 | 2;
  /** Which entry slots are filled. Version-2 entries are false in a version-1 header. */
  entries: Readonly<Record<EntryName, boolean>>;
  /**
   * Version 2 with "WPB2": a second staging buffer's address; `pageWrite` then accepts its
   * data from R1 (with R2 = {@link SOURCE_KEY}), so a host can upload one block while the
   * chip programs the other.
   */
  secondStagingAddr?: number;
  /**
   * With "WPB2" and "WPBN": `count` further staging buffers at `secondStagingAddr + i × stride`
   * (i = 1…count), from which `pageWrite` programs like from the second one. They may run past
   * the RAM of the smaller parts a script supports: a host uses them in order while RAM holds
   * what it writes at both ends of each.
   */
  furtherStaging?: { count: number; stride: number };
}

/**
 * Reads which entries a header offers. `image` is the start of the uploaded image — from the
 * file, or read back from target RAM after init (CortexProg decides the supported operations
 * from the slots in RAM, so a script may fill or clear slots while it initialises).
 */
export function readHeader(image: Uint8Array): ScriptHeader {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const word = (offset: number): number => (offset + 4 <= image.length ? view.getUint32(offset, true) : 0);
  const formatVersion =
    image.length >= V2_HEADER_SIZE && word(V2_MAGIC_OFFSET) === V2_MAGIC ? (2 as const) : (1 as const);
  const entries = {} as Record<EntryName, boolean>;
  for (const name of V1_ENTRIES) entries[name] = word(ENTRY_OFFSETS[name]) !== 0;
  for (const name of V2_ENTRIES) entries[name] = formatVersion === 2 && word(ENTRY_OFFSETS[name]) !== 0;
  const buffers =
    formatVersion === 2 &&
    image.length >= BUFFERS_MAGIC_OFFSET + 8 &&
    word(BUFFERS_MAGIC_OFFSET) === BUFFERS_MAGIC;
  const secondStagingAddr = buffers ? word(BUFFERS_MAGIC_OFFSET + 4) : 0;
  if (!secondStagingAddr) return { formatVersion, entries };
  const ring = image.length >= RING_MAGIC_OFFSET + 12 && word(RING_MAGIC_OFFSET) === RING_MAGIC;
  const count = ring ? word(RING_MAGIC_OFFSET + 4) : 0;
  const stride = ring ? word(RING_MAGIC_OFFSET + 8) : 0;
  if (count === 0 || stride === 0 || stride % 4 !== 0 || count > MAX_FURTHER_STAGING)
    return { formatVersion, entries, secondStagingAddr };
  return { formatVersion, entries, secondStagingAddr, furtherStaging: { count, stride } };
}
