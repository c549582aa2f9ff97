/**
 * `webprog run <script.lua> [--allow-writes] [--yes] [-- args]`: the same `mp.*` as the app's
 * script panel, in the same Lua service. The current folder is the script's workspace: its
 * files can be opened by name (`mp.file.load("fw.hex")`), and files the script saves are
 * written there. `mp.app.args()` gives the words after `--`.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { WebProgError } from '../../src/core/errors';
import { MemoryImage } from '../../src/core/memory/memory-image';
import { APP_VERSION } from '../../src/core/version';
import { imageToDto } from '../../workers/device/image-dto';
import type { ScriptFile } from '../../workers/lua/api';
import { createLuaService } from '../../workers/lua/service';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ExitCode, exitCodeFor } from '../exit-codes';
import { chosenDevices } from '../select-device';

/** Files of the working folder handed to a run: each at most this big… */
const MAX_FILE = 16 * 1024 * 1024;
/** …and all of them together at most this much. */
const MAX_TOTAL = 256 * 1024 * 1024;

/** The regular files of `folder` (not recursive), within the size limits. */
async function workspaceFiles(folder: string): Promise<ScriptFile[]> {
  const files: ScriptFile[] = [];
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(folder, entry.name);
    const { size } = await stat(path);
    if (size > MAX_FILE || total + size > MAX_TOTAL) continue;
    total += size;
    files.push({ name: entry.name, bytes: new Uint8Array(await readFile(path)) });
  }
  return files;
}

/** Runs a Lua script. */
export async function run(ctx: CommandContext): Promise<number> {
  const scriptPath = ctx.args[0];
  if (!scriptPath) throw new CliError('USAGE', 'Name the script, e.g. webprog run production.lua -- 0042');
  let code: string;
  try {
    code = await readFile(resolve(ctx.cwd, scriptPath), 'utf8');
  } catch (error) {
    throw new WebProgError('FS_FILE_NOT_FOUND', `Cannot read ${scriptPath}: ${(error as Error).message}`);
  }
  const devices = await chosenDevices(ctx.host, ctx.options);
  if (devices.length > 1 && (ctx.options.probes.length > 0 || ctx.options.port)) {
    throw new CliError('USAGE', 'A script drives one programmer: name one with --probe or --port.');
  }
  if (devices.length > 1) {
    ctx.reporter.warn(`Several devices are present; the script uses ${devices[0].id} (choose with --probe).`);
  }
  const device = devices[0];
  const lua = createLuaService({ version: APP_VERSION, device: ctx.host.device });
  const ask = async (message: string): Promise<boolean> => {
    if (ctx.options.yes) return true;
    if (!process.stdin.isTTY) {
      ctx.reporter.warn(`The script asked "${message}"; answered no (pass --yes to answer yes).`);
      return false;
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${message} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
  let writes: Promise<void> = Promise.resolve();
  const result = await lua.run(
    code,
    {
      chunkName: basename(scriptPath),
      image: imageToDto(new MemoryImage([])),
      files: await workspaceFiles(ctx.cwd),
      deviceId: device?.id,
      allowHwWrites: ctx.options.allowWrites,
      config: device ? { programmer: device.type } : {},
      args: ctx.scriptArgs,
      workspace: resolve(ctx.cwd),
    },
    {
      onLog: (level, text) => {
        if (level === 'warn') ctx.reporter.warn(text);
        else ctx.reporter.info(level === 'error' ? `error: ${text}` : text, { level, script: true });
      },
      onStatus: (status) => {
        if (status) ctx.reporter.info(`${status.label}: ${status.value}`, { status });
      },
      confirm: ask,
      onFileSaved: (file) => {
        const name = basename(file.name);
        // One write at a time, in the order saved: a later version of a file (append_text,
        // today's log) must not be overtaken by an earlier one.
        writes = writes.then(() =>
          writeFile(resolve(ctx.cwd, name), file.bytes).then(() =>
            ctx.reporter.info(`Saved ${name} (${file.bytes.length} bytes).`, { saved: name }),
          ),
        );
      },
      onProgress: (event) => ctx.reporter.progress(event, device?.id),
    },
  );
  await writes;
  if (device) await ctx.host.device.disconnectDevice(device.id).catch(() => undefined);
  if (!result.ok && result.error) {
    ctx.reporter.error(result.error);
    return exitCodeFor(result.error.code);
  }
  ctx.reporter.result(`${basename(scriptPath)} finished.`, {
    command: 'run',
    script: basename(scriptPath),
    ok: true,
    returns: result.returns,
  });
  return ExitCode.done;
}
