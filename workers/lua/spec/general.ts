/** Specification of `mp.log`, `mp.ui`, `mp.config` and `mp.app`. */
import { param, type MpFunction } from './types';

function log(level: string, formatted: boolean): MpFunction {
  const name = formatted ? `${level}f` : level;
  return formatted
    ? {
        module: 'log',
        name,
        params: [
          param('format', 'string', 'A string.format pattern.'),
          param('...', 'any', 'Values for the pattern.', true),
        ],
        returns: 'nothing',
        description: `Writes a formatted ${level} line to the log (string.format rules).`,
        example: `mp.log.${name}("block %d: %08X", 3, 0xCAFE)`,
      }
    : {
        module: 'log',
        name,
        params: [param('...', 'any', 'Values, joined with spaces (tostring).')],
        returns: 'nothing',
        description: `Writes a ${level} line to the log.`,
        example: `mp.log.${name}("connected to", "nRF52833")`,
      };
}

function app(
  name: string,
  params: MpFunction['params'],
  returns: string,
  description: string,
  example: string,
): MpFunction {
  return { module: 'app', name, params, returns, description, example };
}

function config(
  name: string,
  params: MpFunction['params'],
  description: string,
  example: string,
): MpFunction {
  const fn: MpFunction = {
    module: 'config',
    name,
    params,
    returns: 'ok: boolean, err: string',
    description,
    example,
  };
  // Choosing a programmer asks the device worker which programmers the page can reach.
  return ['set_programmer', 'set_target', 'set_family', 'select', 'set'].includes(name)
    ? { ...fn, blocking: true }
    : fn;
}

