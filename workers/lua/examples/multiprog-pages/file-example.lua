-- https://kuraga.tech/docs/MultiProg/scripts/api/file ("Example"), verbatim.
-- Parses HEX/S19/BIN AND populates the buffer at the matched addresses.
local data, err = mp.file.load("C:/fw.hex")
if err and err ~= "" then mp.log.error(err); return end
mp.log.info("blocks=" .. data.block_count)

-- Save to S19
mp.file.save("C:/out.s19", data.blocks)

-- Text helpers
mp.file.write_text("C:/log.csv", "serial,result\n")
mp.file.append_text("C:/log.csv", "SN001,OK\n")

-- List Lua scripts in a directory
for _, name in ipairs(mp.file.list_dir("C:/scripts", "*.lua")) do
mp.log.info(name)
end
