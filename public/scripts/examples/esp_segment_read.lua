-- ESP segments: read the second-stage bootloader's image header and describe it. Read-only.
-- ESP32 keeps the bootloader at 0x1000, the ESP32-S3 and ESP32-C3 at 0x0.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local name = mp.backend.get_target_info().name
local offset = name:match("^ESP32%-[SC]") and 0x0 or 0x1000

ok, err = mp.backend.read_segment(offset, 0x20)
if not ok then mp.log.error(err) return end

local magic = mp.memory.read_byte_at(offset)
if magic ~= 0xE9 then
  mp.log.warnf("No bootloader at 0x%X (first byte 0x%02X): the flash looks blank.", offset, magic)
  return false
end
local MODES = { [0] = "QIO", "QOUT", "DIO", "DOUT" }
local SIZES = { [0] = "1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB" }
local size_freq = mp.memory.read_byte_at(offset + 3)
mp.log.infof("%s bootloader at 0x%X: %d segments, flash %s %s, entry 0x%08X, chip id %d",
  name, offset, mp.memory.read_byte_at(offset + 1), MODES[mp.memory.read_byte_at(offset + 2)] or "?",
  SIZES[size_freq >> 4] or "?", mp.memory.read_u32_at(offset + 4, "le"), mp.memory.read_u16_at(offset + 12, "le"))
return true
