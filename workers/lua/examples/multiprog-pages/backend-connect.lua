-- https://kuraga.tech/docs/MultiProg/scripts/api/backend (the page's opening example), verbatim.
local ok, err = mp.backend.connect()
if not ok then mp.log.error(err); return end
