/**
 * `mp.memory.*`: the script's buffer, local to the Lua worker (no device round trip). Bytes
 * move as Lua strings, binary-safe and in bulk; tables of byte values are turned into strings
 * inside Lua (see `prelude.ts`), never element by element through the bridge.
 */
import { WebProgError, formatAddress } from '../../../src/core/errors';
import type { MemoryImage } from '../../../src/core/memory/memory-image';
import { regionEnd, type Region } from '../../../src/core/memory/region';
import type { LuaCall } from '../vm/lua-call';
import { LuaTag } from '../vm/raw-lua';
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

/** Lower-case hex of bytes, as MultiProg's `read_hex` gives them ("deadbeef"). */
function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * The `mp.memory` natives of a run (data arguments are byte strings; see the prelude, which
 * also turns the byte strings of the functions MultiProg documents as returning byte tables
 * into tables).
 */
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
  /** The region that would be written, or undefined when it is read-only (MultiProg's tabs). */
  const writable = (address: number, length: number): Region | undefined => {
    const r = regionFor(ctx.image, address, length);
    return ctx.readOnlyRegions.has(r.name) ? undefined : r;
  };
  /** Runs a write unless its region is read-only: `true`, or `false, reason` as MultiProg. */
  const guarded = (address: number, length: number, write: () => void): unknown[] => {
    if (!writable(address, length)) {
      const name = regionFor(ctx.image, address, length).name;
      return [false, `Region "${name}" is read-only (mp.memory.set_writable).`];
    }
    write();
    return [true];
  };
  /** A region by name or index, or undefined (MultiProg's lenient lookups). */
  const lookup = (c: LuaCall, index: number): Region | undefined => {
    try {
      return region(c, index);
    } catch (error) {
      if (error instanceof WebProgError && error.code === 'REGION_NOT_FOUND') return undefined;
      throw error;
    }
  };
  /** MultiProg's read_byte form: the byte, or -1 when the region or offset does not exist. */
  const byteOrMinusOne = (r: Region | undefined, offset: number): number =>
    r && offset >= 0 && offset < r.size ? readByte(ctx.image, r.base + offset) : -1;
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
    get_regions: () => [ctx.image.regions.map((r) => r.name)],
    list_regions: () => [ctx.image.regions.map((r) => regionInfo(ctx.image, r))],
    get_region_info: (c) => [regionInfo(ctx.image, optRegion(c, 1))],
    region_count: () => [ctx.image.regions.length],
    region_size: (c) => [lookup(c, 1)?.size ?? -1],
    select_region: (c) => {
      const r = region(c, 1);
      ctx.selectedRegion = r.name;
      return [regionInfo(ctx.image, r)];
    },
    select_region_by_name: (c) => {
      const name = c.string(1, 'name');
      const r = ctx.image.regions.find((x) => x.name === name);
      if (r) ctx.selectedRegion = r.name;
      return [r !== undefined];
    },
    current_region: () => [selected()?.name],
    set_writable: (c) => {
      const flagAt = c.count >= 2 ? 2 : 1;
      if (c.type(flagAt) !== LuaTag.Boolean) {
        return [
          false,
          'set_writable expects true or false (e.g. mp.memory.set_writable("Code Flash", false)).',
        ];
      }
      const r = flagAt === 2 ? lookup(c, 1) : selected();
      if (!r) return [false, 'No such region.'];
      if (c.boolean(flagAt, 'writable')) ctx.readOnlyRegions.delete(r.name);
      else ctx.readOnlyRegions.add(r.name);
      return [true, ''];
    },
    set_writable_all: (c) => {
      if (c.type(1) !== LuaTag.Boolean) return [false, 'set_writable_all expects true or false.'];
      if (c.boolean(1, 'writable')) ctx.readOnlyRegions.clear();
      else for (const r of ctx.image.regions) ctx.readOnlyRegions.add(r.name);
      return [true, ''];
    },
    is_writable: (c) => {
      const r = c.isNil(1) ? selected() : lookup(c, 1);
      return [r !== undefined && !ctx.readOnlyRegions.has(r.name)];
    },
    read_range: (c) => {
      const length = checkLength(c.integer(3, 'len'));
      return [readBytes(ctx.image, at(region(c, 1), c.integer(2, 'start'), length), length)];
    },
    read_hex: (c) => {
      const length = checkLength(c.integer(3, 'length'));
      return [hexOf(readBytes(ctx.image, at(region(c, 1), c.integer(2, 'offset'), length), length))];
    },
    read_string: (c) => {
      const r = region(c, 1);
      const offset = c.integer(2, 'offset');
      const length = Math.min(checkLength(c.integer(3, 'max_len')), Math.max(0, r.size - offset));
      return [readBytes(ctx.image, at(r, offset, length), length)];
    },
    read_string_until_null: (c) => {
      const r = region(c, 1);
      const offset = c.integer(2, 'offset');
      const max = Math.min(checkLength(c.optInteger(3, 'max_len', 256)), Math.max(0, r.size - offset));
      const bytes = readBytes(ctx.image, at(r, offset, max), max);
      const end = bytes.indexOf(0);
      return [end < 0 ? bytes : bytes.subarray(0, end)];
    },
    get_region_data: (c) => {
      const r = region(c, 1);
      return [readBytes(ctx.image, r.base, r.size)];
    },
    get_all_data: () => {
      const total = ctx.image.regions.reduce((n, r) => n + r.size, 0);
      const out = new Uint8Array(total);
      let offset = 0;
      for (const r of ctx.image.regions) {
        out.set(readBytes(ctx.image, r.base, r.size), offset);
        offset += r.size;
      }
      return [out];
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
      return guarded(address, data.length, () =>
        growBuffer(ctx, data.length, () => writeBytes(ctx.image, address, data)),
      );
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
      return guarded(address, data.length, () =>
        growBuffer(ctx, data.length, () => writeBytes(ctx.image, address, data)),
      );
    },
    read_byte: (c) => [byteOrMinusOne(lookup(c, 1), c.integer(2, 'offset'))],
    write_byte: (c) => {
      const address = at(region(c, 1), c.integer(2, 'offset'), 1);
      const value = Uint8Array.of(checkByte(c.integer(3, 'value')));
      return guarded(address, 1, () => writeBytes(ctx.image, address, value));
    },
    read_byte_at: (c) => {
      if (c.count >= 2) {
        // MultiProg's form: read_byte_at(region, address).
        const r = lookup(c, 1);
        return [r ? byteOrMinusOne(r, c.integer(2, 'address') - r.base) : -1];
      }
      const address = c.integer(1, 'address');
      const r = ctx.image.regionAt(address);
      return [r ? byteOrMinusOne(r, address - r.base) : -1];
    },
    write_byte_at: (c) => {
      const address = c.integer(1, 'address');
      const value = Uint8Array.of(checkByte(c.integer(2, 'value')));
      return guarded(address, 1, () => writeBytes(ctx.image, address, value));
    },
    read_u16_at: (c) => [readUint(ctx.image, c.integer(1, 'address'), 2, littleEndian(c, 2))],
    read_u32_at: (c) => [readUint(ctx.image, c.integer(1, 'address'), 4, littleEndian(c, 2))],
    write_u16_at: (c) => {
      const address = c.integer(1, 'address');
      const value = c.integer(2, 'value');
      const little = littleEndian(c, 3);
      return guarded(address, 2, () => writeUint(ctx.image, address, 2, value, little));
    },
    write_u32_at: (c) => {
      const address = c.integer(1, 'address');
      const value = c.integer(2, 'value');
      const little = littleEndian(c, 3);
      return guarded(address, 4, () => writeUint(ctx.image, address, 4, value, little));
    },
    fill: (c) => {
      const length = checkLength(c.integer(3, 'length'));
      const address = at(region(c, 1), c.integer(2, 'offset'), length);
      const value = checkByte(c.integer(4, 'value'));
      return guarded(address, length, () =>
        growBuffer(ctx, length, () => ctx.image.fill(address, length, value)),
      );
    },
    fill_at: (c) => {
      const address = c.integer(1, 'address');
      const length = checkLength(c.integer(2, 'length'));
      const value = checkByte(c.integer(3, 'value'));
      return guarded(address, length, () =>
        growBuffer(ctx, length, () => ctx.image.fill(address, length, value)),
      );
    },
    copy: (c) => {
      const from = c.integer(1, 'from');
      const to = c.integer(2, 'to');
      const length = checkLength(c.integer(3, 'length'));
      return guarded(to, length, () =>
        growBuffer(ctx, 2 * length, () => writeBytes(ctx.image, to, readBytes(ctx.image, from, length))),
      );
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
      if (c.isNil(1)) {
        const locked = ctx.image.regions.filter((r) => ctx.readOnlyRegions.has(r.name));
        if (locked.length > 0)
          return [false, `Region "${locked[0].name}" is read-only (mp.memory.set_writable).`];
        ctx.image.clear();
        return [true];
      }
      const r = region(c, 1);
      if (ctx.readOnlyRegions.has(r.name))
        return [false, `Region "${r.name}" is read-only (mp.memory.set_writable).`];
      ctx.image.clear(r.name);
      return [true];
    },
    data_ranges: (c) => {
      const r = c.isNil(1) ? undefined : region(c, 1);
      const data = r ? ctx.image.data.slice(r.base, regionEnd(r)) : ctx.image.data;
      return [data.ranges().map((x) => ({ address: x.start, size: x.end - x.start }))];
    },
  });
}
