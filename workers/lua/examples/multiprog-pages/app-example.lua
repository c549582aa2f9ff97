-- https://kuraga.tech/docs/MultiProg/scripts/api/app ("Example"), verbatim as far as the stored
-- copy of the page goes: it breaks off in the loop after add_script_shortcut
-- ("for _, p in ipairs(mp.app.list"), which is left out.
mp.log.info(mp.app.version()) -- "2.3.0"
mp.log.info(mp.app.script_api_version()) -- "1.7.10"

local b = mp.app.build_info()
mp.log.infof("git=%s qt=%s build=%s",
b.git_hash, b.qt_version, b.build_time)

local o = mp.app.os_info()
mp.log.infof("os=%s arch=%s host=%s",
o.os, o.cpu_arch, o.hostname)

mp.log.info("scripts: " .. mp.app.scripts_dir())
mp.log.info("config: " .. mp.app.config_dir())
mp.log.info("today's log: " .. mp.app.log_path())

-- Make a custom script appear in the Script menu after restart
mp.app.add_script_shortcut("C:/scripts/my_flow.lua")
