/**
 * `mp.memory.*`: the script's buffer, local to the Lua worker (no device round trip). Bytes
 * move as Lua strings, binary-safe and in bulk; tables of byte values are turned into strings
 * inside Lua (see `prelude.ts`), never element by element through the bridge.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd, type Region } from '../../../src/core/memory/region';
import type { LuaCall } from '../vm/lua-call';
import type { NativeEntry } from '../vm/native-bridge';
import { readByte, readBytes, regionFor, writeBytes } from './buffer-access';
import { growBuffer, type ScriptContext } from './context';
import { natives } from './natives';

/** What `get_region_info()` returns. */
export function regionInfo(image: MemoryImage, region: Region) {
  return {
    index: image.regions.indexOf(region),
    name: region.name,
    size: region.size,
    start_address: region.base,
    end_address: regionEnd(region) - 1,
    cell_size: region.writeSize,
    erase_size: region.eraseSize,
    fill: region.fill,
    kind: region.kind,
  };
}

/** The region a script names by name or 0-based index. */
export function resolveRegion(image: MemoryImage, ref: string | number): Region {
  if (typeof ref === 'string') return image.region(ref);
  const region = image.regions[ref];
  if (!region) {
    throw new WebProgError(
      'REGION_NOT_FOUND',
      `No region with index ${ref} (the buffer has ${image.regions.length}; indexes start at 0).`,
    );
  }
  return region;
}

/** Absolute address of `offset` (+`length` bytes) in `region`, checked. */
function at(region: Region, offset: number, length: number): number {
  if (offset < 0 || length < 0 || offset + length > region.size) {
    throw new WebProgError(
      'ADDRESS_OUT_OF_RANGE',
      `Offset 0x${offset.toString(16)} (+${length} bytes) is outside region "${region.name}" (size 0x${region.size.toString(16)}).`,
      { address: region.base + offset },
    );
  }
  return region.base + offset;
}

function checkByte(value: number): number {
  if (value < 0 || value > 0xff)
    throw new WebProgError('INVALID_ARGUMENT', `${value} is not a byte value (0 to 255).`);
  return value;
}

function checkLength(length: number): number {
  if (length < 0) throw new WebProgError('INVALID_ARGUMENT', `The length ${length} is negative.`);
  return length;
}

function littleEndian(call: LuaCall, index: number): boolean {
  const endian = call.optString(index, 'endian') ?? 'le';
  if (endian !== 'le' && endian !== 'be')
    throw new WebProgError('INVALID_ARGUMENT', `endian must be "le" or "be", not "${endian}".`);
  return endian === 'le';
}

function readUint(image: MemoryImage, address: number, size: number, little: boolean): number {
  const bytes = readBytes(image, address, size);
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[little ? size - 1 - i : i]!;
  return value;
}

function writeUint(image: MemoryImage, address: number, size: number, value: number, little: boolean): void {
  if (value < 0 || value >= 2 ** (8 * size)) {
    throw new WebProgError('INVALID_ARGUMENT', `${value} does not fit in ${size * 8} bits.`);
  }
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    bytes[little ? i : size - 1 - i] = value % 256;
    value = Math.floor(value / 256);
  }
  writeBytes(image, address, bytes);
}

/** First index of `needle` in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  if (needle.length === 0) return from <= haystack.length ? from : -1;
  const first = needle[0]!;
  for (
    let i = haystack.indexOf(first, from);
    i !== -1 && i + needle.length <= haystack.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** The `mp.memory` natives of a run (data arguments are byte strings; see the prelude). */
