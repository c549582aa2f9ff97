/** What every `webprog` command gets. */
import type { Host } from './host';
import type { Reporter } from './reporter';
import type { DeviceChoice } from './select-device';

/** The options `webprog` takes (each command reads the ones it knows). */
export interface CliOptions extends DeviceChoice {
  json: boolean;
  base?: number;
  verify: boolean;
  erase?: 'chip' | 'blocks';
  skip: boolean;
  region?: string;
  range?: { address: number; size: number };
  allowWrites: boolean;
  yes: boolean;
  all: boolean;
  csv?: string;
  /** A chip to take when identification finds none (a device script's name, or part of it). */
  chip?: string;
}

/** A command's environment. */
export interface CommandContext {
  /** The engine. */
  host: Host;
  /** Where output goes. */
  reporter: Reporter;
  /** Parsed options. */
  options: CliOptions;
  /** Positional arguments after the command name. */
  args: string[];
  /** Arguments after `--` (for `run`). */
  scriptArgs: string[];
  /** The working folder (files are read and written relative to it). */
  cwd: string;
}
