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
    `regions: ${INFO}[]`,
    'Every region of the buffer, in address order.',
    'for _, r in ipairs(mp.memory.get_regions()) do\n  mp.log.infof("%s %08X..%08X", r.name, r.start_address, r.end_address)\nend',
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
    `info: ${INFO}?`,
    'The selected region (the first one until another is selected); nil when there are none.',
    'local r = mp.memory.current_region()',
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
    'nothing',
    'Writes bytes at a region offset.',
    'mp.memory.write("Code Flash", 0x400, "\\x01\\x02")',
  ),
  mem(
    'read_at',
    [param('region', 'string', 'Region name; may be left out.', true), ADDRESS, LENGTH],
    'bytes: string',
    'Reads bytes at an absolute address (the range must lie in one region).',
    'local s = mp.memory.read_at(0x10001000, 4)',
  ),
  mem(
    'write_at',
    [param('region', 'string', 'Region name the address must lie in; may be left out.', true), ADDRESS, DATA],
    'nothing',
    'Writes bytes at an absolute address.',
    'mp.memory.write_at("Code Flash", 0x400, {0x00})',
  ),
  mem(
    'read_byte',
    [REGION, OFFSET],
    'value: integer',
    'One byte at a region offset.',
    'local b = mp.memory.read_byte("Code Flash", 0)',
  ),
  mem(
    'write_byte',
    [REGION, OFFSET, param('value', 'integer', 'Byte value 0..255.')],
    'nothing',
    'Writes one byte at a region offset.',
    'mp.memory.write_byte("Code Flash", 0, 0x5A)',
  ),
  mem(
    'read_byte_at',
    [ADDRESS],
    'value: integer',
    'One byte at an absolute address.',
    'local b = mp.memory.read_byte_at(0x1000)',
  ),
  mem(
    'write_byte_at',
    [ADDRESS, param('value', 'integer', 'Byte value 0..255.')],
    'nothing',
    'Writes one byte at an absolute address.',
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
    'nothing',
    'Writes a 16-bit value at an absolute address.',
    'mp.memory.write_u16_at(0x1000, 0xBEEF)',
  ),
  mem(
    'write_u32_at',
    [ADDRESS, param('value', 'integer', 'Value 0..0xFFFFFFFF.'), ENDIAN],
    'nothing',
    'Writes a 32-bit value at an absolute address.',
    'mp.memory.write_u32_at(0x10001080, 0x12345678)',
  ),
  mem(
    'fill',
    [REGION, OFFSET, LENGTH, param('value', 'integer', 'Byte value.')],
    'nothing',
    'Fills a range given by region offset.',
    'mp.memory.fill("Code Flash", 0, 0x1000, 0xFF)',
  ),
  mem(
    'fill_at',
    [ADDRESS, LENGTH, param('value', 'integer', 'Byte value.')],
    'nothing',
    'Fills a range given by absolute address.',
    'mp.memory.fill_at(0x1000, 16, 0)',
  ),
  mem(
    'copy',
    [
      param('from', 'integer', 'Absolute source address.'),
      param('to', 'integer', 'Absolute destination address.'),
      LENGTH,
    ],
    'nothing',
    'Copies bytes within the buffer (overlapping ranges are fine).',
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
    'local same, at = mp.memory.compare(0x1000, mp.memory.read_at(0x2000, 256))',
  ),
  mem(
    'clear',
    [ANY_REGION],
    'nothing',
    'Removes the data of a region (or of every region when called with no argument): it reads as the fill value again.',
    'mp.memory.clear()',
  ),
  mem(
    'data_ranges',
    [ANY_REGION],
    'ranges: {address, size}[]',
    'The ranges that hold data (in one region, or in the whole buffer with no argument).',
    'for _, r in ipairs(mp.memory.data_ranges()) do mp.log.infof("%08X +%d", r.address, r.size) end',
  ),
];