export function memoryNatives(ctx: ScriptContext): Record<string, NativeEntry> {
  const region = (c: LuaCall, index: number) => resolveRegion(ctx.image, c.nameOrIndex(index, 'region'));
  const selected = (): Region | undefined => {
    const image = ctx.image;
    return (
      (ctx.selectedRegion ? image.regions.find((r) => r.name === ctx.selectedRegion) : undefined) ??
      image.regions[0]
    );
  };
  const optRegion = (c: LuaCall, index: number): Region => {
    if (!c.isNil(index)) return region(c, index);
    const r = selected();
    if (!r) throw new WebProgError('REGION_NOT_FOUND', 'The buffer has no regions yet (connect first).');
    return r;
  };
  const inRegion = (c: LuaCall, index: number, address: number, length: number) => {
    if (c.isNil(index)) return;
    const r = region(c, index);
    if (address < r.base || address + length > regionEnd(r)) {
      throw new WebProgError(
        'ADDRESS_OUT_OF_RANGE',
        `${formatAddress(address)} (+${length} bytes) is not inside region "${r.name}".`,
        { address },
      );
    }
  };

  return natives('mp.memory', {
    get_regions: () => [ctx.image.regions.map((r) => regionInfo(ctx.image, r))],
    get_region_info: (c) => [regionInfo(ctx.image, optRegion(c, 1))],
    region_count: () => [ctx.image.regions.length],
    select_region: (c) => {
      const r = region(c, 1);
      ctx.selectedRegion = r.name;
      return [regionInfo(ctx.image, r)];
    },
    current_region: () => {
      const r = selected();
      return [r ? regionInfo(ctx.image, r) : undefined];
    },
    read: (c) => {
      const length = checkLength(c.integer(3, 'length'));
      ctx.memory.reserve(length);
      return [readBytes(ctx.image, at(region(c, 1), c.integer(2, 'offset'), length), length)];
    },
    read_bytes: (c) => {
      const length = checkLength(c.integer(3, 'length'));
      // A table of numbers: ≈ 16 bytes a byte in Lua.
      ctx.memory.reserve(length * 16);
      return [Array.from(readBytes(ctx.image, at(region(c, 1), c.integer(2, 'offset'), length), length))];
    },
    write: (c) => {
      const data = c.bytes(3, 'data');
      const address = at(region(c, 1), c.integer(2, 'offset'), data.length);
      growBuffer(ctx, data.length, () => writeBytes(ctx.image, address, data));
      return [];
    },
    read_at: (c) => {
      const address = c.integer(2, 'address');
      const length = checkLength(c.integer(3, 'length'));
      inRegion(c, 1, address, length);
      ctx.memory.reserve(length);
      return [readBytes(ctx.image, address, length)];
    },
    write_at: (c) => {
      const address = c.integer(2, 'address');
      const data = c.bytes(3, 'data');
      inRegion(c, 1, address, data.length);
      growBuffer(ctx, data.length, () => writeBytes(ctx.image, address, data));
      return [];
    },
    read_byte: (c) => [readByte(ctx.image, at(region(c, 1), c.integer(2, 'offset'), 1))],
    write_byte: (c) => {
      const address = at(region(c, 1), c.integer(2, 'offset'), 1);
      writeBytes(ctx.image, address, Uint8Array.of(checkByte(c.integer(3, 'value'))));
      return [];
    },
    read_byte_at: (c) => [readByte(ctx.image, c.integer(1, 'address'))],
    write_byte_at: (c) => {
      writeBytes(ctx.image, c.integer(1, 'address'), Uint8Array.of(checkByte(c.integer(2, 'value'))));
      return [];
    },
    read_u16_at: (c) => [readUint(ctx.image, c.integer(1, 'address'), 2, littleEndian(c, 2))],
    read_u32_at: (c) => [readUint(ctx.image, c.integer(1, 'address'), 4, littleEndian(c, 2))],
    write_u16_at: (c) => {
      writeUint(ctx.image, c.integer(1, 'address'), 2, c.integer(2, 'value'), littleEndian(c, 3));
      return [];
    },
    write_u32_at: (c) => {
      writeUint(ctx.image, c.integer(1, 'address'), 4, c.integer(2, 'value'), littleEndian(c, 3));
      return [];
    },
    fill: (c) => {
      const length = checkLength(c.integer(3, 'length'));
      const address = at(region(c, 1), c.integer(2, 'offset'), length);
      const value = checkByte(c.integer(4, 'value'));
      growBuffer(ctx, length, () => ctx.image.fill(address, length, value));
      return [];
    },
    fill_at: (c) => {
      const address = c.integer(1, 'address');
      const length = checkLength(c.integer(2, 'length'));
      regionFor(ctx.image, address, length);
      const value = checkByte(c.integer(3, 'value'));
      growBuffer(ctx, length, () => ctx.image.fill(address, length, value));
      return [];
    },
    copy: (c) => {
      const from = c.integer(1, 'from');
      const to = c.integer(2, 'to');
      const length = checkLength(c.integer(3, 'length'));
      regionFor(ctx.image, to, length);
      growBuffer(ctx, 2 * length, () => writeBytes(ctx.image, to, readBytes(ctx.image, from, length)));
      return [];
    },
    find: (c) => {
      const r = region(c, 1);
      const pattern = c.bytes(2, 'pattern');
      const offset = c.optInteger(3, 'offset', 0);
      at(r, offset, 0);
      const found = indexOf(readBytes(ctx.image, r.base, r.size), pattern, offset);
      return [found < 0 ? undefined : r.base + found];
    },
    compare: (c) => {
      const address = c.integer(1, 'address');
      const data = c.bytes(2, 'data');
      const mine = readBytes(ctx.image, address, data.length);
      for (let i = 0; i < data.length; i++) if (mine[i] !== data[i]) return [false, address + i];
      return [true];
    },
    clear: (c) => {
      if (c.isNil(1)) ctx.image.clear();
      else ctx.image.clear(region(c, 1).name);
      return [];
    },
    data_ranges: (c) => {
      const r = c.isNil(1) ? undefined : region(c, 1);
      const data = r ? ctx.image.data.slice(r.base, regionEnd(r)) : ctx.image.data;
      return [data.ranges().map((x) => ({ address: x.start, size: x.end - x.start }))];
    },
  });
}
