-- Block erase, blank check and writing without a blank check (NOR semantics), on the
-- connected chip's main flash region. Works with any CMSIS-DAP target (micro:bit, STM32F411).
--
-- erase_blocks() erases block by block (never a mass erase); blank_check() names the first
-- block that is not blank; write_no_blank() programs without the blank check, so bits can only
-- go from 1 to 0 — a verify() shows when that was not enough.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end

local flash = mp.memory.get_region_info(0)
mp.log.infof("Region %s: 0x%08X, %d KiB in %d-byte blocks", flash.name, flash.start_address,
  flash.size // 1024, flash.erase_size)

mp.app.allow_hw_writes(true)
ok, err = mp.backend.erase_blocks()
if not ok then mp.log.error(err) return end
mp.log.info("erase_blocks: done")

ok, err = mp.backend.blank_check()
mp.log.infof("blank_check after erase: %s", ok and "blank" or err)

-- Some data in the buffer, then onto the chip without a blank check.
local at = flash.start_address + 0x400
mp.memory.write_at(flash.name, at, "WebProg NOR test")
ok, err = mp.backend.write_no_blank()
if not ok then mp.log.error(err) return end

ok, err = mp.backend.blank_check()
mp.log.infof("blank_check after write: %s", ok and "blank" or err)

-- 'W' (0x57) -> 0x00 only clears bits: a valid NOR transition.
mp.memory.write_at(flash.name, at, { 0x00 })
ok, err = mp.backend.write_no_blank()
if not ok then mp.log.error(err) return end
ok, err = mp.backend.verify()
mp.log.infof("verify after 0x57 -> 0x00: %s", ok and "ok" or err)

-- 0x00 -> 0xFF would need an erase: the cells stay 0 and verify says so.
mp.memory.write_at(flash.name, at, { 0xFF })
ok, err = mp.backend.write_no_blank()
ok, err = mp.backend.verify()
mp.log.infof("verify after 0x00 -> 0xFF: %s", ok and "ok" or err)
