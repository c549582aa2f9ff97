/**
 * Specification of `mp.file.*` (the files the person opened in the app, or picked when the
 * script asks; saved files are offered as downloads) and `mp.checksum.*` (host-side
 * checksums over the buffer).
 */
import { param, type MpFunction } from './types';

const NAME = param('name', 'string', 'File name as listed by mp.file.list().');
const LOADED =
  '{format, blocks = {address, size}[], block_count, populated = {region, offset, bytes}[], warnings[]}';
const ALGORITHM = param(
  'algorithm',
  'string',
  'Checksum id from mp.checksum.list(), e.g. "crc32", "sum16-rl78", "sha256".',
);
const CHECKSUM = 'value: integer?, hex: string';

function file(
  name: string,
  params: MpFunction['params'],
  returns: string,
  description: string,
  example: string,
  blocking = false,
): MpFunction {
  return blocking
    ? { module: 'file', name, params, returns, description, example, blocking }
    : { module: 'file', name, params, returns, description, example };
}

function sum(name: string, params: MpFunction['params'], description: string, example: string): MpFunction {
  return {
    module: 'checksum',
    name,
    params,
    returns: CHECKSUM,
    description: `${description} value is nil for hashes wider than 32 bits (md5, sha256).`,
    example,
  };
}

const PATH = param(
  'path',
  'string',
  'A MultiProg path such as "C:/fw/app.hex": it names the file with that base name among the files the run has (opened in the app, picked, or saved by the script).',
);
const BYTES_PARAM = param(
  'bytes',
  'table|string',
  'The bytes: a table of byte values (1-based) or a byte string.',
);

const MP_LOADED =
  'data: {blocks = {address, data: integer[], size}[], block_count, populated = {region, offset, bytes}[], format, warnings[]}?, err: string';

