/**
 * Targets a person loads into the app: CortexProg-format device scripts (`.swds` or the binary
 * CortexProg's build produces) and CMSIS flash algorithms (`.FLM`, a device of a `.pack`, a
 * variant of a probe-rs target description). Each is kept as the file's bytes with its name
 * and source file, and parsed again when used; {@link loadUserTarget} checks it parses first.
 */
import { parseSwds, type DeviceScript } from '../device-script';
import { WebProgError } from '../errors';
import { decodeText } from '../formats/text-codec';
import type { CmsisTarget } from '../cmsis/algorithm';
import { parseFlm } from '../cmsis/flm';
import { openPack, packDeviceNames, packTarget } from '../cmsis/pack';
import { parseProbeRsTarget, probeRsTarget } from '../cmsis/probe-rs';

/** What kind of file a user target came from. */
export type UserTargetKind = 'device-script' | 'cmsis-flm' | 'cmsis-pack' | 'probe-rs';

/** A stored user target. */
export interface UserTarget {
  /** Stable key: kind + name. */
  id: string;
  kind: UserTargetKind;
  /** Chip name: the script's family name, or the device/variant chosen. */
  name: string;
  /** Source file name. */
  file: string;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** The device (pack) or variant (probe-rs) chosen from the file. */
  device?: string;
  /** For a `.FLM`: the RAM the algorithm runs in (the file does not say). */
  ram?: { start: number; size: number };
  /** When it was loaded (ms since 1970). */
  addedAt: number;
}

/** What to load from a file. */
export interface LoadTargetOptions {
  /** The device (pack) or variant (probe-rs); may be omitted when the file has only one. */
  device?: string;
  /** RAM for a `.FLM` (default: 16 KiB at 0x20000000, what every Cortex-M part has there). */
  ram?: { start: number; size: number };
  /** Time stamp (default now). */
  now?: number;
}

/** The default RAM for a bare `.FLM`. */
export const DEFAULT_FLM_RAM = { start: 0x2000_0000, size: 0x4000 } as const;

/** The kind of file by its name and first bytes; FORMAT_UNSUPPORTED when none fits. */
export function targetKindOf(file: string, bytes: Uint8Array): UserTargetKind {
  const lower = file.toLowerCase();
  if (bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'cmsis-flm';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'cmsis-pack';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'probe-rs';
  if (
    lower.endsWith('.swds') ||
    lower.endsWith('.bin') ||
    /\.[0-9a-f]{1,8}\.m[03]$/i.test(lower) ||
    !lower.includes('.')
  )
    return 'device-script';
  throw new WebProgError(
    'FORMAT_UNSUPPORTED',
    `${file}: not a device script (.swds), a CMSIS flash algorithm (.FLM), a CMSIS-Pack (.pack) or a probe-rs target description (.yaml).`,
    { file },
  );
}

/**
 * Parses `bytes` as the kind its name and content say, and returns the record to keep. Throws
 * the loader's WebProgError (FORMAT_INVALID…, INVALID_ARGUMENT naming the devices when the
 * file has several and none was chosen).
 */
export function loadUserTarget(file: string, bytes: Uint8Array, options: LoadTargetOptions = {}): UserTarget {
  const kind = targetKindOf(file, bytes);
  const base = { kind, file, bytes, addedAt: options.now ?? Date.now() };
  let name: string;
  let device: string | undefined;
  let ram: { start: number; size: number } | undefined;
  switch (kind) {
    case 'device-script':
      name = parseSwds(bytes, file).name;
      break;
    case 'cmsis-flm':
      ram = options.ram ?? { ...DEFAULT_FLM_RAM };
      name = parseFlm(bytes, file).flash.name;
      break;
    case 'cmsis-pack': {
      const pack = openPack(bytes, file);
      const names = packDeviceNames(pack);
      device = options.device ?? (names.length === 1 ? names[0] : undefined);
      if (device === undefined) {
        throw new WebProgError(
          'INVALID_ARGUMENT',
          `${file} describes ${names.length} devices: choose one of ${names.join(', ')}.`,
          {
            file,
          },
        );
      }
      name = packTarget(pack, device, file).name;
      device = name;
      break;
    }
    case 'probe-rs': {
      const family = parseProbeRsTarget(decodeText(bytes), file);
      name = probeRsTarget(family, options.device, file).name;
      device = name;
      break;
    }
  }
  return {
    id: `${kind}:${name.toLowerCase()}`,
    name,
    ...base,
    ...(device ? { device } : {}),
    ...(ram ? { ram } : {}),
  };
}

/** The parsed device script of a `device-script` record. */
export function userScript(target: UserTarget): DeviceScript {
  return parseSwds(target.bytes, target.file);
}

/** The CMSIS target of a record of any other kind. */
export function userCmsisTarget(target: UserTarget): CmsisTarget {
  switch (target.kind) {
    case 'cmsis-flm': {
      const algo = parseFlm(target.bytes, target.file);
      return {
        name: target.name,
        ram: target.ram ?? { ...DEFAULT_FLM_RAM },
        algorithms: [algo],
        source: 'flm',
      };
    }
    case 'cmsis-pack':
      return packTarget(openPack(target.bytes, target.file), target.device ?? target.name, target.file);
    case 'probe-rs':
      return probeRsTarget(
        parseProbeRsTarget(decodeText(target.bytes), target.file),
        target.device,
        target.file,
      );
    case 'device-script':
      throw new WebProgError(
        'INVALID_ARGUMENT',
        `${target.name} is a device script, not a CMSIS flash algorithm.`,
      );
  }
}

/** Packs and target descriptions offer a choice of devices: their names. */
export function devicesInFile(file: string, bytes: Uint8Array): string[] {
  const kind = targetKindOf(file, bytes);
  if (kind === 'cmsis-pack') return packDeviceNames(openPack(bytes, file));
  if (kind === 'probe-rs') return parseProbeRsTarget(decodeText(bytes), file).variants.map((v) => v.name);
  return [];
}
