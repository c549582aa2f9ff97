/** Specification of `mp.backend.*`: the device operations of the selected programmer. */
import { OK_ERR, param, type MpFunction } from './types';

const TIMEOUT = param(
  'ms',
  'integer',
  'Time limit in milliseconds (1 to 86 400 000, one day); the operation is cancelled when it runs over.',
);
const ADDR = param('addr', 'integer', 'Absolute start address (not a region offset).');
const SIZE = param('size', 'integer', 'Number of bytes.');
const FAILS =
  'On success returns true, "" (MultiProg\'s ok, err); on failure false, the message and the error code (e.g. "NOT_CONNECTED").';

function op(
  name: string,
  description: string,
  example: string,
  params = [] as MpFunction['params'],
): MpFunction {
  return {
    module: 'backend',
    name,
    params,
    returns: OK_ERR,
    description: `${description} ${FAILS}`,
    example,
    blocking: true,
  };
}

function timed(base: string, what: string): MpFunction {
  return op(
    `${base}_timeout`,
    `${what} with an explicit time limit.`,
    `local ok, err = mp.backend.${base}_timeout(5000)`,
    [TIMEOUT],
  );
}

function power(name: string, what: string, example: string, params = [] as MpFunction['params']): MpFunction {
  return {
    module: 'backend',
    name,
    params,
    returns: OK_ERR,
    description: `${what} Programmers without power control return false, "Not Supported: …".`,
    example,
    blocking: true,
  };
}

