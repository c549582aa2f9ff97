-- https://kuraga.tech/docs/MultiProg/scripts/api/memory (the page's opening example), verbatim.
-- Flash region starts at 0x4000. Read 4 bytes at MCU address 0xF650:
local bytes = mp.memory.read_at("Flash", 0xF650, 4)
-- internally reads buffer offset: 0xF650 - 0x4000 = 0xB650
