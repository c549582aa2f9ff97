/**
 * `webprog`: the WebProg engine on the command line, for production lines, test rigs and
 * programs that drive it. Parses the command line, builds the engine (real devices or
 * `--sim` boards), runs one command and returns its exit code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { toWebProgError } from '../src/core/errors';
import type { UserTarget } from '../src/core/user-targets';
import { APP_VERSION } from '../src/core/version';
import type { SimulatedDeviceKind, SimulatedFault } from '../workers/device/api';
import { CliError } from './cli-error';
import { classroom } from './commands/classroom';
import { blankCheck, checksums, erase, flash, info, read, verify } from './commands/device-commands';
import { list } from './commands/list';
import type { CliOptions, CommandContext } from './context';
import { ExitCode, exitCodeFor } from './exit-codes';
import { COMMAND_HELP, USAGE } from './help';
import { createHost, SIM_BOARDS } from './host';
import { usbAdvice } from './node-usb';
import { HumanReporter, JsonReporter, type Output, type Reporter } from './reporter';

const COMMANDS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  list,
  info,
  flash,
  verify,
  read,
  erase,
  'blank-check': blankCheck,
  checksums,
  // The Lua runtime (wasmoon, a large CommonJS module) loads only for `run`.
  run: (ctx) => import('./commands/run').then((m) => m.run(ctx)),
  classroom,
};

/** Where `main` reads and writes. */
export interface MainEnvironment {
  stdout: Output;
  stderr: Output;
  cwd: string;
}

/** An address or size: decimal or 0x-hex. */
function number(text: string, what: string): number {
  const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new CliError('USAGE', `${what} must be a number (decimal or 0x…), not "${text}".`);
  }
  return value;
}

function parse(argv: string[]) {
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? argv : argv.slice(0, dashes);
  const scriptArgs = dashes < 0 ? [] : argv.slice(dashes + 1);
  try {
    const { values, positionals } = parseArgs({
      args: own,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        sim: { type: 'string', multiple: true },
        'sim-latency': { type: 'string' },
        'sim-fault': { type: 'string' },
        probe: { type: 'string', multiple: true },
        port: { type: 'string' },
        base: { type: 'string' },
        verify: { type: 'boolean' },
        erase: { type: 'string' },
        'no-skip': { type: 'boolean' },
        region: { type: 'string' },
        range: { type: 'string' },
        'allow-writes': { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        all: { type: 'boolean' },
        csv: { type: 'string' },
        chip: { type: 'string' },
        target: { type: 'string' },
      },
    });
    return { values, positionals, scriptArgs };
  } catch (error) {
    throw new CliError('USAGE', (error as Error).message);
  }
}

function options(values: ReturnType<typeof parse>['values']): CliOptions {
  const erase = values.erase;
  if (erase !== undefined && erase !== 'chip' && erase !== 'blocks') {
    throw new CliError('USAGE', `--erase takes "chip" or "blocks", not "${erase}".`);
  }
  let range: CliOptions['range'];
  if (values.range !== undefined) {
    const [address, size] = values.range.split(':');
    if (size === undefined) throw new CliError('USAGE', '--range takes <address>:<size>, e.g. 0x0:0x1000.');
    range = { address: number(address, 'The range address'), size: number(size, 'The range size') };
  }
  return {
    json: values.json ?? false,
    probes: values.probe ?? [],
    port: values.port,
    base: values.base === undefined ? undefined : number(values.base, '--base'),
    verify: values.verify ?? false,
    erase,
    skip: !(values['no-skip'] ?? false),
    region: values.region,
    range,
    allowWrites: values['allow-writes'] ?? false,
    yes: values.yes ?? false,
    all: values.all ?? false,
    csv: values.csv,
    chip: values.chip,
  };
}

/**
 * Reads `--target`: a device script, a CMSIS `.FLM`, a CMSIS-Pack (`--chip` picks its device) or
 * a probe-rs target description (`--chip` picks its variant).
 */
async function loadTargetFile(file: string, cwd: string, chip: string | undefined): Promise<UserTarget> {
  const full = path.resolve(cwd, file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(full));
  } catch (error) {
    throw new CliError('USAGE', `--target: cannot read ${file} (${(error as Error).message}).`);
  }
  const name = path.basename(full);
  // The parsers of target files (yaml, fast-xml-parser, fflate) load only when one is read.
  const { loadUserTarget, targetKindOf } = await import('../src/core/user-targets/user-target');
  const kind = targetKindOf(name, bytes);
  return loadUserTarget(name, bytes, kind === 'cmsis-pack' || kind === 'probe-rs' ? { device: chip } : {});
}

function simBoards(values: ReturnType<typeof parse>['values']): SimulatedDeviceKind[] {
  const boards = (values.sim ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '');
  for (const board of boards) {
    if (!SIM_BOARDS.includes(board as SimulatedDeviceKind)) {
      throw new CliError('USAGE', `--sim takes one of ${SIM_BOARDS.join(', ')}; "${board}" is not one.`);
    }
  }
  return boards as SimulatedDeviceKind[];
}

/** `--sim-fault unplug-at-transfer:N | flash-error | lose-swd-sync`: armed on the first simulated probe. */
function simFault(values: ReturnType<typeof parse>['values']): SimulatedFault | undefined {
  const text = values['sim-fault'];
  if (text === undefined) return undefined;
  const [kind, n] = text.split(':');
  if (kind === 'unplug-at-transfer' && n !== undefined)
    return { kind, transfer: number(n, 'The transfer number') };
  if (kind === 'flash-error' || kind === 'lose-swd-sync') return { kind };
  throw new CliError('USAGE', '--sim-fault takes unplug-at-transfer:<n>, flash-error or lose-swd-sync.');
}

/** Runs `webprog` with `argv` (without the node and script paths); returns the exit code. */
export async function main(argv: string[], env: MainEnvironment): Promise<number> {
  let reporter: Reporter = new HumanReporter(env.stdout, env.stderr);
  try {
    const { values, positionals, scriptArgs } = parse(argv);
    if (values.json) reporter = new JsonReporter(env.stdout);
    if (values.version) {
      env.stdout.write(`webprog ${APP_VERSION}\n`);
      return ExitCode.done;
    }
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === 'help') {
      const topic = command === 'help' ? args[0] : command;
      env.stdout.write((topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : USAGE) + '\n');
      return command === undefined && !values.help ? ExitCode.usage : ExitCode.done;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new CliError('USAGE', `Unknown command "${command}". Run webprog --help.`);
    const opts = options(values);
    const latency = values['sim-latency'] ?? 'realistic';
    if (latency !== 'realistic' && latency !== 'zero') {
      throw new CliError('USAGE', `--sim-latency takes "realistic" or "zero", not "${latency}".`);
    }
    const targets =
      values.target === undefined ? [] : [await loadTargetFile(values.target, env.cwd, values.chip)];
    // A CMSIS target is used when the connect names it: --target alone names it.
    if (targets[0] && targets[0].kind !== 'device-script') opts.chip = targets[0].name;
    const host = await createHost({
      sim: simBoards(values),
      simLatency: latency,
      simFault: simFault(values),
      targets,
    });
    return await handler({ host, reporter, options: opts, args, scriptArgs, cwd: env.cwd });
  } catch (error) {
    if (error instanceof CliError) {
      reporter.error({ code: error.code, message: error.message });
      return exitCodeFor(error.code);
    }
    const e = usbAdvice(error) ?? toWebProgError(error);
    reporter.error(e.toRecord());
    return exitCodeFor(e.code);
  }
}
