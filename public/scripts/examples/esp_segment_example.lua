-- ESP segments, end to end (start here). A segment is an absolute range [addr, addr+size) of
-- the chip's flash, not a region offset. Four calls work on segments:
--   read_segment(addr, size)    chip -> buffer       (4-byte aligned)
--   verify_segment(addr, size)  chip vs buffer       (4-byte aligned; the chip computes MD5s)
--   erase_segment(addr, size)   erase those sectors  (4096-byte aligned; asks to confirm)
--   write_segment(addr, size)   buffer -> chip       (4096-byte aligned: ESP flash writes whole sectors)
-- Misaligned or out-of-map ranges fail with (false, message, code) before any device I/O.
-- This script uses the last sector of the flash as scratch space: its old content is lost.

-- 1. Connect: the ROM loader is entered through the board's auto-reset circuit.
local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local target = mp.backend.get_target_info()
mp.log.info("Connected: " .. target.name)

-- 2. The flash region: its size says where the last sector is.
local flash = mp.memory.get_region_info(0)
local sector = flash.erase_size
local scratch = flash.start_address + flash.size - sector
mp.log.infof("Flash: %d KiB in %d-byte sectors; scratch sector at 0x%06X", flash.size // 1024, sector, scratch)

-- 3. Read the sector into the buffer and look at it.
ok, err = mp.backend.read_segment(scratch, sector)
if not ok then mp.log.error(err) return end
local before = mp.memory.read_raw_at(flash.name, scratch, 16)
mp.log.infof("Before: %s", (before:gsub(".", function(c) return string.format("%02X ", c:byte()) end)))

-- 4. Change the buffer: a text and a counter.
local count = (mp.memory.read_u32_at(scratch + 16, "le") + 1) & 0xFFFFFFFF
if count == 0 then count = 1 end   -- an erased sector reads 0xFFFFFFFF
mp.memory.fill_at(scratch, sector, 0xFF)
mp.memory.write_at(flash.name, scratch, "WebProg segment!")
mp.memory.write_u32_at(scratch + 16, count, "le")

-- 5. Writing needs permission; erasing also asks the person.
mp.app.allow_hw_writes(true)
ok, err = mp.backend.erase_segment(scratch, sector)
if not ok then mp.log.error(err) return end
ok, err = mp.backend.write_segment(scratch, sector)
if not ok then mp.log.error(err) return end

-- 6. Verify on the chip, then read back to be sure.
ok, err = mp.backend.verify_segment(scratch, sector)
if not ok then mp.log.error(err) return end
mp.memory.fill_at(scratch, sector, 0x00)
ok, err = mp.backend.read_segment(scratch, sector)
if not ok then mp.log.error(err) return end
local text = mp.memory.read_raw_at(flash.name, scratch, 16)
mp.log.infof("After: %q, written %d time(s)", text, mp.memory.read_u32_at(scratch + 16, "le"))
mp.ui.set_statusbar("Scratch writes", mp.memory.read_u32_at(scratch + 16, "le"))
return text == "WebProg segment!"
