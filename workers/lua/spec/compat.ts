/**
 * Which `mp.*` functions carry MultiProg's documented name and form (kuraga.tech/docs/MultiProg/
 * scripts/api/*, summarised in the team's multiprog-parity reference), which are WebProg's own,
 * and which MultiProg functions a browser cannot do. The docs page shows the mark of each.
 */
import type { MpCompat, MpFunction } from './types';

/** MultiProg's documented functions by module (names as its API pages list them). */
const MULTIPROG: Record<string, readonly string[]> = {
  backend: [
    'connect',
    'read',
    'write',
    'verify',
    'erase',
    'flash',
    'connect_timeout',
    'read_timeout',
    'write_timeout',
    'write_no_blank',
    'blank_check',
    'erase_blocks',
    'read_checksums',
    'read_segment',
    'verify_segment',
    'write_segment',
    'erase_segment',
    'is_connected',
    'get_target_info',
    'get_programmer_info',
    'get_programmers',
    'get_progress',
    'power_on',
    'power_on_5v',
    'power_off',
    'power_toggle',
    'set_power',
  ],
  memory: [
    'get_regions',
    'current_region',
    'region_count',
    'select_region',
    'select_region_by_name',
    'get_region_info',
    'region_size',
    'set_writable',
    'set_writable_all',
    'is_writable',
    'read_byte',
    'read_range',
    'read_bytes',
    'read_hex',
    'read_string',
    'read_string_until_null',
    'get_region_data',
    'get_all_data',
    'read_at',
    'read_byte_at',
    'write_at',
    'save_file',
  ],
  file: [
    'load',
    'load_bin',
    'save',
    'save_bin',
    'read_text',
    'write_text',
    'append_text',
    'exists',
    'size',
    'extension',
    'basename',
    'dirname',
    'list_dir',
    'detect_format',
  ],
  checksum: [
    'list_crc_presets',
    'crc',
    'crc_custom',
    'crc_region',
    'sum8',
    'sum16',
    'sum16_inv',
    'sum_rl78',
    'fletcher16',
    'fletcher32',
    'adler32',
    'lrc',
    'bcc',
    'list_builtins',
  ],
  log: ['info', 'error', 'success', 'warn', 'notify', 'debug', 'infof', 'errorf'],
  app: [
    'version',
    'script_api_version',
    'allow_hw_writes',
    'build_info',
    'os_info',
    'exe_dir',
    'exe_path',
    'config_dir',
    'scripts_dir',
    'temp_dir',
    'home_dir',
    'desktop_dir',
    'documents_dir',
    'get_env',
    'args',
    'log_path',
    'log_tail',
    'add_script_shortcut',
    'remove_script_shortcut',
    'list_script_shortcuts',
    'cleanup_ipc_dir',
  ],
  config: [
    'get',
    'set_target',
    'set_family',
    'set_programmer',
    'set_power',
    'set_file',
    'set_region_index',
    'select',
    'set',
  ],
  ui: ['set_statusbar', 'reset_statusbar'],
};

const NO_FOLDERS =
  'A web page has no program or temporary folder it may see: the answer is nil, "Not Supported: …".';

/** MultiProg functions a browser cannot do, with the reason the docs page gives. */
const NOT_IN_BROWSER: Record<string, string> = {
  'app.exe_dir': NO_FOLDERS,
  'app.exe_path': NO_FOLDERS,
  'app.temp_dir': NO_FOLDERS,
  'app.get_env': 'A web page has no process environment: the answer is nil, "Not Supported: …".',
};

/** The mark of `fn`. */
export function compatOf(fn: Pick<MpFunction, 'module' | 'name'>): MpCompat {
  const key = `${fn.module}.${fn.name}`;
  const reason = NOT_IN_BROWSER[key];
  if (reason) return { kind: 'not-in-browser', reason };
  return MULTIPROG[fn.module]?.includes(fn.name) ? { kind: 'multiprog' } : { kind: 'webprog' };
}

/** `fns` with their compatibility marks filled in (an explicit mark wins). */
export function withCompat(fns: readonly MpFunction[]): MpFunction[] {
  return fns.map((fn) => ({ ...fn, compat: fn.compat ?? compatOf(fn) }));
}
