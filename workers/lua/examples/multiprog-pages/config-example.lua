-- https://kuraga.tech/docs/MultiProg/scripts/api/config ("Examples"), verbatim as far as the
-- stored copy of the page goes: it breaks off in the last call ('mp.config.select("st'),
-- which is left out.
local cfg = mp.config.get()
mp.log.info("Target: " .. cfg.target)

-- Smart single-arg form
local ok, err = mp.config.set_target("STM32F103C8")
if not ok then mp.log.error(err) end

-- Two-arg form: explicit family for ambiguous targets
mp.config.set_target("STM32F1", "STM32F103C8")

mp.config.set_family("STM32F1")
mp.config.set_programmer("stlink")
mp.config.set_power("3v3")
mp.config.set_file("C:/firmware.hex")
mp.config.set_region_index(0)

-- Bulk
mp.config.set({target="STM32F103C8", family="STM32F1", programmer="stlink"})