/** Every `mp.file` function. */
export const FILE_SPEC: MpFunction[] = [
  file(
    'list',
    [],
    'names: string[]',
    'Names of the files the script may open.',
    'for _, n in ipairs(mp.file.list()) do mp.log.info(n) end',
  ),
  file(
    'list_dir',
    [
      param(
        'path',
        'string',
        'A folder path; a browser run has one flat folder, so any path lists the same files.',
      ),
      param('filter', 'string', 'A glob such as "*.hex" (* and ?, ignoring case).', true),
    ],
    'names: string[]',
    "The run's files (sorted) whose names match the filter.",
    'for _, n in ipairs(mp.file.list_dir("C:/fw", "*.hex")) do mp.log.info(n) end',
  ),
  file(
    'exists',
    [PATH],
    'exists: boolean',
    'True if the file is available.',
    'if mp.file.exists("C:/fw/app.hex") then mp.file.load("C:/fw/app.hex") end',
  ),
  file(
    'size',
    [PATH],
    'size: integer',
    'Size of the file in bytes; 0 when there is no such file.',
    'local n = mp.file.size("app.bin")',
  ),
  file(
    'extension',
    [param('path', 'string', 'Any path; / and \\ both separate folders.')],
    'ext: string',
    'The extension of the file name without the dot, as written ("C:\\fw\\app.S19" → "S19"; none → "").',
    'if mp.file.extension(p):lower() == "hex" then mp.file.load(p) end',
  ),
  file(
    'basename',
    [param('path', 'string', 'Any path; / and \\ both separate folders.')],
    'name: string',
    'The file name with its extension ("C:\\fw\\app.hex" → "app.hex").',
    'mp.log.info(mp.file.basename("C:/fw/app.hex"))',
  ),
  file(
    'dirname',
    [param('path', 'string', 'Any path; / and \\ both separate folders.')],
    'dir: string',
    'The folder part of a path ("C:/fw/app.hex" → "C:/fw"; a bare name → ".").',
    'mp.log.info(mp.file.dirname("C:/fw/app.hex"))',
  ),
  file(
    'detect_format',
    [PATH],
    'format: string',
    'MultiProg\'s format name: "hex" (Intel Hex, Universal Hex), "s19" (Motorola S-records), "bin" or "unknown" (UF2, ELF); a missing file is judged by its extension.',
    'if mp.file.detect_format("app.s19") == "s19" then mp.log.info("S-records") end',
  ),
  file(
    'detect_format_detailed',
    [NAME],
    'format: string',
    'The format WebProg sees: "intel-hex", "universal-hex", "srec", "bin", "uf2" or "elf". Raises when there is no such file.',
    'local f = mp.file.detect_format_detailed("app.hex")',
  ),
  file(
    'read',
    [NAME],
    'bytes: string',
    "The file's raw bytes; raises when there is no such file.",
    'local text = mp.file.read("serials.txt")',
  ),
  file(
    'read_text',
    [PATH],
    'text: string?, err: string',
    "The file's content as a string; nil and the reason when there is no such file.",
    'local text, err = mp.file.read_text("C:/data/serials.txt")\nif not text then mp.log.error(err) return end',
  ),
  file(
    'load',
    [PATH],
    MP_LOADED,
    'Loads an Intel HEX, S-record, Universal Hex (first board), UF2 or ELF file into the buffer at its addresses; a raw .bin goes to the active region at offset 0. Each block carries its bytes (data, 1-based). Regions made read-only (mp.memory.set_writable) are left alone and err names them; a missing or malformed file gives nil and the reason (with the line).',
    'local data, err = mp.file.load("C:/fw/app.hex")\nif not data then mp.log.error(err) return end\nmp.log.infof("%d blocks", data.block_count)',
  ),
  file(
    'load_bin',
    [PATH],
    'bytes: integer[]?, err: string',
    'Reads a file as raw bytes (a flat table, 1-based) and also puts them into the active region at offset 0 (what does not fit, or a read-only region, is named in err).',
    'local bytes, err = mp.file.load_bin("boot.bin")\nif bytes then mp.log.infof("%d bytes", #bytes) end',
  ),
  file(
    'load_bin_at',
    [NAME, param('address', 'integer', 'Absolute address of the first byte.')],
    LOADED,
    'Loads a raw binary at an absolute address; raises on error.',
    'mp.file.load_bin_at("boot.bin", 0x0)',
  ),
  file(
    'load_region',
    [NAME, param('region', 'string|integer', 'Region name or 0-based index.')],
    LOADED,
    "Loads a file into one region only: a .bin starts at the region's start, other formats keep their addresses and must lie inside the region.",
    'mp.file.load_region("config.bin", "UICR")',
  ),
  file(
    'save',
    [
      param(
        'path',
        'string',
        'File path; its base name is the download name and its extension picks the format (.hex, .s19/.srec/.s28/.s37/.mot, .bin, .uf2).',
      ),
      param(
        'blocks',
        'table',
        'Blocks {address, data} as mp.file.load returns them (or that whole result); without blocks the answer is false, "use mp.memory.save_file(path)".',
      ),
    ],
    'ok: boolean, err: string',
    'Saves blocks of bytes as a file, offered as a download.',
    'local data = mp.file.load("app.hex")\nlocal ok, err = mp.file.save("C:/out/app.s19", data.blocks)',
  ),
  file(
    'save_region',
    [
      param('name', 'string', 'File name; the extension picks the format (.hex, .s19, .bin, .uf2).'),
      param('region', 'string|integer', 'Only this region (default: the whole buffer).', true),
    ],
    'size: integer',
    'Saves the buffer (or one region) as a download; returns the file size; raises on error.',
    'mp.file.save_region("dump.hex")',
  ),
  file(
    'save_bin',
    [param('path', 'string', 'File path (its base name is the download name).'), BYTES_PARAM],
    'ok: boolean, err: string',
    'Saves bytes as a raw binary file, offered as a download.',
    'local ok, err = mp.file.save_bin("C:/out/cfg.bin", {0x01, 0x02, 0x03})',
  ),
  file(
    'save_bin_range',
    [
      param('name', 'string', 'File name.'),
      param('address', 'integer', 'Absolute start address.'),
      param('length', 'integer', 'Number of bytes (gaps are saved as 0xFF).'),
    ],
    'size: integer',
    'Saves a raw binary of an absolute range of the buffer as a download; raises on error.',
    'mp.file.save_bin_range("flash.bin", 0x0, 0x80000)',
  ),
  file(
    'write_text',
    [
      param('path', 'string', 'File path (its base name is the file name).'),
      param('text', 'string', 'The whole content.'),
    ],
    'ok: boolean, err: string',
    'Saves text as a file, replacing an earlier one (offered as a download); the file is then readable with the other mp.file functions.',
    'mp.file.write_text("C:/logs/report.txt", "all good\\n")',
  ),
  file(
    'append_text',
    [
      param('path', 'string', 'File path (its base name is the file name).'),
      param('text', 'string', 'Text added at the end.'),
    ],
    'ok: boolean, err: string',
    'Adds text at the end of a file (an opened one, or one saved earlier in the run; a new one otherwise) and saves it.',
    'mp.file.append_text("C:/logs/production.csv", "0042,ok\\n")',
  ),
  file(
    'pick',
    [
      param(
        'accept',
        'string',
        'Extensions offered, e.g. ".hex,.bin" (default: every supported format).',
        true,
      ),
    ],
    'name: string?',
    'Asks the person to choose a file; returns its name (usable with the other mp.file functions) or nil when they cancel.',
    'local name = mp.file.pick(".hex")\nif name then mp.file.load(name) end',
    true,
  ),
];

