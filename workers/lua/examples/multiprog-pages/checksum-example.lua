-- https://kuraga.tech/docs/MultiProg/scripts/api/checksum ("Multi-return convention for crc()"), verbatim.
local v = mp.checksum.crc("CRC-32", data) -- 0xCBF43926 as number
local v, hex = mp.checksum.crc("CRC-32", data) -- "0xCBF43926"
local v, hex, info = mp.checksum.crc("CRC-32", data) -- info.{width, preset, error}

local v, hex = mp.checksum.crc_region("CRC-32", "Flash") -- whole region
local v, hex = mp.checksum.crc_region("CRC-32", "Flash", 0, 256) -- slice

mp.checksum.sum8(data) -- simple sum, returns int
mp.checksum.fletcher16(data)
mp.checksum.adler32(data)
mp.checksum.list_crc_presets() -- all available CRC algorithms
