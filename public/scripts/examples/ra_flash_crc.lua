-- Renesas RA in boot mode (Arduino Uno R4 Minima / WiFi: double-tap reset; EK-RA boards: MD
-- jumper): connects, shows the chip and the areas its boot firmware reports, flashes a test
-- pattern into the code flash verified by the chip's own CRC-32 (blocks that already hold the
-- pattern are skipped), and dumps the chip-side checksums of the first blocks (a block is one
-- erase unit, its sub-blocks are the chip's CRC units).
-- A chip locked by an ID code needs it before connecting:
--   mp.backend.set_id_code("00112233445566778899AABBCCDDEEFF")

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return false end

local info = mp.backend.get_target_info()
mp.log.infof("Chip: %s", info.name)
for _, line in ipairs(info.additional) do mp.log.info(line) end

for i = 0, mp.memory.region_count() - 1 do
  local r = mp.memory.get_region_info(i)
  mp.log.infof("Region %s: 0x%08X..0x%08X, %d KiB, %d-byte blocks", r.name, r.start_address,
    r.end_address, r.size // 1024, r.erase_size)
end

-- 8 KiB of test pattern at the start of the code flash.
local code = mp.memory.get_region_info("Code Flash")
for at = 0, 0x2000 - 4, 4 do
  mp.memory.write_u32_at(code.start_address + at, (at * 0x01000193 + 0x5A5A) & 0xFFFFFFFF)
end

mp.app.allow_hw_writes(true)
ok, err = mp.backend.flash()
if not ok then mp.log.error(err) return false end
mp.log.info("flash: written and verified by the chip's CRC-32")

local blocks, err2 = mp.backend.read_checksums()
if not blocks then mp.log.error(err2) return false end
for i = 1, math.min(6, #blocks) do
  local b = blocks[i]
  local subs = {}
  for k, s in ipairs(b.sub_checksums) do subs[k] = string.format("%08X", s) end
  mp.log.infof("block %d at 0x%08X: %08X subs %s", b.block_n, b.address, b.base_checksum, table.concat(subs, " "))
end
mp.log.infof("%d blocks", #blocks)

-- The host's CRC-32 of the first block of the buffer equals the chip's.
local host = mp.checksum.range("crc32", code.start_address, code.erase_size)
mp.log.infof("host CRC-32 of block 0: %08X (%s)", host, host == blocks[1].base_checksum and "matches" or "DIFFERS")
return host == blocks[1].base_checksum
