-- ESP segments: write a test pattern into two sectors near the end of the flash and verify
-- them on the chip (MD5 computed by the loader). Their old content is lost.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local flash = mp.memory.get_region_info(0)
local size = 2 * flash.erase_size
local start = flash.start_address + flash.size - 4 * flash.erase_size

-- Pattern: each 32-bit word holds its own address.
for address = start, start + size - 4, 4 do mp.memory.write_u32_at(address, address, "le") end

mp.app.allow_hw_writes(true)
ok, err = mp.backend.write_segment(start, size)
if not ok then mp.log.error(err) return end
ok, err = mp.backend.verify_segment(start, size)
mp.log.infof("write_segment 0x%06X + 0x%X, verify: %s", start, size, ok and "ok" or err)

-- A changed byte in the buffer must make verify fail.
mp.memory.write_byte_at(start + 5, 0x5A)
local bad, why = mp.backend.verify_segment(start, size)
mp.log.infof("verify after changing the buffer: %s", bad and "ok (unexpected)" or why)
return ok and not bad
