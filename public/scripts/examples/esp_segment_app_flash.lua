-- ESP segments: flash an application binary (ESP-IDF's build/<app>.bin) to its partition at
-- 0x10000 without touching the bootloader or the partition table, then verify it. Open
-- "app.bin" in the app first, or pick it when asked.

local APP_OFFSET = 0x10000
local name = mp.file.exists("app.bin") and "app.bin" or mp.file.pick(".bin")
if not name then mp.log.warn("No application chosen: nothing done.") return end

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end

local app = mp.file.read(name)
if app:byte(1) ~= 0xE9 then mp.log.error(name .. " is not an ESP application image (no 0xE9 magic).") return end
local flash = mp.memory.get_region_info(0)
local sector = flash.erase_size
local size = (#app + sector - 1) // sector * sector   -- whole sectors; the tail is padded with 0xFF

mp.memory.fill_at(APP_OFFSET, size, 0xFF)
mp.memory.write_at(flash.name, APP_OFFSET, app)
mp.app.allow_hw_writes(true)
ok, err = mp.backend.write_segment(APP_OFFSET, size)
if not ok then mp.log.error(err) return end
ok, err = mp.backend.verify_segment(APP_OFFSET, size)
if not ok then mp.log.error(err) return end
mp.log.infof("%s: %d bytes written to 0x%X (%d sectors) and verified.", name, #app, APP_OFFSET, size // sector)
mp.ui.set_statusbar("App", string.format("%d KiB at 0x%X", (#app + 1023) // 1024, APP_OFFSET))
return true
