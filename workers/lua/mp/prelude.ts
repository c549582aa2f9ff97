/**
 * Builds the global `mp` table from the natives. The Lua side adds what is cheaper or only
 * possible in Lua: byte tables → strings in 4096-element chunks (no per-element bridge
 * crossing), the optional first argument of read_at/write_at, log formatting, and `print`.
 */
import type { ScriptEngine } from '../vm/lua-vm';
import { backendNatives } from './backend';
import { checksumNatives } from './checksum';
import type { ScriptContext } from './context';
import { fileNatives } from './file';
import { generalNatives } from './general';
import { memoryNatives } from './memory';

const MP_PRELUDE = `
local backend, memory, file, checksum, log, ui, config, app = ...
local char, concat, format, unpack = string.char, table.concat, string.format, table.unpack
local min, pcall, select, tostring, type, error, pairs, ipairs = math.min, pcall, select, tostring, type, error, pairs, ipairs

local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

-- Bytes as a string; a table of byte values is packed 4096 values at a time.
local function to_bytes(data, what)
  if type(data) == "string" then return data end
  if type(data) ~= "table" then
    error("bad argument '" .. what .. "' (string or table of bytes expected, got " .. type(data) .. ")", 3)
  end
  local n, parts = #data, {}
  for i = 1, n, 4096 do
    local ok, s = pcall(char, unpack(data, i, min(n, i + 4095)))
    if not ok then error("bad argument '" .. what .. "' (a table of byte values 0 to 255 expected)", 3) end
    parts[#parts + 1] = s
  end
  return concat(parts)
end

-- A byte string as a table of byte values (1-based), 4096 at a time.
local byte, move = string.byte, table.move
local function to_table(s)
  if type(s) ~= "string" then return s end
  local t, n = {}, #s
  for i = 1, n, 4096 do
    local chunk = { byte(s, i, min(n, i + 4095)) }
    move(chunk, 1, #chunk, i, t)
  end
  return t
end

local M = copy(memory)
local m_write, m_write_at, m_read_at, m_find, m_compare = memory.write, memory.write_at, memory.read_at, memory.find, memory.compare
M.write = function(region, offset, data) return m_write(region, offset, to_bytes(data, "data")) end
M.write_at = function(a, b, c)
  if c == nil then return m_write_at(nil, a, to_bytes(b, "data")) end
  return m_write_at(a, b, to_bytes(c, "data"))
end
-- MultiProg's read_at gives a byte table; read_raw_at is WebProg's byte-string form.
M.read_raw_at = function(a, b, c)
  if c == nil then return m_read_at(nil, a, b) end
  return m_read_at(a, b, c)
end
M.read_at = function(a, b, c) return to_table(M.read_raw_at(a, b, c)) end
for _, name in ipairs({ "read_range", "get_region_data", "get_all_data" }) do
  local fn = memory[name]
  M[name] = function(...) return to_table(fn(...)) end
end
M.find = function(region, pattern, offset) return m_find(region, to_bytes(pattern, "pattern"), offset) end
M.compare = function(address, data) return m_compare(address, to_bytes(data, "data")) end

-- MultiProg's mp.file: blocks and loaded binaries as byte tables, save takes {address, data} blocks.
local F = copy(file)
local f_load, f_load_bin, f_save_bin, f_save_blocks = file.load, file.load_bin, file.save_bin, file._save_blocks
local pack = string.pack
F._save_blocks, F._save_buffer = nil, nil
M.save_file = file._save_buffer
F.load = function(path)
  local data, err = f_load(path)
  if data then
    for _, b in ipairs(data.blocks) do b.data = to_table(b.data) end
  end
  return data, err
end
F.load_bin = function(path)
  local bytes, err = f_load_bin(path)
  return to_table(bytes), err
end
F.save_bin = function(path, bytes) return f_save_bin(path, to_bytes(bytes, "bytes")) end
F.save = function(path, blocks)
  if type(blocks) == "table" and type(blocks.blocks) == "table" then blocks = blocks.blocks end
  if blocks == nil or (type(blocks) == "table" and #blocks == 0) then return f_save_blocks(path, nil) end
  if type(blocks) ~= "table" then
    error("bad argument 'blocks' to 'mp.file.save' (table expected, got " .. type(blocks) .. ")", 2)
  end
  local header, parts = {}, {}
  for i, b in ipairs(blocks) do
    if type(b) ~= "table" or math.type(b.address) ~= "integer" or b.address < 0 or b.address > 0xFFFFFFFF then
      error("bad argument 'blocks' to 'mp.file.save' (block " .. i .. ": {address = integer, data = bytes} expected)", 2)
    end
    local data = to_bytes(b.data, "blocks")
    header[i] = pack("<I4I4", b.address, #data)
    parts[i] = data
  end
  return f_save_blocks(path, concat(header), concat(parts))
end

-- MultiProg's mp.config.select and set over the setters.
local CF = copy(config)
CF._select_target = nil
CF._check_set = nil
CF.select = function(programmer, family, target)
  local ok, err = config.set_programmer(programmer)
  if not ok then return ok, err end
  return config._select_target(family, target)
end
local CONFIG_KEYS = { programmer = true, family = true, target = true, power = true, file_path = true, file = true, region_index = true }
CF.set = function(opts)
  if type(opts) ~= "table" then
    error("bad argument 'opts' to 'mp.config.set' (table expected, got " .. type(opts) .. ")", 2)
  end
  for k in pairs(opts) do
    if not CONFIG_KEYS[k] then
      return false, 'Unknown option "' .. tostring(k) .. '" (programmer, family, target, power, file_path, region_index).'
    end
  end
  local file = opts.file_path or opts.file
  -- Validate the whole table before applying any of it (MultiProg's form).
  local valid, why = config._check_set(opts.programmer, opts.family, opts.target, opts.power, file, opts.region_index)
  if not valid then return false, why end
  local steps = {}
  if opts.programmer ~= nil then steps[#steps + 1] = function() return config.set_programmer(opts.programmer) end end
  if opts.target ~= nil and opts.family ~= nil then
    steps[#steps + 1] = function() return config.set_target(opts.family, opts.target) end
  elseif opts.target ~= nil then
    steps[#steps + 1] = function() return config.set_target(opts.target) end
  elseif opts.family ~= nil then
    steps[#steps + 1] = function() return config.set_family(opts.family) end
  end
  if opts.power ~= nil then steps[#steps + 1] = function() return config.set_power(opts.power) end end
  if file ~= nil then steps[#steps + 1] = function() return config.set_file(file) end end
  if opts.region_index ~= nil then steps[#steps + 1] = function() return config.set_region_index(opts.region_index) end end
  for _, step in ipairs(steps) do
    local ok, err = step()
    if not ok then return false, err end
  end
  return true, ""
end

local C = copy(checksum)
local c_compute, c_crc, c_crc_custom = checksum.compute, checksum.crc, checksum._crc_custom
C._crc_custom = nil
C.compute = function(algorithm, data) return c_compute(algorithm, to_bytes(data, "data")) end
C.crc = function(preset, data) return c_crc(preset, to_bytes(data, "bytes")) end
C.crc_custom = function(params, data)
  if type(params) ~= "table" then
    error("bad argument 'params' to 'mp.checksum.crc_custom' (table expected, got " .. type(params) .. ")", 2)
  end
  return c_crc_custom(params.name, params.width, params.poly, params.init, params.reflect_in,
    params.reflect_out, params.xor_out, to_bytes(data, "bytes"))
end
for _, name in ipairs({ "sum8", "sum16", "sum16_inv", "sum_rl78", "fletcher16", "fletcher32", "adler32", "lrc", "bcc" }) do
  local fn = checksum[name]
  C[name] = function(data) return fn(to_bytes(data, "bytes")) end
end

local write_log = log.write
local function join(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  return concat(parts, " ")
end
local L = {}
for _, level in ipairs({ "debug", "info", "warn", "error" }) do
  L[level] = function(...) write_log(level, join(...)) end
  L[level .. "f"] = function(pattern, ...)
    local ok, text = pcall(format, pattern, ...)
    if not ok then error(text, 2) end
    write_log(level, text)
  end
end
-- MultiProg's green and notification lines.
L.success = function(...) write_log("success", join(...)) end
L.notify = function(...) write_log("notify", join(...)) end

local set_statusbar = ui.set_statusbar
local U = copy(ui)
U.set_statusbar = function(label, value) return set_statusbar(tostring(label), tostring(value)) end

mp = {
  backend = copy(backend),
  memory = M,
  file = F,
  checksum = C,
  log = L,
  ui = U,
  config = CF,
  app = copy(app),
}
print = L.info
`;

/** Installs the global `mp` table for a run with state `ctx`. */
export function installMp(engine: ScriptEngine, ctx: ScriptContext): void {
  const general = generalNatives(ctx);
  engine.exec(MP_PRELUDE, [
    backendNatives(ctx),
    memoryNatives(ctx),
    fileNatives(ctx),
    checksumNatives(ctx),
    general.log,
    general.ui,
    general.config,
    general.app,
  ]);
}
