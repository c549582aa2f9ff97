/**
 * Specification of `mp.memory.*`: the buffer the script works on (regions of the target with
 * sparse data; bytes without data read as the region's fill value, 0xFF for flash).
 */
import { param, type MpFunction } from './types';

const REGION = param('region', 'string|integer', 'Region name (e.g. "Code Flash") or 0-based index.');
const OPT_REGION = param(
  'region',
  'string|integer',
  'Region name or 0-based index; default: the selected region.',
  true,
);
const OFFSET = param('offset', 'integer', 'Offset from the start of the region.');
const ADDRESS = param('address', 'integer', 'Absolute address.');
const LENGTH = param('length', 'integer', 'Number of bytes.');
const DATA = param('data', 'string|table', 'Bytes: a Lua string or a table of byte values.');
const ANY_REGION = param(
  'region',
  'string|integer',
  'Region name or 0-based index; default: every region.',
  true,
);
const ENDIAN = param('endian', 'string', '"le" (default) or "be".', true);
const INFO = '{index, name, size, start_address, end_address, cell_size, fill, kind, erase_size}';
const WROTE = 'ok: boolean, err: string?';
const WRITE_NOTE = ' Returns false and a reason when the region is read-only (set_writable).';

function mem(
  name: string,
  params: MpFunction['params'],
  returns: string,
  description: string,
  example: string,
): MpFunction {
  return { module: 'memory', name, params, returns, description, example };
}

