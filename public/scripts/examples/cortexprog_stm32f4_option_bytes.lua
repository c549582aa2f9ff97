-- CortexProg special script: show the option bytes of an STM32F4 (read-out protection level,
-- brown-out level, watchdog and reset options, write protection per sector).
--
-- It needs only the CPU: the option bytes (0x1FFFC000) and FLASH_OPTCR stay readable over SWD
-- even at protection level 1, when the chip's flash is closed to the debugger, so the work
-- happens at TOOL_OP_STEP_PRE_SCRIPT, before any device script is loaded.

local FLASH_SIZE = 0x1FFF7A20        -- flash size in KiB (upper halfword)
local OPTION_BYTES = 0x1FFFC000      -- RDP:USER
local OPTION_NWRP = 0x1FFFC008       -- nWRP
local FLASH_OPTCR = 0x40023C14
local DBGMCU_IDCODE = 0xE0042000

local BOR_LEVELS = { [0] = "BOR level 3 (2.70-3.60 V)", "BOR level 2 (2.40-2.70 V)", "BOR level 1 (2.10-2.40 V)", "BOR off" }

local function rdp_text(rdp)
  if rdp == 0xAA then return "level 0 (no protection)" end
  if rdp == 0xCC then return "level 2 (debug disabled for good)" end
  return string.format("level 1 (read-out protected, RDP byte 0x%02X)", rdp)
end

local function read(address, what)
  local value, err = cpuWordRead(address)
  if value == nil then error(string.format("cannot read %s at 0x%08X: %s", what, address, tostring(err))) end
  return value
end

function init(params)
  return TOOL_OP_NEEDS_CPU
end

function main(step, haveDbg, haveCpu, haveScpt)
  if step ~= TOOL_OP_STEP_PRE_SCRIPT then return true end

  cpuStop()
  local idcode = read(DBGMCU_IDCODE, "DBGMCU_IDCODE")
  local flash_kib = read(FLASH_SIZE, "the flash size") >> 16
  mp.log.infof("STM32 device id 0x%03X rev 0x%04X, %d KiB flash, %s", idcode & 0xFFF, idcode >> 16, flash_kib,
    cpuIsV7() and "ARMv7-M core" or "ARMv6-M core")

  local user_rdp = read(OPTION_BYTES, "the option bytes") & 0xFFFF
  local nwrp = read(OPTION_NWRP, "the write-protection bytes") & 0xFFF
  local optcr = read(FLASH_OPTCR, "FLASH_OPTCR")
  local rdp, user = user_rdp >> 8, user_rdp & 0xFF

  mp.log.infof("Option bytes: RDP 0x%02X, USER 0x%02X, nWRP 0x%03X (FLASH_OPTCR 0x%08X)", rdp, user, nwrp, optcr)
  mp.log.infof("Read-out protection: %s", rdp_text(rdp))
  mp.log.infof("Brown-out reset: %s", BOR_LEVELS[(user >> 2) & 3])
  mp.log.infof("Watchdog: %s; reset on Stop: %s; reset on Standby: %s",
    user & 0x20 ~= 0 and "software" or "hardware",
    user & 0x40 ~= 0 and "no" or "yes",
    user & 0x80 ~= 0 and "no" or "yes")

  local sectors = {}
  for i = 0, 11 do
    if nwrp & (1 << i) == 0 then sectors[#sectors + 1] = tostring(i) end
  end
  mp.log.infof("Write-protected sectors: %s", #sectors > 0 and table.concat(sectors, ", ") or "none")

  if (optcr >> 8) & 0xFF ~= rdp or (optcr >> 16) & 0xFFF ~= nwrp then
    mp.log.warn("FLASH_OPTCR differs from the option bytes: a change waits for OPTSTRT or a reset.")
  end
  mp.ui.set_statusbar("RDP", rdp == 0xAA and "Level 0" or rdp == 0xCC and "Level 2" or "Level 1")
  return true
end
