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
    returns: 'config: {target, family, programmer, device_id, ...}',
    description: "The app's current selection (target chip, family, programmer).",
    example: 'local c = mp.config.get()\nmp.log.info(c.target)',
  },
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
      'Allows (or forbids again) backend calls that erase or program the chip. Off at the start of every run: such calls fail with WRITES_NOT_ALLOWED until allowed.',
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
];
