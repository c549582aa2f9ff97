/**
 * Loads a device from a CMSIS-Pack (`.pack`, a zip): the PDSC's `<devices>` tree (family →
 * subFamily → device → variant, each level adding `<memory>` and `<algorithm>` elements to what
 * it inherits), then the `.FLM` files the chosen device's algorithms name.
 */
import { unzipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { WebProgError } from '../errors';
import { decodeText } from '../formats/text-codec';
import type { CmsisAlgorithm, CmsisTarget } from './algorithm';
import { parseFlm } from './flm';

/** One `<memory>` of a device. */
export interface PackMemory {
  /** `name` or the older `id` (IROM1, IRAM1...). */
  name: string;
  start: number;
  size: number;
  /** `access` ("rx", "rwx"...) or derived from the id. */
  access: string;
  default: boolean;
  startup: boolean;
}

/** One `<algorithm>` of a device. */
export interface PackAlgorithm {
  /** Path of the `.FLM` inside the pack. */
  file: string;
  start: number;
  size: number;
  ramStart?: number;
  ramSize?: number;
  default: boolean;
}

/** A device as the PDSC describes it, with everything it inherits. */
export interface PackDevice {
  name: string;
  vendor?: string;
  family?: string;
  memories: PackMemory[];
  algorithms: PackAlgorithm[];
}

/** An opened pack: its devices and its files. */
export interface Pack {
  /** The PDSC's `<vendor>.<name>`. */
  name: string;
  devices: PackDevice[];
  /** Reads a file of the pack by path (any slash, any case); undefined when absent. */
  file(path: string): Uint8Array | undefined;
}

type XmlNode = Record<string, unknown>;

const LEVELS = ['family', 'subFamily', 'device', 'variant'] as const;

/** Opens a `.pack`; `file` names it in errors. */
export function openPack(bytes: Uint8Array, file: string): Pack {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new WebProgError('FORMAT_INVALID', `${file} is not a CMSIS-Pack (not a readable zip file).`, {
      file,
      cause: error,
    });
  }
  const byPath = new Map(Object.entries(files).map(([k, v]) => [normalise(k), v]));
  const pdscs = [...byPath.keys()].filter((k) => k.endsWith('.pdsc') && !k.includes('/'));
  const pdscPath = pdscs[0] ?? [...byPath.keys()].find((k) => k.endsWith('.pdsc'));
  if (!pdscPath) {
    throw new WebProgError('FORMAT_INVALID', `${file} is not a CMSIS-Pack: it holds no .pdsc file.`, {
      file,
    });
  }
  const xml = decodeText(byPath.get(pdscPath)!);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    isArray: (name) => [...LEVELS, 'memory', 'algorithm'].includes(name),
  });
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new WebProgError('FORMAT_INVALID', `${file}: ${pdscPath} is not well-formed XML.`, {
      file,
      cause: error,
    });
  }
  const pkg = (doc.package ?? {}) as XmlNode;
  const devices: PackDevice[] = [];
  const walk = (node: XmlNode, level: number, inherited: Omit<PackDevice, 'name'>, name?: string) => {
    const here: Omit<PackDevice, 'name'> = {
      vendor: str(node['@Dvendor'])?.replace(/:\d+$/, '') ?? inherited.vendor,
      family: str(node['@Dfamily']) ?? inherited.family,
      memories: [...inherited.memories, ...list(node.memory).map((m) => memoryOf(m, file))],
      algorithms: [...inherited.algorithms, ...list(node.algorithm).map((a) => algorithmOf(a, file))],
    };
    const ownName =
      LEVELS[level] === 'device'
        ? str(node['@Dname'])
        : LEVELS[level] === 'variant'
          ? str(node['@Dvariant'])
          : undefined;
    const deviceName = ownName ?? name;
    for (let l = level + 1; l < LEVELS.length; l++) {
      for (const child of list(node[LEVELS[l]])) walk(child, l, here, deviceName);
    }
    if (ownName) devices.push({ name: ownName, ...here });
  };
  for (const family of list((pkg.devices as XmlNode | undefined)?.family))
    walk(family, 0, { memories: [], algorithms: [] });
  return {
    name: [str(pkg.vendor), str(pkg.name)].filter(Boolean).join('.') || file,
    devices,
    file: (path) => byPath.get(normalise(path)),
  };
}

