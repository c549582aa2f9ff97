/**
 * The MicroPython micro:bit filesystem chunk format, byte-compatible with the firmware
 * (bbcmicrobit/micropython `source/microbit/filesystem.c`, `inc/microbit/filesystem.h`) and
 * with microbit-fs `micropython-fs-builder.ts` (MIT), which this follows for placement.
 *
 * A chunk is 128 bytes: a marker, 126 data bytes, and the index of the next chunk. Chunks are
 * numbered from 1 at the bottom of the filesystem. The first chunk of a file has marker 0xFE
 * and its data area starts with `end_offset u8`, `name_len u8` and the name; a continuation
 * chunk's marker is the index of the previous chunk; the last chunk's next index is 0xFF.
 */
import { WebProgError } from '../errors';
import { isWellFormedText, utf8Decode, utf8Encode } from './utf8';

/** Bytes per chunk. */
export const CHUNK_LENGTH = 128;
/** Data bytes per chunk (between the marker and the next-index byte). */
export const CHUNK_DATA_LENGTH = 126;
/** Longest file name, in UTF-8 bytes. */
export const MAX_FILENAME_BYTES = 120;
/** Highest number of chunks a filesystem can have: indexes are 1 byte and 0xFD–0xFF and 0 are markers. */
export const MAX_CHUNKS = 252;

/** Chunk marker values. */
export const ChunkMarker = {
  /** Deleted but not erased. */
  freed: 0x00,
  /** First byte of the spare ("persistent data") page. */
  persistentData: 0xfd,
  /** First chunk of a file. */
  fileStart: 0xfe,
  /** Erased flash. */
  unused: 0xff,
} as const;

const NEXT_INDEX_OFFSET = CHUNK_LENGTH - 1;
const LAST_CHUNK = 0xff;
/** Bytes before the name in a file's first data area: end offset and name length. */
const FILE_HEADER_LENGTH = 2;

/**
 * The UTF-8 bytes of a valid file name.
 *
 * @throws WebProgError `FS_INVALID_NAME` for an empty name, a name over 120 UTF-8 bytes, or
 *   a name with a lone surrogate (it would not survive UTF-8).
 */
export function encodeFileName(name: string): Uint8Array {
  if (typeof name !== 'string' || name.length === 0) {
    throw new WebProgError('FS_INVALID_NAME', 'A file name cannot be empty.');
  }
  if (!isWellFormedText(name)) {
    throw new WebProgError('FS_INVALID_NAME', `The file name "${name}" contains an invalid character.`, {
      file: name,
    });
  }
  const bytes = utf8Encode(name);
  if (bytes.length > MAX_FILENAME_BYTES) {
    throw new WebProgError(
      'FS_INVALID_NAME',
      `The file name "${name}" is too long: it is ${bytes.length} bytes in UTF-8 but at most ${MAX_FILENAME_BYTES} are allowed.`,
      { file: name },
    );
  }
  return bytes;
}

/**
 * Chunks a file uses: header, name, data, plus one byte because MicroPython moves to a new
 * chunk when the data exactly fills the last one (end offset 0 in the next chunk).
 */
export function fileChunkCount(nameBytes: number, dataBytes: number): number {
  return Math.ceil((FILE_HEADER_LENGTH + nameBytes + dataBytes + 1) / CHUNK_DATA_LENGTH);
}

/** Bytes of flash a file uses (whole chunks). */
export function fileFlashSize(nameBytes: number, dataBytes: number): number {
  return fileChunkCount(nameBytes, dataBytes) * CHUNK_LENGTH;
}

/**
 * Writes one file into `area` (chunk 1 at offset 0) using the chunk indexes `chunks`, which
 * must hold exactly {@link fileChunkCount} entries. Unused bytes are left as they are
 * (0xFF in a fresh area), as the firmware and microbit-fs leave them.
 */