/** Every `mp.backend` function. */
export const BACKEND_SPEC: MpFunction[] = [
  op(
    'connect',
    "Connects to the target of the selected programmer and identifies the chip; the buffer takes the chip's regions.",
    'local ok, err = mp.backend.connect()\nif not ok then mp.log.error(err) return end',
  ),
  op('read', 'Reads every flash region of the chip into the buffer.', 'local ok, err = mp.backend.read()'),
  op(
    'write',
    'Writes the buffer to the chip after a blank check of the blocks it touches (no erase). Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nlocal ok, err = mp.backend.write()',
  ),
  op(
    'verify',
    'Compares the chip with the buffer; err names the first difference.',
    'local ok, err = mp.backend.verify()',
  ),
  op(
    'erase',
    'Erases the chip (mass erase where the chip has one; the page asks the person to confirm). Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nlocal ok, err = mp.backend.erase()',
  ),
  op(
    'flash',
    'Full cycle: connect, erase, write, verify (blocks that already hold the right data are skipped). Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nassert(mp.backend.flash())',
  ),
  timed('connect', 'connect()'),
  timed('read', 'read()'),
  timed('write', 'write()'),
  timed('verify', 'verify()'),
  timed('erase', 'erase()'),
  timed('flash', 'flash()'),
  op(
    'write_no_blank',
    'Writes the buffer without the blank check. NOR flash only clears bits (1→0): a bit that should go back to 1 stays 0, which a later verify() shows. Needs mp.app.allow_hw_writes(true).',
    'mp.memory.write_at("Code Flash", 0x400, {0x00})\nlocal ok, err = mp.backend.write_no_blank()',
  ),
  op(
    'blank_check',
    'Checks that every block reads as erased; when not, ok is false and err begins "Block N not blanked" (N counted from 0 over the flash blocks), followed by the region, address and first non-blank byte.',
    'local blank, err = mp.backend.blank_check()',
  ),
  op(
    'erase_blocks',
    'Erases block by block, never a mass erase, so nothing outside the regions is touched. Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nassert(mp.backend.erase_blocks())',
  ),
  {
    module: 'backend',
    name: 'read_checksums',
    params: [],
    returns: 'blocks: {block_n, address, base_checksum, sub_checksums[]}[]? , err: string?, code: string?',
    description:
      "Checksums computed by the chip (or probe) for every block and sub-block, without reading the data back (CRC-32 on CMSIS-DAP, the first 32 bits of MD5 on ESP). sub_checksums is never empty: the chip's natural sub-blocks (write units, when a block has at most 64), else four equal parts of the block. Arrays are 1-based. On failure returns nil, the message and the code.",
    example:
      'local blocks, err = mp.backend.read_checksums()\nfor _, b in ipairs(blocks) do\n  mp.log.infof("block %d %08X", b.block_n, b.base_checksum)\nend',
    blocking: true,
  },
  op(
    'read_segment',
    'Reads one absolute range of the chip into the buffer.',
    'local ok, err = mp.backend.read_segment(0x1000, 0x400)',
    [ADDR, SIZE],
  ),
  op(
    'verify_segment',
    'Compares one absolute range of the chip with the buffer.',
    'local ok, err = mp.backend.verify_segment(0x1000, 0x400)',
    [ADDR, SIZE],
  ),
  op(
    'write_segment',
    'Writes one absolute range of the buffer to the chip (aligned as the chip requires). Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nlocal ok, err = mp.backend.write_segment(0x1000, 0x400)',
    [ADDR, SIZE],
  ),
  op(
    'erase_segment',
    'Erases the blocks covering one absolute range; the page asks the person to confirm. Needs mp.app.allow_hw_writes(true).',
    'mp.app.allow_hw_writes(true)\nlocal ok, err = mp.backend.erase_segment(0x1000, 0x1000)',
    [ADDR, SIZE],
  ),
  {
    module: 'backend',
    name: 'is_connected',
    params: [],
    returns: 'connected: boolean',
    description: 'True while the selected programmer has a connected target.',
    example: 'if not mp.backend.is_connected() then assert(mp.backend.connect()) end',
    blocking: true,
  },
  {
    module: 'backend',
    name: 'get_target_info',
    params: [],
    returns: 'info: {name, additional[]}?, err: string?, code: string?',
    description:
      'The connected chip: its name and more lines (flash size, ids). nil, err when not connected.',
    example: 'local t = mp.backend.get_target_info()\nmp.log.info(t.name)',
    blocking: true,
  },
  {
    module: 'backend',
    name: 'get_programmer_info',
    params: [],
    returns: 'info: {name, serial, connected, type}?, err: string?, code: string?',
    description: 'The selected programmer.',
    example: 'local p = mp.backend.get_programmer_info()\nmp.log.info(p.name .. " " .. p.serial)',
    blocking: true,
  },
  {
    module: 'backend',
    name: 'get_programmers',
    params: [],
    returns: 'programmers: {id, name, serial, connected, type, simulated}[]',
    description: 'Every programmer the page may use (serial may be empty).',
    example: 'for _, p in ipairs(mp.backend.get_programmers()) do mp.log.info(p.name) end',
    blocking: true,
  },
  {
    module: 'backend',
    name: 'get_progress',
    params: [],
    returns: 'progress: {progress, speed, title, msg}',
    description:
      'The last progress report of a backend operation of this script: percent done, speed in bytes/s, operation and state.',
    example: 'local p = mp.backend.get_progress()\nmp.log.infof("%s %.0f%%", p.title, p.progress)',
  },
  power('power_on', 'Sets target power to 3.3 V.', 'mp.backend.power_on()'),
  power('power_on_5v', 'Sets target power to 5 V.', 'mp.backend.power_on_5v()'),
  power('power_off', 'Switches target power off.', 'mp.backend.power_off()'),
  power('power_toggle', 'Toggles target power.', 'mp.backend.power_toggle()'),
  power('set_power', 'Sets target power: "3v3", "5v" or "off".', 'mp.backend.set_power("3v3")', [
    param('v', 'string', '"3v3", "5v" or "off".'),
  ]),
  {
    module: 'backend',
    name: 'set_id_code',
    params: [param('code', 'string', 'The 16-byte ID code as 32 hex digits; nil forgets it.', true)],
    returns: 'nothing',
    description:
      'Renesas RA boot mode: the ID code the next connect authenticates with (chips locked by an ID code refuse flash commands without it). A wrong code makes connect fail with DEVICE_LOCKED; it is never retried, because the chip counts failed attempts. Raises INVALID_ARGUMENT when the code is not 32 hex digits.',
    example: 'mp.backend.set_id_code("00112233445566778899AABBCCDDEEFF")\nassert(mp.backend.connect())',
  },
];