/** The names of a pack's devices (variants included). */
export function packDeviceNames(pack: Pack): string[] {
  return pack.devices.map((d) => d.name);
}

/**
 * The target of the device named `deviceName` (exact, any case): its RAM and its algorithms
 * loaded from the pack's `.FLM` files. INVALID_ARGUMENT listing the devices when absent.
 */
export function packTarget(pack: Pack, deviceName: string, file = pack.name): CmsisTarget {
  const wanted = deviceName.trim().toLowerCase();
  const device = pack.devices.find((d) => d.name.toLowerCase() === wanted);
  if (!device) {
    const names = packDeviceNames(pack);
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `${file} has no device "${deviceName}". It describes ${names.length ? names.join(', ') : 'no devices'}.`,
      { file },
    );
  }
  const ram = defaultRam(device, file);
  const algorithms: CmsisAlgorithm[] = device.algorithms.map((a) => {
    const bytes = pack.file(a.file);
    if (!bytes) {
      throw new WebProgError(
        'FORMAT_INVALID',
        `${file}: the algorithm ${a.file} of ${device.name} is not in the pack.`,
        {
          file,
        },
      );
    }
    const algo = parseFlm(bytes, a.file);
    return {
      ...algo,
      ...(a.ramStart !== undefined && a.ramSize !== undefined
        ? { ram: { start: a.ramStart, size: a.ramSize } }
        : {}),
    };
  });
  if (algorithms.length === 0) {
    throw new WebProgError('FORMAT_INVALID', `${file}: the device ${device.name} names no flash algorithm.`, {
      file,
    });
  }
  return { name: device.name, vendor: device.vendor, ram, algorithms, source: 'pack' };
}

/** The device's default RAM: a writable memory that is not flash (default first). */
function defaultRam(device: PackDevice, file: string): { start: number; size: number } {
  const rams = device.memories.filter((m) => m.access.includes('w') && !m.startup);
  const ram = rams.find((m) => m.default) ?? rams[0];
  if (ram) return { start: ram.start, size: ram.size };
  const algoRam = device.algorithms.find((a) => a.ramStart !== undefined && a.ramSize !== undefined);
  if (algoRam) return { start: algoRam.ramStart!, size: algoRam.ramSize! };
  throw new WebProgError('FORMAT_INVALID', `${file}: the device ${device.name} describes no RAM.`, { file });
}

function memoryOf(node: XmlNode, file: string): PackMemory {
  const id = str(node['@id']);
  const name = str(node['@name']) ?? id ?? 'memory';
  const access =
    str(node['@access']) ?? (id?.startsWith('IRAM') ? 'rwx' : id?.startsWith('IROM') ? 'rx' : 'r');
  return {
    name,
    start: num(node['@start'], 'memory start', file),
    size: num(node['@size'], 'memory size', file),
    access,
    default: str(node['@default']) === '1' || str(node['@default']) === 'true',
    startup: str(node['@startup']) === '1' || str(node['@startup']) === 'true',
  };
}

function algorithmOf(node: XmlNode, file: string): PackAlgorithm {
  const path = str(node['@name']);
  if (!path) throw new WebProgError('FORMAT_INVALID', `${file}: an <algorithm> has no name.`, { file });
  const ramStart = node['@RAMstart'] === undefined ? undefined : num(node['@RAMstart'], 'RAMstart', file);
  const ramSize = node['@RAMsize'] === undefined ? undefined : num(node['@RAMsize'], 'RAMsize', file);
  return {
    file: path,
    start: num(node['@start'], 'algorithm start', file),
    size: num(node['@size'], 'algorithm size', file),
    ...(ramStart !== undefined ? { ramStart } : {}),
    ...(ramSize !== undefined ? { ramSize } : {}),
    default: str(node['@default']) === '1' || str(node['@default']) === 'true',
  };
}

function normalise(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '')
    .toLowerCase();
}

function list(value: unknown): XmlNode[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function num(value: unknown, what: string, file: string): number {
  const text = str(value)?.trim();
  const n = text === undefined ? NaN : Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new WebProgError('FORMAT_INVALID', `${file}: ${what} "${text ?? ''}" is not a number.`, { file });
  }
  return n;
}