/** Every function of `mp.log`, `mp.ui`, `mp.config` and `mp.app`. */
export const GENERAL_SPEC: MpFunction[] = [
  ...['debug', 'info', 'warn', 'error'].flatMap((level) => [log(level, false), log(level, true)]),
  {
    module: 'log',
    name: 'success',
    params: [param('...', 'any', 'Values, joined with spaces (tostring).')],
    returns: 'nothing',
    description: 'Writes a success line to the log (shown green).',
    example: 'mp.log.success("programmed and verified")',
  },
  {
    module: 'log',
    name: 'notify',
    params: [param('...', 'any', 'Values, joined with spaces (tostring).')],
    returns: 'nothing',
    description: 'Writes a notification line to the log: like warn, but shown prominently.',
    example: 'mp.log.notify("insert the next board")',
  },
  {
    module: 'ui',
    name: 'set_statusbar',
    params: [
      param('label', 'string', 'Short label.'),
      param('value', 'any', 'Value shown beside it (tostring).'),
    ],
    returns: 'nothing',
    description: 'Shows a label and value in the status bar while the script runs.',
    example: 'mp.ui.set_statusbar("Serial", "0042")',
  },
  {
    module: 'ui',
    name: 'reset_statusbar',
    params: [],
    returns: 'nothing',
    description: 'Removes what set_statusbar showed.',
    example: 'mp.ui.reset_statusbar()',
  },
  {
    module: 'config',
    name: 'get',
    params: [],
    returns: 'config: {target, family, programmer, power, file_path, region_index, device_id}',
    description:
      'The current selection: target chip, family, programmer ("cmsis-dap", "esp", "ra" or "rl78"), power ("3v3", "5v", "off" or ""), file path, selected region (0-based) and WebProg\'s device id of the programmer. Starts as the page passes it (in the app: the connected chip with its family, the device\'s programmer kind and the file shown; on the command line: the device\'s programmer kind); the setters change it for the run.',
    example: 'local c = mp.config.get()\nmp.log.info(c.target, c.family, c.programmer)',
  },
  config(
    'set_target',
    [
      param(
        'family',
        'string',
        'Family, e.g. "nRF52", "RL78/G13", "RA4" (when two arguments are given).',
        true,
      ),
      param(
        'name',
        'string',
        'Target: its name ("nRF52833", "R5F100LE", "RA4M1"), a part number ("STM32F103C8", "R7FA4M1AB3CFM") or WebProg id ("nrf52833"), ignoring case.',
      ),
    ],
    'Selects a target of WebProg\'s catalogue (nRF51822, nRF52833, nRF52840, STM32F103, STM32F411, STM32G071, ATSAMD21G18A; RL78/G13 R5F100LE, R5F100LG, R5F100GJ and RL78/G14 R5F104LE, R5F104LG; RA4M1, RA4M2): sets target and family, gives the buffer the target\'s regions (data that fits is kept) and, as MultiProg\'s smart form does, switches to the programmer that drives it ("cmsis-dap", "rl78" or "ra") when the selected one does not, choosing a device of that kind the page can reach. Unknown → false, "Target not found: …" (MultiProg\'s words) with the known names.',
    'local ok, err = mp.config.set_target("nRF52", "nRF52833")',
  ),
  config(
    'set_family',
    [
      param(
        'family',
        'string',
        'A family of the catalogue: "nRF51", "nRF52", "STM32F1", "STM32F4", "STM32G0", "SAMD21", "RL78/G13", "RL78/G14", "RA4".',
      ),
    ],
    'Selects a family (the target is cleared when it belongs to another one) and, as MultiProg does, switches to the programmer that drives the family when the selected one does not.',
    'local ok, err = mp.config.set_family("nRF52")',
  ),
  config(
    'set_programmer',
    [
      param(
        'programmer',
        'string',
        '"esp" (ESP boards over Web Serial), "cmsis-dap" or "daplink" (CMSIS-DAP probes over WebUSB), "ra" (Renesas RA in boot mode), "rl78" or MultiProg\'s "usb-uart" (an RL78 on a USB-UART); "stlink", "usbdm" and "tgsn" give false, "Not Supported: …".',
      ),
    ],
    'Selects the kind of programmer; the backend calls then use a programmer of that kind the page can reach (the current one when it fits).',
    'local ok, err = mp.config.set_programmer("daplink")',
  ),
  config(
    'set_power',
    [param('power', 'string', '"3v3", "5v" or "off".')],
    'Records the target power setting in the selection (the programmers WebProg drives cannot switch power: mp.backend.set_power answers Not Supported).',
    'local ok, err = mp.config.set_power("3v3")',
  ),
  config(
    'set_file',
    [param('path', 'string', "A file path; matched by base name among the run's files.")],
    'Selects the file of the selection (file_path); false when the run has no such file.',
    'local ok, err = mp.config.set_file("C:/fw/app.hex")',
  ),
  config(
    'set_region_index',
    [param('index', 'integer', '0-based region index.')],
    "Selects the buffer's active region (as mp.memory.select_region); false when out of range.",
    'local ok, err = mp.config.set_region_index(0)',
  ),
  config(
    'select',
    [
      param('programmer', 'string', 'As set_programmer.'),
      param('family', 'string', 'As set_target.'),
      param('target', 'string', 'As set_target.'),
    ],
    'set_programmer then set_target(family, target); stops at the first failure, and fails when the programmer does not drive the target (e.g. "cmsis-dap" for an RL78).',
    'local ok, err = mp.config.select("cmsis-dap", "nRF52", "nRF52833")',
  ),
  config(
    'set',
    [param('opts', 'table', 'Any of programmer, family, target, power, file_path (or file), region_index.')],
    'Applies several settings in that order after checking the whole table first (as MultiProg does): an unknown key, an unknown or unsupported value, a programmer that does not drive the target or a region index the target does not have gives false and changes nothing.',
    'local ok, err = mp.config.set({ programmer = "daplink", target = "nRF52833", region_index = 0 })',
  ),
  {
    module: 'app',
    name: 'args',
    params: [],
    returns: 'args: string[]',
    description:
      "The run's parameters: on the command line, the words after `--` (webprog run script.lua -- 0042 batch7); empty in the app.",
    example: 'local serial = mp.app.args()[1] or "0000"',
  },
  {
    module: 'app',
    name: 'allow_hw_writes',
    params: [param('allow', 'boolean', 'true to allow erasing and programming.')],
    returns: 'nothing',
    description:
      'Allows (or forbids again) backend calls that erase or program the chip. Off at the start of every run: such calls fail with WRITES_NOT_ALLOWED until allowed. In the app, "Allow writes to the device" in the script panel starts a run with it on after one confirmation naming the device, so MultiProg scripts that never call it run unchanged.',
    example: 'mp.app.allow_hw_writes(true)',
  },
  {
    module: 'app',
    name: 'hw_writes_allowed',
    params: [],
    returns: 'allowed: boolean',
    description: 'True when allow_hw_writes(true) is in force.',
    example: 'if not mp.app.hw_writes_allowed() then return end',
  },
  {
    module: 'app',
    name: 'confirm',
    params: [param('message', 'string', 'The question.')],
    returns: 'yes: boolean',
    description: 'Asks the person to confirm (OK / Cancel) and waits for the answer.',
    example: 'if not mp.app.confirm("Erase the chip?") then return end',
    blocking: true,
  },
  {
    module: 'app',
    name: 'sleep',
    params: [param('ms', 'integer', 'Milliseconds to wait.')],
    returns: 'nothing',
    description: 'Waits without freezing the page (Stop ends the wait).',
    example: 'mp.app.sleep(500)',
    blocking: true,
  },
  {
    module: 'app',
    name: 'version',
    params: [],
    returns: 'version: string',
    description: "WebProg's version.",
    example: 'mp.log.info(mp.app.version())',
  },
  {
    module: 'app',
    name: 'script_api_version',
    params: [],
    returns: 'version: string',
    description: 'Version of this scripting API.',
    example: 'mp.log.info(mp.app.script_api_version())',
  },
  app(
    'build_info',
    [],
    'info: {version, script_api_version, script_api, lua, platform, compiler, git_hash, build_time, qt_version}',
    'What this build is: app version, scripting API version (also as MultiProg\'s script_api), the Lua runtime, platform "web" and the compiler. MultiProg\'s git_hash and build_time are "" (not recorded in the build) and qt_version is "" (WebProg is not a Qt program).',
    'local b = mp.app.build_info()\nmp.log.info(b.version, b.lua)',
  ),
  app(
    'os_info',
    [],
    'info: {os, os_version, kernel, kernel_version, cpu_arch, hostname, name, ...}',
    'Where the script runs, with MultiProg\'s fields: os (the browser\'s platform, or Node\'s "linux", "win32"…), cpu_arch (Node\'s; "" in a browser), and os_version, kernel, kernel_version, hostname "" (a web page cannot see them). Besides: in a browser {name = "browser", user_agent, platform, language, cores}; under the command line (Node) {name = "node", version, platform, arch, cores}.',
    'local os = mp.app.os_info()\nmp.log.info(os.name, os.platform)',
  ),
  app(
    'log_path',
    [],
    'path: string | nil, err: string',
    'Today\'s log, as MultiProg keeps one a day. With a workspace folder granted in the script panel (on the command line: the current folder) WebProg keeps it there as webprog-YYYY-MM-DD.log (local date; once a day\'s file reaches 8 MiB the next run continues in webprog-YYYY-MM-DD-2.log, -3…): every run appends its log lines (mp.log.*, print, and the error a run ends with) as "YYYY-MM-DD HH:MM:SS [level] text" after a "[run] script.lua" line, at most 4 MiB of text a run. This is the file\'s path in the folder ("<folder>/webprog-2026-12-07.log"); the lines reach the file before each mp.file call and when the run ends, so mp.file.read_text(mp.app.log_path()) sees them. Granting a workspace is the choice: without one no log file is written and this is nil, "Not Supported: …" (log_tail still gives the lines).',
    'local p, err = mp.app.log_path()\nif p then mp.log.info("today\'s log: " .. p) end',
  ),
  app(
    'log_tail',
    [
      param(
        'n',
        'integer',
        'How many lines (default 50; the run keeps its last 200, each cut at 1024 characters).',
        true,
      ),
    ],
    'text: string',
    'The run\'s own last log lines, oldest first, one per line as "[level] text" (today\'s log file, mp.app.log_path, has the earlier runs too).',
    'mp.log.info("started")\nlocal tail = mp.app.log_tail(10)',
  ),
  app(
    'list_script_shortcuts',
    [],
    'shortcuts: {name, path}[]',
    "The page's saved-script shortcuts as the run started with them (empty when the page passes none), with this run's changes.",
    'for _, s in ipairs(mp.app.list_script_shortcuts()) do mp.log.info(s.name, s.path) end',
  ),
  app(
    'add_script_shortcut',
    [
      param('path', 'string', 'The script (its name in the script list, or a path).'),
      param('name', 'string', 'Name shown (default: the file name without .lua).', true),
    ],
    'ok: boolean, err: string',
    "Adds a saved-script shortcut to the run's list; the run hands the list back for the page to keep. False when the name is taken.",
    'local ok, err = mp.app.add_script_shortcut("C:/scripts/flash_all.lua", "Flash all")',
  ),
  app(
    'remove_script_shortcut',
    [param('name', 'string', "The shortcut's name or path.")],
    'ok: boolean, err: string',
    "Removes a saved-script shortcut from the run's list; false when there is none of that name.",
    'mp.app.remove_script_shortcut("Flash all")',
  ),
  app(
    'get_env',
    [param('name', 'string', 'Variable name.', true)],
    'value: nil, err: string',
    'A web page has no environment variables: always nil, "Not Supported: …".',
    'local v, err = mp.app.get_env("PATH")',
  ),
  app(
    'cleanup_ipc_dir',
    [],
    'ok: boolean, err: string',
    'MultiProg cleans its AI-agent IPC folder; WebProg has none, so there is nothing to clean: true, "".',
    'mp.app.cleanup_ipc_dir()',
  ),
  app(
    'exe_dir',
    [],
    'path: nil, err: string',
    'MultiProg gives the program\'s folder; a web page cannot see the computer\'s folders, so this is always nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.exe_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'exe_path',
    [],
    'path: nil, err: string',
    'MultiProg gives the program\'s path; a web page cannot see the computer\'s folders, so this is always nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.exe_path()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'config_dir',
    [],
    'path: string | nil, err: string',
    'MultiProg gives the configuration folder (WebProg\'s own settings live in the browser storage). A web page sees only the workspace folder the person granted in the script panel (on the command line: the current folder): this gives it, and paths in it ("<dir>/settings.ini") name its files. Without one: nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.config_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'scripts_dir',
    [],
    'path: string | nil, err: string',
    'MultiProg gives the scripts folder. A web page sees only the workspace folder the person granted in the script panel (on the command line: the current folder): this gives it, and paths in it ("<dir>/log.csv") name its files. Without one: nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.scripts_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'temp_dir',
    [],
    'path: nil, err: string',
    'MultiProg gives the temporary folder; a web page cannot see the computer\'s folders, so this is always nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.temp_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'home_dir',
    [],
    'path: string | nil, err: string',
    'MultiProg gives the home folder. A web page sees only the workspace folder the person granted in the script panel (on the command line: the current folder): this gives it, and paths in it ("<dir>/log.csv") name its files. Without one: nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.home_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'desktop_dir',
    [],
    'path: string | nil, err: string',
    'MultiProg gives the desktop folder. A web page sees only the workspace folder the person granted in the script panel (on the command line: the current folder): this gives it, and paths in it ("<dir>/log.csv") name its files. Without one: nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.desktop_dir()\nif not dir then mp.log.warn(err) end',
  ),
  app(
    'documents_dir',
    [],
    'path: string | nil, err: string',
    'MultiProg gives the documents folder. A web page sees only the workspace folder the person granted in the script panel (on the command line: the current folder): this gives it, and paths in it ("<dir>/log.csv") name its files. Without one: nil, "Not Supported: …" with the reason.',
    'local dir, err = mp.app.documents_dir()\nif not dir then mp.log.warn(err) end',
  ),
];
