-- micro:bit: which MicroPython does the board hold? Reads the flash and looks for the
-- version banner MicroPython prints at start-up ("MicroPython v1.1.1 ..."), and for a user
-- script (MicroPython V1 keeps an appended main.py at 0x3E000, starting with "MP").

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local target = mp.backend.get_target_info()
local programmer = mp.backend.get_programmer_info()
mp.log.infof("%s on %s (serial %s)", target.name, programmer.name, programmer.serial)
mp.ui.set_statusbar("Board", target.name)

ok, err = mp.backend.read()
if not ok then mp.log.error(err) return end

local flash = mp.memory.get_region_info(0)
local at = mp.memory.find(flash.name, "MicroPython v")
if not at then
  mp.log.warn("No MicroPython banner found: the board runs something else (MakeCode, C++...).")
  return false
end
local banner = mp.memory.read_raw_at(flash.name, at, 80)
banner = banner:match("^[%g ]+") or banner
mp.log.infof("Found at 0x%05X: %s", at, banner)
mp.ui.set_statusbar("MicroPython", banner:match("^MicroPython (v[%w%.%-]+)") or "?")

if target.name:find("nRF51") and mp.memory.read_string(flash.name, 0x3E000, 2) == "MP" then
  local length = mp.memory.read_u16_at(0x3E002, "le")
  mp.log.infof("Appended script: %d bytes at 0x3E004", length)
end
return banner
