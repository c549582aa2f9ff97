/**
 * Descriptors of the built device scripts (`device-scripts/build/<stem>.json` and `index.json`,
 * written by `device-scripts/build.mjs`): what the app reads to choose a script before fetching
 * the `.swds` itself. {@link describeScript} computes the same descriptor from a file, so a test
 * can hold the build's JSON against this parser, and {@link loadDescribedScript} checks a fetched
 * file against its descriptor.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WebProgError } from '../errors';
import { ENTRY_OFFSETS, type EntryName } from './header';
import { parseSwds, type CheckValue, type DeviceScript } from './swds-file';

/** Layout version of the descriptor JSON this code reads and writes. */
export const DESCRIPTOR_VERSION = 1;

/** One built script, as `device-scripts/build.mjs` describes it. */
export interface ScriptDescriptor {
  /** Layout version of this JSON ({@link DESCRIPTOR_VERSION}). */
  descriptorVersion: number;
  /** Short id from the source name, e.g. "nrf52833". */
  id: string;
  /** File name of the `.swds`, relative to the index. */
  file: string;
  /** Core the code was assembled for ("cortex-m0" runs everywhere). */
  cpu: 'cortex-m0' | 'cortex-m3';
  /** Chip-family name from the file's end. */
  name: string;
  /** 1 = CortexProg, 2 = with WebProg's extension. */
  formatVersion: 1 | 2;
  /** Where the image runs. */
  loadAddr: number;
  /** Write staging buffer. */
  stagingAddr: number;
  /** Bytes uploaded (the image). */
  uploadSize: number;
  /** Footer targetid. */
  targetId: number;
  /** ROM table PID masks (PID4..7, PID0..3). */
  pidMasks: number[];
  /** ROM table PID values (PID4..7, PID0..3). */
  pidValues: number[];
  /** Check values. */
  checkValues: CheckValue[];
  /** Which entries the header offers. */
  entries: Record<EntryName, boolean>;
  /** Size of the `.swds` file. */
  fileSize: number;
  /** SHA-256 of the `.swds` file, lowercase hex. */
  sha256: string;
}

/** The build's `index.json`. */
export interface ScriptIndex {
  /** Layout version. */
  descriptorVersion: number;
  /** Every built script. */
  scripts: ScriptDescriptor[];
}

const SOURCE_STEM = /^([A-Za-z0-9_-]+)\.[0-9a-fA-F]{1,8}\.(m0|m3)\.swds$/;

/** The descriptor of `.swds` file `file` with contents `bytes` (file name `<id>.<load>.<m0|m3>.swds`). */
export function describeScript(file: string, bytes: Uint8Array): ScriptDescriptor {
  const stem = SOURCE_STEM.exec(file);
  if (!stem) {
    throw new WebProgError(
      'FORMAT_INVALID',
      `Device script file name ${file} is not <id>.<load>.<m0|m3>.swds.`,
      {
        file,
      },
    );
  }
  const script = parseSwds(bytes, file);
  return {
    descriptorVersion: DESCRIPTOR_VERSION,
    id: stem[1],
    file,
    cpu: stem[2] === 'm0' ? 'cortex-m0' : 'cortex-m3',
    name: script.name,
    formatVersion: script.header.formatVersion,
    loadAddr: script.loadAddr,
    stagingAddr: script.stagingAddr,
    uploadSize: script.image.length,
    targetId: script.targetId,
    pidMasks: script.pidMasks,
    pidValues: script.pidValues,
    checkValues: script.checkValues,
    entries: { ...script.header.entries },
    fileSize: bytes.length,
    sha256: bytesToHex(sha256(bytes)),
  };
}

/**
 * Parses a fetched `.swds` and checks it is the file `descriptor` describes (size, SHA-256 and
 * every parsed field). Throws `FORMAT_CHECKSUM` for a different file, `FORMAT_INVALID` otherwise.
 */
export function loadDescribedScript(descriptor: ScriptDescriptor, bytes: Uint8Array): DeviceScript {
  const actual = describeScript(descriptor.file, bytes);
  if (actual.fileSize !== descriptor.fileSize || actual.sha256 !== descriptor.sha256) {
    throw new WebProgError(
      'FORMAT_CHECKSUM',
      `Device script ${descriptor.file} does not match its descriptor (size or SHA-256 differs).`,
      { file: descriptor.file },
    );
  }
  if (canonicalJson(actual) !== canonicalJson(descriptor)) {
    throw new WebProgError(
      'FORMAT_INVALID',
      `Device script ${descriptor.file}: descriptor fields disagree with the file.`,
      {
        file: descriptor.file,
      },
    );
  }
  return parseSwds(bytes, descriptor.file);
}

/**
 * Validates the JSON of `index.json` and returns its descriptors. Throws `FORMAT_INVALID`
 * naming the first field that is missing or of the wrong type, or `FORMAT_UNSUPPORTED` for a
 * newer descriptor layout.
 */
export function parseScriptIndex(json: unknown): ScriptDescriptor[] {
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `Device script index: ${why}.`, { file: 'index.json' });
  };
  if (!isObject(json) || !Array.isArray(json.scripts))
    return fail('expected { descriptorVersion, scripts: [...] }');
  if (json.descriptorVersion !== DESCRIPTOR_VERSION) {
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      `Device script index has descriptor version ${String(json.descriptorVersion)}; this app reads ${DESCRIPTOR_VERSION}.`,
      { file: 'index.json' },
    );
  }
  return json.scripts.map((entry: unknown, i: number) => {
    const where = `scripts[${i}]`;
    if (!isObject(entry)) return fail(`${where} is not an object`);
    for (const key of ['id', 'file', 'name', 'sha256', 'cpu'] as const) {
      if (typeof entry[key] !== 'string') fail(`${where}.${key} is not a string`);
    }
    for (const key of [
      'loadAddr',
      'stagingAddr',
      'uploadSize',
      'targetId',
      'fileSize',
      'formatVersion',
    ] as const) {
      if (!isU32(entry[key])) fail(`${where}.${key} is not a 32-bit unsigned integer`);
    }
    for (const key of ['pidMasks', 'pidValues'] as const) {
      const words = entry[key];
      if (!Array.isArray(words) || words.length !== 8 || !words.every(isU32))
        fail(`${where}.${key} is not 8 words`);
    }
    const checks = entry.checkValues;
    if (
      !Array.isArray(checks) ||
      !checks.every((c) => isObject(c) && isU32(c.address) && isU32(c.mask) && isU32(c.value))
    ) {
      fail(`${where}.checkValues is not a list of { address, mask, value }`);
    }
    const entries = entry.entries;
    if (!isObject(entries) || !Object.keys(ENTRY_OFFSETS).every((k) => typeof entries[k] === 'boolean')) {
      fail(`${where}.entries does not list every entry as true or false`);
    }
    return entry as unknown as ScriptDescriptor;
  });
}

/** JSON with object keys sorted, so key order does not matter when comparing. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isU32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}
