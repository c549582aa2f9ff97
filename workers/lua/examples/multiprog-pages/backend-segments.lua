-- https://kuraga.tech/docs/MultiProg/scripts/api/backend ("Per-segment operations", ESP backend), verbatim.
local ok, err = mp.backend.read_segment(0x100000, 0x1000) -- chip → buffer
mp.app.allow_hw_writes(true)
ok, err = mp.backend.write_segment(0x100000, 0x1000) -- buffer → chip
ok, err = mp.backend.verify_segment(0x100000, 0x1000) -- chip vs buffer
