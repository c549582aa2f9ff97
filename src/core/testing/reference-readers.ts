/**
 * Small reference readers for the fuzz suite: the file formats read straight from their
 * specifications into a plain `Map` of address → byte, written independently of the
 * project's readers (no shared code) and as simply as possible, speed no concern. A reader
 * may refuse more than these, but must never accept what they reject or return other bytes.
 */

/** What a reference reader made of a file. */
export type Reference = { ok: true; bytes: Map<number, number> } | { ok: false; reason: string };

const TOP = 2 ** 32;

class Rejected extends Error {}

function reject(reason: string): never {
  throw new Rejected(reason);
}

function attempt(read: () => Map<number, number>): Reference {
  try {
    return { ok: true, bytes: read() };
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The hex record lines of a text: BOM dropped, lines trimmed, blank and all-colon lines skipped. */
function recordLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^:{2,}$/.test(l));
}

/** A record's bytes after the colon, checked for syntax, length and checksum. */
function recordBytes(line: string): number[] {
  if (!/^:([0-9A-Fa-f]{2})+$/.test(line) || line.length < 11)
    reject(`bad record syntax: ${line.slice(0, 20)}`);
  const bytes: number[] = [];
  for (let i = 1; i < line.length; i += 2) bytes.push(parseInt(line.slice(i, i + 2), 16));
  if (bytes[0] + 5 !== bytes.length) reject('record length does not match its count');
  if (bytes.reduce((a, b) => a + b, 0) % 256 !== 0) reject('checksum mismatch');
  return bytes;
}

function putData(map: Map<number, number>, base: number, offset: number, data: number[]): void {
  if (offset + data.length > 0x10000) reject('record crosses a 64 KiB boundary');
  if (base + offset + data.length > TOP) reject('data past 4 GiB');
  data.forEach((b, i) => {
    const address = base + offset + i;
    if (map.has(address)) reject('overlapping data');
    map.set(address, b);
  });
}

/** Intel Hex (Intel's "Hexadecimal Object File Format Specification", rev. A). */
export function referenceHex(text: string): Reference {
  return attempt(() => {
    const map = new Map<number, number>();
    let base = 0;
    for (const line of recordLines(text)) {
      const bytes = recordBytes(line);
      const [count, hi, lo, type] = bytes;
      const data = bytes.slice(4, 4 + count);
      if (type === 0) putData(map, base, (hi << 8) | lo, data);
      else if (type === 1) {
        if (count !== 0) reject('EOF record with data');
        return map;
      } else if (type === 2 || type === 4) {
        if (count !== 2) reject('address record without 2 bytes');
        base = ((data[0] << 8) | data[1]) * (type === 2 ? 16 : 0x10000);
      } else if (type === 3 || type === 5) {
        if (count !== 4) reject('start address record without 4 bytes');
      } else reject(`record type ${type}`);
    }
    return reject('no EOF record');
  });
}

/** What the Universal Hex reference made of a file: each board's bytes, in order of first appearance. */
export type UniversalReference =
  { ok: true; boards: Map<number, Map<number, number>> } | { ok: false; reason: string };

/** micro:bit Universal Hex (spec v0.4.0): records 0x0A starts a board's block; 0x0D is its data. */
export function referenceUniversalHex(text: string, maxBoards = 32): UniversalReference {
  const boards = new Map<number, Map<number, number>>();
  const result = attempt(() => {
    let base = 0;
    let board: Map<number, number> | undefined;
    for (const line of recordLines(text)) {
      const bytes = recordBytes(line);
      const [count, hi, lo, type] = bytes;
      const data = bytes.slice(4, 4 + count);
      if (type === 0 || type === 0x0d) {
        if (board === undefined) reject('data before any Block Start');
        putData(board, base, (hi << 8) | lo, data);
      } else if (type === 2 || type === 4) {
        if (count !== 2) reject('address record without 2 bytes');
        base = ((data[0] << 8) | data[1]) * (type === 2 ? 16 : 0x10000);
      } else if (type === 0x0a) {
        if (count < 2) reject('Block Start without a board id');
        const id = (data[0] << 8) | data[1];
        board = boards.get(id);
        if (board === undefined) {
          if (boards.size === maxBoards) reject('too many boards');
          board = new Map();
          boards.set(id, board);
        }
      } else if (type === 1) {
        if (boards.size === 0) reject('no Block Start record');
        return new Map();
      } else if (![3, 5, 0x0b, 0x0c, 0x0e].includes(type)) reject(`record type ${type}`);
    }
    return reject('no EOF record');
  });
  return result.ok ? { ok: true, boards } : result;
}