export function writeFileChunks(
  area: Uint8Array,
  nameBytes: Uint8Array,
  data: Uint8Array,
  chunks: readonly number[],
): void {
  const headerAndData = FILE_HEADER_LENGTH + nameBytes.length + data.length;
  if (chunks.length !== fileChunkCount(nameBytes.length, data.length)) {
    throw new WebProgError('INTERNAL', 'Chunk list does not match the file size.');
  }
  const content = new Uint8Array(headerAndData);
  content[0] = headerAndData % CHUNK_DATA_LENGTH;
  content[1] = nameBytes.length;
  content.set(nameBytes, FILE_HEADER_LENGTH);
  content.set(data, FILE_HEADER_LENGTH + nameBytes.length);
  for (let k = 0; k < chunks.length; k++) {
    const base = (chunks[k] - 1) * CHUNK_LENGTH;
    area[base] = k === 0 ? ChunkMarker.fileStart : chunks[k - 1];
    const part = content.subarray(k * CHUNK_DATA_LENGTH, (k + 1) * CHUNK_DATA_LENGTH);
    area.set(part, base + 1);
    area[base + NEXT_INDEX_OFFSET] = k + 1 < chunks.length ? chunks[k + 1] : LAST_CHUNK;
  }
}

function isUsedMarker(marker: number): boolean {
  return (
    marker !== ChunkMarker.unused && marker !== ChunkMarker.freed && marker !== ChunkMarker.persistentData
  );
}

/**
 * Reads every file from a filesystem area of `chunkCount` chunks (chunk 1 at offset 0), in the
 * order of their first chunks.
 *
 * A file whose end offset is 0xFF was never closed by MicroPython; its last chunk is read
 * whole, without trailing 0xFF bytes.
 *
 * @throws WebProgError `FS_CORRUPT` when chunks do not link up, a chunk is shared, or two
 *   files have the same name.
 */
export function readFsArea(area: Uint8Array, chunkCount: number): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const claimed = new Set<number>();
  const marker = (index: number): number => area[(index - 1) * CHUNK_LENGTH];
  for (let start = 1; start <= chunkCount; start++) {
    if (marker(start) !== ChunkMarker.fileStart) continue;
    const first = area.subarray((start - 1) * CHUNK_LENGTH, start * CHUNK_LENGTH);
    const endOffset = first[1];
    const nameLength = first[2];
    if (FILE_HEADER_LENGTH + nameLength > CHUNK_DATA_LENGTH) {
      throw corrupt(`Chunk ${start} starts a file whose name is ${nameLength} bytes long.`);
    }
    const name = utf8Decode(first.subarray(3, 3 + nameLength));
    if (files.has(name)) throw corrupt(`Found multiple files named: ${name}.`);
    const parts: Uint8Array[] = [];
    let index = start;
    let dataStart = 1 + FILE_HEADER_LENGTH + nameLength;
    for (;;) {
      if (claimed.has(index)) throw corrupt(`Chunk ${index} belongs to more than one file.`);
      claimed.add(index);
      const chunk = area.subarray((index - 1) * CHUNK_LENGTH, index * CHUNK_LENGTH);
      const next = chunk[NEXT_INDEX_OFFSET];
      if (next === LAST_CHUNK) {
        parts.push(lastChunkData(chunk, dataStart, endOffset, name));
        break;
      }
      parts.push(chunk.subarray(dataStart, NEXT_INDEX_OFFSET));
      if (next < 1 || next > chunkCount || !isUsedMarker(marker(next))) {
        throw corrupt(`Chunk ${index} of ${name} points to unused chunk ${next}.`);
      }
      if (marker(next) !== index) {
        throw corrupt(`Chunk ${next} of ${name} does not link back to chunk ${index}.`);
      }
      index = next;
      dataStart = 1;
    }
    files.set(name, concat(parts));
  }
  return files;
}

function lastChunkData(chunk: Uint8Array, dataStart: number, endOffset: number, name: string): Uint8Array {
  if (endOffset === 0xff) {
    let end = NEXT_INDEX_OFFSET;
    while (end > dataStart && chunk[end - 1] === 0xff) end--;
    return chunk.subarray(dataStart, end);
  }
  const end = 1 + endOffset;
  if (endOffset > CHUNK_DATA_LENGTH || end < dataStart) {
    throw corrupt(`File ${name} has an invalid end offset (${endOffset}).`);
  }
  return chunk.subarray(dataStart, end);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function corrupt(message: string): WebProgError {
  return new WebProgError('FS_CORRUPT', `The MicroPython filesystem in this hex is damaged. ${message}`);
}
