-- Production line (Nordic nRF51/nRF52 boards such as the micro:bit): flash the firmware,
-- verify it, give the board the next serial number in UICR CUSTOMER[0] and add a row to a CSV
-- log. Open "firmware.hex" (and last run's "production-log.csv", to continue its numbering)
-- in the app before running, or pick the firmware when asked.

local FIRMWARE = "firmware.hex"
local CSV = "production-log.csv"
local SERIAL_ADDRESS = 0x10001080   -- UICR CUSTOMER[0]
local FIRST_SERIAL = 1000

local function csv_rows()
  local text = mp.file.read_text(CSV)
  if not text then return 0 end
  local _, lines = text:gsub("\n", "")
  return math.max(lines - 1, 0)      -- minus the header
end

local function log_row(fields)
  if not mp.file.exists(CSV) then
    mp.file.write_text(CSV, "time,probe,target,firmware,crc32,serial,result\n")
  end
  mp.file.append_text(CSV, table.concat(fields, ",") .. "\n")
end

local firmware = mp.file.exists(FIRMWARE) and FIRMWARE or mp.file.pick(".hex")
if not firmware then mp.log.warn("No firmware chosen: nothing done.") return end

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local target = mp.backend.get_target_info().name
local probe = mp.backend.get_programmer_info().serial
if not target:find("nRF5") then mp.log.error("This line programs Nordic chips; found " .. target) return end

-- The buffer: the firmware plus the serial number in UICR.
local loaded, load_err = mp.file.load(firmware)
if not loaded then mp.log.error(load_err) return end
local crc = mp.checksum.compute("crc32", mp.file.read(firmware))
local serial = FIRST_SERIAL + csv_rows()
mp.memory.write_u32_at(SERIAL_ADDRESS, serial, "le")
mp.log.infof("%s: %d blocks of firmware, serial number %d", firmware, loaded.block_count, serial)
mp.ui.set_statusbar("Serial", serial)

mp.app.allow_hw_writes(true)
local result = "ok"
ok, err = mp.backend.flash()
if ok then ok, err = mp.backend.verify() end
if not ok then
  result = "FAILED: " .. tostring(err):gsub(",", ";")
  mp.log.error(err)
else
  mp.log.success(string.format("Board %d flashed and verified.", serial))
end

log_row({ os.date("!%Y-%m-%dT%H:%M:%SZ"), probe, target, firmware, string.format("%08X", crc), serial, result })
return ok, serial
