-- Chip-side checksums: the chip computes a CRC-32 of every flash block itself (nothing is
-- read back over the wire), and the script dumps them with the same values computed on the
-- host over the buffer after a read, to show both sides agree. Every block also has sub-block
-- checksums: the chip's natural sub-blocks, or four equal parts when it has none.

local ok, err = mp.backend.connect()
if not ok then mp.log.error(err) return end

local blocks, err = mp.backend.read_checksums()
if not blocks then mp.log.error(err) return end

for _, b in ipairs(blocks) do
  local subs = {}
  for i, s in ipairs(b.sub_checksums) do subs[i] = string.format("%08X", s) end
  mp.log.infof("block %d at 0x%08X: %08X subs %s", b.block_n, b.address, b.base_checksum, table.concat(subs, " "))
end
mp.log.infof("%d blocks", #blocks)

-- Cross-check the first block on the host.
ok, err = mp.backend.read()
if not ok then mp.log.error(err) return end
local first = blocks[1]
local size = blocks[2] and (blocks[2].address - first.address) or mp.memory.get_region_info(0).size
local sub_size = size // #first.sub_checksums
local sub = mp.checksum.range("crc32", first.address, sub_size)
mp.log.infof("host CRC-32 of block %d's first %d-byte sub-block: %08X (%s)", first.block_n, sub_size, sub,
  sub == first.sub_checksums[1] and "matches" or "DIFFERS")
local value = mp.checksum.range("crc32", first.address, size)
mp.log.infof("host CRC-32 of block %d: %08X (%s)", first.block_n, value,
  value == first.base_checksum and "matches" or "DIFFERS")
