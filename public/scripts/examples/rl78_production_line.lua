-- Production line for Renesas RL78 (RL78/G13, G14) on a USB-UART: flash the firmware into Code
-- Flash, check it by the chip's own checksum (the RL78 boot firmware sums the flash itself,
-- (0 - sum of bytes) & 0xFFFF, which mp.checksum.sum_rl78 computes over the buffer), write the
-- next serial number into Data Flash and add a row to a CSV log.
-- Open "firmware.hex" (and last run's "rl78-production-log.csv", to continue its numbering)
-- in the app before running, or pick the firmware when asked.

local FIRMWARE = "firmware.hex"
local CSV = "rl78-production-log.csv"
local SERIAL_ADDRESS = 0xF1000      -- first word of Data Flash
local FIRST_SERIAL = 5000

local function csv_rows()
  local text = mp.file.read_text(CSV)
  if not text then return 0 end
  local _, lines = text:gsub("\n", "")
  return math.max(lines - 1, 0)      -- minus the header
end

local function log_row(fields)
  if not mp.file.exists(CSV) then
    mp.file.write_text(CSV, "time,target,firmware,code_sum,serial,result\n")
  end
  mp.file.append_text(CSV, table.concat(fields, ",") .. "\n")
end

local firmware = mp.file.exists(FIRMWARE) and FIRMWARE or mp.file.pick(".hex")
if not firmware then mp.log.warn("No firmware chosen: nothing done.") return end

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local target = mp.backend.get_target_info().name
if not target:find("^R5F10") then mp.log.error("This line programs RL78 chips; found " .. target) return end

local loaded, load_err = mp.file.load(firmware)
if not loaded then mp.log.error(load_err) return end
local serial = FIRST_SERIAL + csv_rows()
mp.memory.write_u32_at(SERIAL_ADDRESS, serial, "le")
mp.log.infof("%s: %d blocks of firmware, serial number %d", firmware, loaded.block_count, serial)
mp.ui.set_statusbar("Serial", serial)

mp.app.allow_hw_writes(true)
local result = "ok"
ok, err = mp.backend.flash()         -- unchanged blocks (same chip checksum) are skipped

-- The chip's checksum of every Code Flash block against the buffer's sum_rl78.
local code = mp.memory.get_region_info("Code Flash")
local code_sum = 0
if ok then
  local blocks
  blocks, err = mp.backend.read_checksums()
  ok = blocks ~= nil
  for _, b in ipairs(blocks or {}) do
    if b.address < code.start_address + code.size then
      local want = mp.checksum.sum_rl78(mp.memory.read_raw_at(b.address, 1024))
      if want ~= b.base_checksum then
        ok, err = false, string.format("Block %d: chip checksum %04X, buffer %04X", b.block_n, b.base_checksum, want)
        break
      end
      code_sum = (code_sum + b.base_checksum) & 0xFFFF
    end
  end
end
if not ok then
  result = "FAILED: " .. tostring(err):gsub(",", ";")
  mp.log.error(err)
else
  mp.log.success(string.format("Board %d flashed; chip checksum of Code Flash %04X.", serial, code_sum))
end

log_row({ os.date("!%Y-%m-%dT%H:%M:%SZ"), target, firmware, string.format("%04X", code_sum), serial, result })
return ok, serial, code_sum
