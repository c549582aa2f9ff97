/**
 * Hostile but well-formed files for the readers' tests, fuzz suite and bench: many tiny
 * records, each a separate run of one byte, in ascending or descending address order (the
 * worst case found for memory per file byte and for record placement).
 */
import {
  END_OF_FILE_RECORD,
  RecordType,
  extendedLinearAddressRecord,
  formatRecord,
} from '../formats/hex-record';
import { UF2_BLOCK_SIZE, UF2_MAGIC_END, UF2_MAGIC_START0, UF2_MAGIC_START1 } from '../formats/uf2';

/** Record order of a pathological file. */
export type RecordOrder = 'ascending' | 'descending';

/** Addresses `base + spacing * i` for `count` records, in the order asked for. */
function addresses(count: number, spacing: number, order: RecordOrder, base = 0): number[] {
  const list = Array.from({ length: count }, (_, i) => base + spacing * i);
  return order === 'ascending' ? list : list.reverse();
}

/**
 * Intel Hex lines of `count` one-byte data records `spacing` bytes apart (an Extended Linear
 * Address record before each record that enters another 64 KiB segment), without the EOF
 * record. Byte `i` holds `i & 0xFF`.
 */
function oneByteHexLines(
  count: number,
  spacing: number,
  order: RecordOrder,
  dataType: number = RecordType.data,
): string[] {
  const lines: string[] = [];
  let segment = -1;
  for (const address of addresses(count, spacing, order)) {
    const upper = Math.floor(address / 0x10000);
    if (upper !== segment) {
      lines.push(extendedLinearAddressRecord(address));
      segment = upper;
    }
    lines.push(formatRecord(dataType, address % 0x10000, [(address / spacing) & 0xff]));
  }
  return lines;
}

/** An Intel Hex of `count` one-byte records `spacing` bytes apart. */
export function oneByteHex(count: number, spacing: number, order: RecordOrder): string {
  return [...oneByteHexLines(count, spacing, order), END_OF_FILE_RECORD, ''].join('\n');
}

/** A Universal Hex of one board (0x9903) holding `count` one-byte records `spacing` bytes apart. */
export function oneByteUniversalHex(count: number, spacing: number, order: RecordOrder): string {
  const lines = oneByteHexLines(count, spacing, order, RecordType.customData);
  return [
    lines[0],
    formatRecord(RecordType.blockStart, 0, [0x99, 0x03, 0xc0, 0xde]),
    ...lines.slice(1),
    formatRecord(RecordType.blockEnd, 0, []),
    END_OF_FILE_RECORD,
    '',
  ].join('\n');
}

/**
 * A little-endian ELF32 executable with `count` PT_LOAD program headers of one file byte each,
 * physical addresses `spacing` bytes apart (at most 65,534 headers: 65,535 means "see section 0").
 */
export function oneByteElf(count: number, spacing: number, order: RecordOrder): Uint8Array {
  const headerSize = 52;
  const phSize = 32;
  const dataAt = headerSize + phSize * count;
  const bytes = new Uint8Array(dataAt + count);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 40, true); // EM_ARM
  view.setUint32(20, 1, true);
  view.setUint32(28, headerSize, true); // e_phoff
  view.setUint16(40, headerSize, true);
  view.setUint16(42, phSize, true);
  view.setUint16(44, count, true);
  addresses(count, spacing, order).forEach((address, i) => {
    const at = headerSize + i * phSize;
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, dataAt + i, true); // p_offset
    view.setUint32(at + 8, address, true); // p_vaddr
    view.setUint32(at + 12, address, true); // p_paddr
    view.setUint32(at + 16, 1, true); // p_filesz
    view.setUint32(at + 20, 1, true); // p_memsz
    bytes[dataAt + i] = (address / spacing) & 0xff;
  });
  return bytes;
}

/** A UF2 file of `count` blocks with a one-byte payload each, `spacing` bytes apart. */
export function oneByteUf2(count: number, spacing: number, order: RecordOrder): Uint8Array {
  const bytes = new Uint8Array(count * UF2_BLOCK_SIZE);
  const view = new DataView(bytes.buffer);
  addresses(count, spacing, order).forEach((address, block) => {
    const at = block * UF2_BLOCK_SIZE;
    view.setUint32(at, UF2_MAGIC_START0, true);
    view.setUint32(at + 4, UF2_MAGIC_START1, true);
    view.setUint32(at + 12, address, true);
    view.setUint32(at + 16, 1, true);
    view.setUint32(at + 20, block, true);
    view.setUint32(at + 24, count, true);
    bytes[at + 32] = (address / spacing) & 0xff;
    view.setUint32(at + 508, UF2_MAGIC_END, true);
  });
  return bytes;
}

/**
 * An S-record file of `count` one-byte S3 records `spacing` bytes apart, then an S7
 * termination record. Byte `i` holds `i & 0xFF`.
 */
export function oneByteSrec(count: number, spacing: number, order: RecordOrder): string {
  const hex = (value: number, digits: number): string =>
    value.toString(16).toUpperCase().padStart(digits, '0');
  const record = (type: number, address: number, data: number[]): string => {
    const bytes = [
      data.length + 5,
      address >>> 24,
      (address >>> 16) & 0xff,
      (address >>> 8) & 0xff,
      address & 0xff,
      ...data,
    ];
    const checksum = ~bytes.reduce((sum, b) => sum + b, 0) & 0xff;
    return `S${type}${bytes.map((b) => hex(b, 2)).join('')}${hex(checksum, 2)}`;
  };
  const lines = addresses(count, spacing, order).map((address) =>
    record(3, address, [(address / spacing) & 0xff]),
  );
  return [...lines, record(7, 0, []), ''].join('\n');
}