/** Every `mp.memory` function. */
export const MEMORY_SPEC: MpFunction[] = [
  mem(
    'get_regions',
    [],
    'names: string[]',
    'The names of the regions of the buffer, in address order.',
    'for i, name in ipairs(mp.memory.get_regions()) do mp.log.info(i - 1, name) end',
  ),
  mem(
    'list_regions',
    [],
    `regions: ${INFO}[]`,
    'Every region of the buffer with its addresses and sizes, in address order.',
    'for _, r in ipairs(mp.memory.list_regions()) do\n  mp.log.infof("%s %08X..%08X", r.name, r.start_address, r.end_address)\nend',
  ),
  mem(
    'region_size',
    [REGION],
    'size: integer',
    'Size of a region in bytes; -1 when there is no such region.',
    'local n = mp.memory.region_size("Code Flash")',
  ),
  mem(
    'select_region_by_name',
    [param('name', 'string', 'Region name.')],
    'found: boolean',
    'Selects a region by name; false (and nothing changes) when there is none.',
    'if not mp.memory.select_region_by_name("Data Flash") then mp.log.warn("no data flash") end',
  ),
  mem(
    'set_writable',
    [
      param('region', 'string|integer', 'Region name or index; default: the selected region.', true),
      param('writable', 'boolean', 'false makes the region read-only for the rest of the run.'),
    ],
    'ok: boolean, err: string',
    "Makes a region of the buffer read-only or writable again: writes to a read-only region return false, as MultiProg's read-only tabs.",
    'mp.memory.set_writable("Code Flash", false)',
  ),
  mem(
    'set_writable_all',
    [param('writable', 'boolean', 'true or false for every region.')],
    'ok: boolean, err: string',
    'Makes every region read-only or writable.',
    'mp.memory.set_writable_all(true)',
  ),
  mem(
    'is_writable',
    [OPT_REGION],
    'writable: boolean',
    'Whether writes to the region are allowed (false for an unknown region).',
    'if mp.memory.is_writable("Code Flash") then mp.memory.write_at(0, {1}) end',
  ),
  mem(
    'read_range',
    [
      REGION,
      param('start', 'integer', 'Offset from the start of the region.'),
      param('len', 'integer', 'Number of bytes.'),
    ],
    'bytes: integer[]',
    'Reads bytes at a region offset as a byte table (1-based).',
    'local t = mp.memory.read_range("Code Flash", 0, 16)',
  ),
  mem(
    'read_hex',
    [REGION, OFFSET, LENGTH],
    'hex: string',
    'Reads bytes at a region offset as lower-case hex digits ("deadbeef").',
    'mp.log.info(mp.memory.read_hex("Code Flash", 0, 8))',
  ),
  mem(
    'read_string',
    [REGION, OFFSET, param('max_len', 'integer', 'Number of bytes (cut at the end of the region).')],
    'text: string',
    'Reads bytes at a region offset as a raw string.',
    'local s = mp.memory.read_string("Code Flash", 0x3E000, 2)',
  ),
  mem(
    'read_string_until_null',
    [REGION, OFFSET, param('max_len', 'integer', 'At most this many bytes (default 256).', true)],
    'text: string',
    'Reads a NUL-terminated string at a region offset (without the NUL).',
    'local name = mp.memory.read_string_until_null("Code Flash", 0x100)',
  ),
  mem(
    'get_region_data',
    [REGION],
    'bytes: integer[]',
    "The whole region as a byte table (gaps as the region's fill value).",
    'local data = mp.memory.get_region_data("UICR")',
  ),
  mem(
    'get_all_data',
    [],
    'bytes: integer[]',
    'Every region, one after the other, as one byte table.',
    'local all = mp.memory.get_all_data()\nmp.log.info(#all)',
  ),
  mem(
    'get_region_info',
    [OPT_REGION],
    `info: ${INFO}`,
    'One region (end_address is the last address, inclusive).',
    'local r = mp.memory.get_region_info("Code Flash")',
  ),
  mem('region_count', [], 'count: integer', 'Number of regions.', 'local n = mp.memory.region_count()'),
  mem(
    'select_region',
    [REGION],
    `info: ${INFO}`,
    'Makes a region the default of the functions whose region is optional.',
    'mp.memory.select_region("UICR")',
  ),
  mem(
    'current_region',
    [],
    'name: string?',
    'Name of the selected region (the first one until another is selected); nil when there are none.',
    'local name = mp.memory.current_region()',
  ),
  mem(
    'read',
    [REGION, OFFSET, LENGTH],
    'bytes: string',
    'Reads bytes at a region offset as a byte string.',
    'local s = mp.memory.read("Code Flash", 0, 16)\nlocal b1 = s:byte(1)',
  ),
  mem(
    'read_bytes',
    [REGION, OFFSET, LENGTH],
    'bytes: integer[]',
    'Reads bytes at a region offset as a table (1-based). Prefer read() for more than a few KiB.',
    'local t = mp.memory.read_bytes("Code Flash", 0, 4)',
  ),
  mem(
    'write',
    [REGION, OFFSET, DATA],
    WROTE,
    'Writes bytes at a region offset.' + WRITE_NOTE,
    'mp.memory.write("Code Flash", 0x400, "\\x01\\x02")',
  ),
  mem(
    'read_at',
    [param('region', 'string', 'Region name; may be left out.', true), ADDRESS, LENGTH],
    'bytes: integer[]',
    'Reads bytes at an absolute address as a byte table (the range must lie in one region).',
    'local t = mp.memory.read_at("Code Flash", 0x1000, 4)\nmp.log.infof("%02X", t[1])',
  ),
  mem(
    'read_raw_at',
    [param('region', 'string', 'Region name; may be left out.', true), ADDRESS, LENGTH],
    'bytes: string',
    'Reads bytes at an absolute address as a byte string (fast for large reads).',
    'local s = mp.memory.read_raw_at(0x10001000, 4)',
  ),
  mem(
    'write_at',
    [param('region', 'string', 'Region name the address must lie in; may be left out.', true), ADDRESS, DATA],
    WROTE,
    'Writes bytes at an absolute address.' + WRITE_NOTE,
    'mp.memory.write_at("Code Flash", 0x400, {0x00})',
  ),
  mem(
    'read_byte',
    [REGION, OFFSET],
    'value: integer',
    'One byte at a region offset; -1 when the region or offset does not exist.',
    'local b = mp.memory.read_byte("Code Flash", 0)',
  ),
  mem(
    'write_byte',
    [REGION, OFFSET, param('value', 'integer', 'Byte value 0..255.')],
    WROTE,
    'Writes one byte at a region offset.' + WRITE_NOTE,
    'mp.memory.write_byte("Code Flash", 0, 0x5A)',
  ),
  mem(
    'read_byte_at',
    [param('region', 'string|integer', 'Region name or index; may be left out.', true), ADDRESS],
    'value: integer',
    'One byte at an absolute address; -1 when no region (or not the region named) holds it.',
    'local b = mp.memory.read_byte_at("Code Flash", 0x1000)',
  ),
  mem(
    'write_byte_at',
    [ADDRESS, param('value', 'integer', 'Byte value 0..255.')],
    WROTE,
    'Writes one byte at an absolute address.' + WRITE_NOTE,
    'mp.memory.write_byte_at(0x1000, 0xA5)',
  ),
  mem(
    'read_u16_at',
    [ADDRESS, ENDIAN],
    'value: integer',
    'A 16-bit unsigned value at an absolute address.',
    'local v = mp.memory.read_u16_at(0x1000, "be")',
  ),
  mem(
    'read_u32_at',
    [ADDRESS, ENDIAN],
    'value: integer',
    'A 32-bit unsigned value at an absolute address.',
    'local sp = mp.memory.read_u32_at(0x0)',
  ),
  mem(
    'write_u16_at',
    [ADDRESS, param('value', 'integer', 'Value 0..0xFFFF.'), ENDIAN],
    WROTE,
    'Writes a 16-bit value at an absolute address.' + WRITE_NOTE,
    'mp.memory.write_u16_at(0x1000, 0xBEEF)',
  ),
  mem(
    'write_u32_at',
    [ADDRESS, param('value', 'integer', 'Value 0..0xFFFFFFFF.'), ENDIAN],
    WROTE,
    'Writes a 32-bit value at an absolute address.' + WRITE_NOTE,
    'mp.memory.write_u32_at(0x10001080, 0x12345678)',
  ),
  mem(
    'fill',
    [REGION, OFFSET, LENGTH, param('value', 'integer', 'Byte value.')],
    WROTE,
    'Fills a range given by region offset.' + WRITE_NOTE,
    'mp.memory.fill("Code Flash", 0, 0x1000, 0xFF)',
  ),
  mem(
    'fill_at',
    [ADDRESS, LENGTH, param('value', 'integer', 'Byte value.')],
    WROTE,
    'Fills a range given by absolute address.' + WRITE_NOTE,
    'mp.memory.fill_at(0x1000, 16, 0)',
  ),
  mem(
    'copy',
    [
      param('from', 'integer', 'Absolute source address.'),
      param('to', 'integer', 'Absolute destination address.'),
      LENGTH,
    ],
    WROTE,
    'Copies bytes within the buffer (overlapping ranges are fine).' + WRITE_NOTE,
    'mp.memory.copy(0x0, 0x40000, 0x1000)',
  ),
  mem(
    'find',
    [
      REGION,
      param('pattern', 'string|table', 'Bytes to look for.'),
      param('offset', 'integer', 'Region offset to start at (default 0).', true),
    ],
    'address: integer?',
    'Absolute address of the first occurrence at or after offset, or nil.',
    'local at = mp.memory.find("Code Flash", "MicroPython")',
  ),
  mem(
    'compare',
    [ADDRESS, DATA],
    'equal: boolean, address: integer?',
    'Compares the buffer at address with data; when they differ, also returns the first differing address.',
    'local same, at = mp.memory.compare(0x1000, mp.memory.read_raw_at(0x2000, 256))',
  ),
  mem(
    'clear',
    [ANY_REGION],
    WROTE,
    'Removes the data of a region (or of every region when called with no argument): it reads as the fill value again.' +
      WRITE_NOTE,
    'mp.memory.clear()',
  ),
  mem(
    'data_ranges',
    [ANY_REGION],
    'ranges: {address, size}[]',
    'The ranges that hold data (in one region, or in the whole buffer with no argument).',
    'for _, r in ipairs(mp.memory.data_ranges()) do mp.log.infof("%08X +%d", r.address, r.size) end',
  ),
  mem(
    'save_file',
    [
      param(
        'path',
        'string',
        'File path; its base name is the download name and its extension picks the format (.hex, .s19/.srec/.s28/.s37/.mot, .bin, .uf2).',
      ),
    ],
    'ok: boolean, err: string',
    'Saves the whole buffer as a file, offered as a download (a .bin spans the lowest to the highest address with data, gaps 0xFF).',
    'local ok, err = mp.memory.save_file("C:/dumps/read.hex")',
  ),
];
