-- ESP segments: read a sector, change one byte, write it back, read it again and compare
-- CRC-32s of what was meant and what the chip holds. Uses the third sector from the end.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local flash = mp.memory.get_region_info(0)
local sector = flash.erase_size
local at = flash.start_address + flash.size - 3 * sector

ok, err = mp.backend.read_segment(at, sector)
if not ok then mp.log.error(err) return end
local old = mp.memory.read_byte_at(at + 100)
mp.memory.write_byte_at(at + 100, (old + 1) & 0xFF)
local wanted = mp.checksum.range("crc32", at, sector)

mp.app.allow_hw_writes(true)
ok, err = mp.backend.write_segment(at, sector)
if not ok then mp.log.error(err) return end

mp.memory.fill_at(at, sector, 0)
ok, err = mp.backend.read_segment(at, sector)
if not ok then mp.log.error(err) return end
local got = mp.checksum.range("crc32", at, sector)
mp.log.infof("byte 0x%06X: 0x%02X -> 0x%02X; CRC-32 wanted %08X, chip %08X: %s", at + 100, old,
  mp.memory.read_byte_at(at + 100), wanted, got, wanted == got and "round trip ok" or "MISMATCH")
return wanted == got
