-- CortexProg special script: remove the read-out protection of an nRF52 (micro:bit V2)
-- through Nordic's CTRL-AP. The chip's flash, UICR and RAM are erased: that is the only way
-- Nordic lets a debugger back into a protected chip.
--
-- A special script defines init() and main(step, haveDbg, haveCpu, haveScpt). WebProg calls
-- init() once, then main() at every step of the connection (TOOL_OP_STEP_*). This one only
-- needs the debugger: the CTRL-AP answers even when the chip's memory is locked, so the work
-- happens before the CPU is identified (TOOL_OP_STEP_PRE_CPUID).

local CTRL_AP_IDR = 0x02880000       -- IDR of Nordic's CTRL-AP
local RESET = 0x00                   -- CTRL-AP registers
local ERASEALL = 0x04
local ERASEALLSTATUS = 0x08
local APPROTECTSTATUS = 0x0C
local AP_IDR = 0xFC

local DP_SELECT = 2                  -- SW-DP register addresses as A[3:2]
local DP_RDBUFF = 3

-- Reads register `reg` of access port `apsel`. AP reads are posted on SWD: the value comes
-- with the following RDBUFF read.
local function ap_read(apsel, reg)
  if not dbgSwdWrite(0, DP_SELECT, (apsel << 24) | (reg & 0xF0)) then return nil end
  if not dbgSwdRead(1, (reg >> 2) & 3) then return nil end
  return dbgSwdRead(0, DP_RDBUFF)
end

-- Writes register `reg` of access port `apsel`; the RDBUFF read confirms the write.
local function ap_write(apsel, reg, value)
  if not dbgSwdWrite(0, DP_SELECT, (apsel << 24) | (reg & 0xF0)) then return nil end
  if not dbgSwdWrite(1, (reg >> 2) & 3, value) then return nil end
  return dbgSwdRead(0, DP_RDBUFF) ~= nil
end

local function find_ctrl_ap()
  for apsel = 0, 255 do
    local idr = ap_read(apsel, AP_IDR)
    if idr == nil or idr == 0 then return nil end   -- past the last access port
    if idr == CTRL_AP_IDR then return apsel end
  end
end

function init(params)
  return TOOL_OP_NEEDS_DEBUGGER
end

function main(step, haveDbg, haveCpu, haveScpt)
  if step ~= TOOL_OP_STEP_PRE_CPUID then return true end

  local ap = find_ctrl_ap()
  if not ap then
    mp.log.error("No Nordic CTRL-AP found: this is not an nRF52.")
    return false
  end
  local protected = ap_read(ap, APPROTECTSTATUS) == 0
  mp.log.infof("Nordic CTRL-AP is access port %d; the chip is %s.", ap, protected and "read-protected" or "not protected")

  if not mp.app.confirm("Erase the whole nRF52 (flash, UICR and RAM) to remove its read-out protection?") then
    mp.log.warn("Unlock cancelled: nothing was erased.")
    return false
  end

  -- Writing an access port changes the chip: WebProg refuses it unless hardware writes are
  -- allowed, and asks once more before the first such write.
  mp.app.allow_hw_writes(true)
  mp.log.info("Erasing everything...")
  assert(ap_write(ap, ERASEALL, 1), "could not start ERASEALL")
  local polls = 0
  repeat
    local busy = ap_read(ap, ERASEALLSTATUS)
    if busy == nil then error("could not read ERASEALLSTATUS") end
    polls = polls + 1
    if polls > 1000000 then error("the erase did not finish") end
  until busy & 1 == 0
  mp.log.infof("Erase done after %d status reads; resetting the chip.", polls)

  assert(ap_write(ap, RESET, 1), "could not assert the reset")
  assert(ap_write(ap, RESET, 0), "could not release the reset")
  assert(ap_write(ap, ERASEALL, 0), "could not clear ERASEALL")

  local now = ap_read(ap, APPROTECTSTATUS)
  if now == 0 then
    mp.log.error("The chip still reports read-out protection.")
    return false
  end
  mp.log.info("Unlocked: the chip is blank and can be programmed again.")
  return true
end
