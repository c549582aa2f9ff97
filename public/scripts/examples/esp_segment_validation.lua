-- ESP segments: what the backend refuses before touching the device. Every line below must
-- come back false with a message and a code; nothing is read, erased or written.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end
local flash = mp.memory.get_region_info(0)
local finish = flash.start_address + flash.size

local cases = {
  { "read_segment", 0x1002, 0x100, "address not 4-byte aligned" },
  { "verify_segment", 0x1000, 0x102, "size not 4-byte aligned" },
  { "write_segment", 0x1800, 0x1000, "write not sector aligned" },
  { "erase_segment", 0x1000, 0x800, "erase of half a sector" },
  { "read_segment", finish - 0x100, 0x200, "past the end of the flash" },
  { "write_segment", 0x10000, 0x1000, "write without allow_hw_writes" },
}
local refused = 0
for _, case in ipairs(cases) do
  local name, addr, size, what = case[1], case[2], case[3], case[4]
  local done, message, code = mp.backend[name](addr, size)
  if done then
    mp.log.errorf("%s(0x%X, 0x%X) was accepted: %s", name, addr, size, what)
  else
    refused = refused + 1
    mp.log.infof("%s: %s -> %s", what, code, message)
  end
end
mp.log.infof("%d of %d refused", refused, #cases)
return refused == #cases
