-- https://kuraga.tech/docs/MultiProg/scripts/checksum-scripts ("Example: renesas_nec_checksum.lua"), verbatim.
-- renesas_nec_checksum.lua
-- @checksum-script
-- Calculates SUM-RL78 for Renesas RL78 (0x000-0x3FF)
-- and NEC 78K0R/78K0 (0x000-0x7FF)

local cfg = mp.config.get()
local target = cfg.target or ""
local family = cfg.family or ""

local RANGES = {
{ pattern = "RL78", start_addr = 0x0000, length = 0x400 }, -- 1 KB
{ pattern = "78K0R", start_addr = 0x0000, length = 0x800 }, -- 2 KB
{ pattern = "78K0", start_addr = 0x0000, length = 0x800 }, -- 2 KB
}

local range = nil
for _, r in ipairs(RANGES) do
if family:find(r.pattern) or target:find(r.pattern) then
range = r; break
end
end
if not range then
mp.log.warn("renesas_nec_checksum: unknown family, using default 0x400")
range = { start_addr = 0x0000, length = 0x400 }
end

local region = mp.memory.get_regions()[1]
local data = mp.memory.read_range(region, range.start_addr, range.length)
local sum = mp.checksum.sum_rl78(data)

mp.ui.set_statusbar(target .. " Block 0", string.format("0x%04X", sum))