const BYTES = param('bytes', 'table|string', 'The bytes: a table of byte values (1-based) or a byte string.');
const PRESET = param(
  'preset',
  'string',
  'CRC preset by its catalogue name or alias, any case: "CRC-32", "CRC-16/MODBUS", "CRC-16/CCITT-FALSE", "CRC-8/SMBUS"… (see list_crc_presets).',
);
const CRC_RESULT = 'value: integer?, hex: string?, info: {value, hex, width, preset, error?}';

function builtin(name: string, width: number, description: string, example: string): MpFunction {
  return {
    module: 'checksum',
    name,
    params: [BYTES],
    returns: `value: integer (${width} bits)`,
    description,
    example,
  };
}

/** Every `mp.checksum` function. */
export const CHECKSUM_SPEC: MpFunction[] = [
  {
    module: 'checksum',
    name: 'list_crc_presets',
    params: [],
    returns: '{name, width, poly, init, reflect_in, reflect_out, xor_out, check}[]',
    description:
      'The CRC presets of the CRC RevEng catalogue (widths 8 to 32) with their parameters and check value (the CRC of "123456789").',
    example: 'for _, p in ipairs(mp.checksum.list_crc_presets()) do mp.log.info(p.name) end',
  },
  {
    module: 'checksum',
    name: 'crc',
    params: [PRESET, BYTES],
    returns: CRC_RESULT,
    description:
      'CRC of bytes with a catalogue preset. Returns the value, its hex form as MultiProg shows it ("0xCBF43926") and an info table; an unknown preset gives nil, nil and info.error.',
    example: 'local v, hex = mp.checksum.crc("CRC-32", "123456789") -- 0xCBF43926',
  },
  {
    module: 'checksum',
    name: 'crc_custom',
    params: [
      param(
        'params',
        'table',
        '{name?, width (8–32), poly, init = 0, reflect_in = false, reflect_out = false, xor_out = 0} in the Rocksoft model.',
      ),
      BYTES,
    ],
    returns: CRC_RESULT,
    description: 'CRC of bytes with parameters of your own.',
    example:
      'local v, hex = mp.checksum.crc_custom({width = 16, poly = 0x1021, init = 0xFFFF}, "123456789") -- 0x29B1',
  },
  {
    module: 'checksum',
    name: 'crc_region',
    params: [
      PRESET,
      param('region', 'string|integer', 'Region name or 0-based index.'),
      param('start', 'integer', 'Offset in the region (default 0).', true),
      param('len', 'integer', 'Number of bytes (default: to the end of the region).', true),
    ],
    returns: CRC_RESULT,
    description: "CRC over a region of the buffer or a slice of it (gaps read as the region's fill value).",
    example: 'local v, hex = mp.checksum.crc_region("CRC-32", "Code Flash", 0, 256)',
  },
  builtin('sum8', 8, 'Sum of the bytes modulo 256.', 'local s = mp.checksum.sum8({1, 2, 3}) -- 6'),
  builtin(
    'sum16',
    16,
    'Sum of the bytes modulo 65536.',
    'local s = mp.checksum.sum16("123456789") -- 0x01DD',
  ),
  builtin(
    'sum16_inv',
    16,
    "Two's complement of the 16-bit byte sum, (0 − Σ) & 0xFFFF.",
    'local s = mp.checksum.sum16_inv("123456789") -- 0xFE23',
  ),
  builtin(
    'sum_rl78',
    16,
    'The Renesas RL78 / NEC 78K block checksum: (0 − Σ bytes) & 0xFFFF, what the chip’s Checksum command returns.',
    'local s = mp.checksum.sum_rl78(mp.memory.read_at("Code Flash", 0, 0x400))',
  ),
  builtin(
    'fletcher16',
    16,
    'Fletcher-16 (modulo-255 sums of bytes).',
    'local f = mp.checksum.fletcher16("abcde") -- 0xC8F0',
  ),
  builtin(
    'fletcher32',
    32,
    'Fletcher-32 over 16-bit little-endian words (modulo 65535; an odd last byte padded with 0).',
    'local f = mp.checksum.fletcher32("abcde") -- 0xF04FC729',
  ),
  builtin(
    'adler32',
    32,
    'Adler-32 (RFC 1950, as zlib).',
    'local a = mp.checksum.adler32("Wikipedia") -- 0x11E60398',
  ),
  builtin(
    'lrc',
    8,
    "Longitudinal redundancy check: the two's complement of the 8-bit byte sum (Modbus ASCII).",
    'local l = mp.checksum.lrc({0x11, 0x03, 0x00, 0x6B, 0x00, 0x03}) -- 0x7E',
  ),
  builtin(
    'bcc',
    8,
    'Block check character: the XOR of all bytes.',
    'local b = mp.checksum.bcc({0x02, 0x31, 0x03})',
  ),
  {
    module: 'checksum',
    name: 'list_builtins',
    params: [],
    returns: '{name, width}[]',
    description:
      'The checksums other than CRCs: sum8, sum16, sum16_inv, sum_rl78, fletcher16, fletcher32, adler32, lrc, bcc.',
    example: 'for _, b in ipairs(mp.checksum.list_builtins()) do mp.log.info(b.name, b.width) end',
  },
  {
    module: 'checksum',
    name: 'list',
    params: [],
    returns: 'algorithms: {id, label, bits, description}[]',
    description: 'The checksums WebProg computes.',
    example: 'for _, c in ipairs(mp.checksum.list()) do mp.log.info(c.id) end',
  },
  sum(
    'compute',
    [ALGORITHM, param('data', 'string|table', 'Bytes.')],
    'Checksum of bytes.',
    'local v, hex = mp.checksum.compute("crc32", "123456789") -- 0xCBF43926',
  ),
  sum(
    'region',
    [ALGORITHM, param('region', 'string|integer', 'Region name or 0-based index.')],
    "Checksum of a whole region of the buffer (gaps read as the region's fill value).",
    'local _, hex = mp.checksum.region("sha256", "Code Flash")',
  ),
  sum(
    'range',
    [
      ALGORITHM,
      param('address', 'integer', 'Absolute start address.'),
      param('length', 'integer', 'Number of bytes.'),
      param('fill', 'integer', 'Value of bytes without data (default 0xFF).', true),
    ],
    'Checksum of an absolute range of the buffer.',
    'local v = mp.checksum.range("sum16-rl78", 0x0, 0x400)',
  ),
];
