/** ELF executables built byte by byte for the readers' tests and fuzz suite. */

/** One segment of a test ELF. */
export interface TestSegment {
  type?: number;
  paddr: number;
  vaddr?: number;
  data: Uint8Array;
  memsz?: number;
}

/** Builds an ELF executable: header, program headers, then the segments' bytes. */
export function buildElf(options: {
  wide: boolean;
  littleEndian: boolean;
  entry: number;
  segments: TestSegment[];
}): Uint8Array {
  const { wide, littleEndian: le, segments } = options;
  const headerSize = wide ? 64 : 52;
  const phSize = wide ? 56 : 32;
  let offset = headerSize + phSize * segments.length;
  const total = offset + segments.reduce((n, s) => n + s.data.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const word = (at: number, value: number): void => {
    if (wide) view.setBigUint64(at, BigInt(value), le);
    else view.setUint32(at, value, le);
  };
  bytes.set([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, le ? 1 : 2, 1]);
  view.setUint16(16, 2, le); // ET_EXEC
  view.setUint16(18, 40, le); // EM_ARM
  view.setUint32(20, 1, le);
  word(24, options.entry);
  word(wide ? 32 : 28, headerSize); // e_phoff
  view.setUint16(wide ? 52 : 40, headerSize, le);
  view.setUint16(wide ? 54 : 42, phSize, le);
  view.setUint16(wide ? 56 : 44, segments.length, le);
  segments.forEach((s, i) => {
    const at = headerSize + i * phSize;
    view.setUint32(at, s.type ?? 1, le);
    const f = wide
      ? { offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40 }
      : { offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20 };
    word(at + f.offset, offset);
    word(at + f.vaddr, s.vaddr ?? s.paddr);
    word(at + f.paddr, s.paddr);
    word(at + f.filesz, s.data.length);
    word(at + f.memsz, s.memsz ?? s.data.length);
    bytes.set(s.data, offset);
    offset += s.data.length;
  });
  return bytes;
}