/** UF2 (microsoft/uf2 README "File format"), blocks checked per family against their numbering. */
export function referenceUf2(file: Uint8Array): Reference {
  return attempt(() => {
    if (file.length === 0 || file.length % 512 !== 0) reject('not whole blocks');
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const word = (at: number): number => view.getUint32(at, true);
    const map = new Map<number, number>();
    const numbering = new Map<string, { total: number; seen: Set<number> }>();
    let family: number | undefined;
    for (let at = 0; at < file.length; at += 512) {
      if (word(at) !== 0x0a324655 || word(at + 4) !== 0x9e5d5157 || word(at + 508) !== 0x0ab16f30)
        reject('magic');
      const flags = word(at + 8);
      if (flags & 0x1000) reject('file container');
      const key = flags & 0x2000 ? `family ${word(at + 28)}` : 'none';
      const group = numbering.get(key) ?? { total: word(at + 24), seen: new Set<number>() };
      numbering.set(key, group);
      const blockNo = word(at + 20);
      if (word(at + 24) !== group.total || blockNo >= group.total || group.seen.has(blockNo))
        reject('numbering');
      group.seen.add(blockNo);
      if (flags & 0x1) continue;
      if (flags & 0x2000) {
        family ??= word(at + 28);
        if (word(at + 28) !== family) continue;
      }
      const address = word(at + 12);
      const size = word(at + 16);
      if (size > 476) reject('payload too big');
      if (address + size > TOP) reject('past 4 GiB');
      for (let i = 0; i < size; i++) {
        if (map.has(address + i)) reject('overlap');
        map.set(address + i, file[at + 32 + i]);
      }
    }
    for (const [key, group] of numbering) {
      const read = key === 'none' || family === undefined || key === `family ${family}`;
      if (read && group.seen.size !== group.total) reject(`blocks missing (${key})`);
    }
    return map;
  });
}

/** ELF (System V ABI, "Program Header"): PT_LOAD segments' file bytes at their physical addresses. */
export function referenceElf(file: Uint8Array): Reference {
  return attempt(() => {
    if (file.length < 6 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46)
      reject('magic');
    const wide = file[4] === 2;
    if (file[4] !== 1 && file[4] !== 2) reject('class');
    if (file[5] !== 1 && file[5] !== 2) reject('byte order');
    const le = file[5] === 1;
    if (file.length < (wide ? 64 : 52)) reject('short header');
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const half = (at: number): number => view.getUint16(at, le);
    const word = (at: number): number => (wide ? Number(view.getBigUint64(at, le)) : view.getUint32(at, le));
    const phoff = word(wide ? 32 : 28);
    const phentsize = half(wide ? 54 : 42);
    const phnum = half(wide ? 56 : 44);
    if (phnum === 0 || phnum === 0xffff) reject('program header count');
    if (phentsize < (wide ? 56 : 32)) reject('program header size');
    if (phoff + phnum * phentsize > file.length) reject('program headers past the end');
    const map = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (view.getUint32(at, le) !== 1) continue;
      const offset = word(at + (wide ? 8 : 4));
      const paddr = word(at + (wide ? 24 : 12));
      const filesz = word(at + (wide ? 32 : 16));
      if (filesz === 0) continue;
      if (offset + filesz > file.length) reject('segment past the end');
      if (paddr + filesz > TOP) reject('past 4 GiB');
      total += filesz;
      if (total > file.length) reject('segments re-read file bytes');
      for (let k = 0; k < filesz; k++) {
        if (map.has(paddr + k)) reject('overlap');
        map.set(paddr + k, file[offset + k]);
      }
    }
    return map;
  });
}

/**
 * Motorola S-records (srec_motorola(5); M68000 Programmer's Reference Manual, appendix C): a
 * count byte, 2/3/4 address bytes by type, data, a ones'-complement checksum; S5/S6 count the
 * data records before them; S7/S8/S9 end the file (anything after is ignored).
 */
export function referenceSrec(text: string): Reference {
  return attempt(() => {
    const map = new Map<number, number>();
    const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    let records = 0;
    for (const raw of body.split(/\r\n|\r|\n/)) {
      const line = raw.trim();
      if (line === '') continue;
      const match = /^[Ss]([0-9])((?:[0-9A-Fa-f]{2})+)$/.exec(line);
      if (!match) reject(`bad record syntax: ${line.slice(0, 20)}`);
      const type = Number(match[1]);
      const bytes: number[] = [];
      for (let i = 0; i < match[2].length; i += 2) bytes.push(parseInt(match[2].slice(i, i + 2), 16));
      if (bytes[0] !== bytes.length - 1) reject('record length does not match its count');
      if (bytes.reduce((a, b) => a + b, 0) % 256 !== 0xff) reject('checksum mismatch');
      const addressBytes = [2, 2, 3, 4, -1, 2, 3, 4, 3, 2][type];
      if (addressBytes < 0) reject('S4 is reserved');
      if (bytes.length < addressBytes + 2) reject('record too short for its address');
      let address = 0;
      for (let i = 1; i <= addressBytes; i++) address = address * 256 + bytes[i];
      const data = bytes.slice(1 + addressBytes, -1);
      if (type >= 1 && type <= 3) {
        if (address + data.length > TOP) reject('data past 4 GiB');
        data.forEach((b, i) => {
          if (map.has(address + i)) reject('overlapping data');
          map.set(address + i, b);
        });
        records++;
      } else if (type === 5 || type === 6) {
        if (data.length > 0) reject('count record with data');
        if (address !== records % (type === 5 ? 0x10000 : 0x1000000)) reject('count does not match');
      } else if (type >= 7) {
        if (data.length > 0) reject('termination record with data');
        return map;
      }
    }
    return map;
  });
}
