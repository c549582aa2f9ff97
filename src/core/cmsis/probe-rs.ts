/**
 * Loads a chip from a probe-rs target description (a chip family YAML: `variants` with their
 * `memory_map` and the names of their `flash_algorithms`, and the family's `flash_algorithms`
 * with base64 `instructions`, entry offsets `pc_*` from the start of the code,
 * `data_section_offset` and `flash_properties`). Both spellings of memory regions are read:
 * YAML tags (`- !Nvm {...}`, probe-rs ≥ 0.19) and single-key maps (`- Nvm: {...}`).
 */
import { YAMLMap, parseDocument, visit } from 'yaml';
import { WebProgError } from '../errors';
import { fromBase64 } from './bytes';
import { checkEntries, checkFlash, type CmsisAlgorithm, type CmsisTarget } from './algorithm';

/** A variant of a family, as listed for choosing. */
export interface ProbeRsVariant {
  name: string;
  /** RAM regions (first is used for algorithms). */
  ram: { start: number; size: number }[];
  /** Names of the algorithms the variant uses. */
  algorithms: string[];
}

/** A parsed family. */
export interface ProbeRsFamily {
  name: string;
  /** JEP106 manufacturer when given (`manufacturer: {id, cc}`). */
  manufacturer?: { id: number; cc: number };
  variants: ProbeRsVariant[];
  algorithms: CmsisAlgorithm[];
}

type Obj = Record<string, unknown>;

/** Parses a target description; `file` names it in errors (FORMAT_INVALID). */
export function parseProbeRsTarget(text: string, file: string): ProbeRsFamily {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new WebProgError('FORMAT_INVALID', `${file} is not valid YAML: ${doc.errors[0].message}`, { file });
  }
  // Tagged enum values (!Nvm, !Ram, !Arm...) become single-key maps, like the older spelling.
  visit(doc, {
    Map(_, node) {
      if (node.tag && node.tag.startsWith('!') && !node.tag.startsWith('!!')) {
        const tag = node.tag.slice(1);
        node.tag = undefined;
        const wrapped = new YAMLMap();
        wrapped.set(tag, node);
        return wrapped;
      }
    },
  });
  const root = doc.toJS() as unknown;
  const fail = (why: string): never => {
    throw new WebProgError('FORMAT_INVALID', `${file} is not a probe-rs target description: ${why}.`, {
      file,
    });
  };
  if (!isObj(root)) fail('it is not a map');
  const r = root as Obj;
  const name = typeof r.name === 'string' ? r.name : fail('it has no family name');
  if (!Array.isArray(r.variants) || r.variants.length === 0) fail('it lists no variants');
  const algorithms = (Array.isArray(r.flash_algorithms) ? r.flash_algorithms : []).map((a, i) =>
    algorithmOf(a, i, file),
  );
  const variants = (r.variants as unknown[]).map((v, i) => variantOf(v, i, file));
  const m = r.manufacturer;
  const manufacturer =
    isObj(m) && typeof m.id === 'number' && typeof m.cc === 'number' ? { id: m.id, cc: m.cc } : undefined;
  return { name: name as string, ...(manufacturer ? { manufacturer } : {}), variants, algorithms };
}

/**
 * The target of variant `variantName` (any case; may be omitted when there is one variant):
 * its first RAM region and its flash algorithms. INVALID_ARGUMENT naming the variants when absent.
 */
export function probeRsTarget(family: ProbeRsFamily, variantName?: string, file = family.name): CmsisTarget {
  const variant =
    variantName === undefined
      ? family.variants.length === 1
        ? family.variants[0]
        : undefined
      : family.variants.find((v) => v.name.toLowerCase() === variantName.trim().toLowerCase());
  if (!variant) {
    throw new WebProgError(
      'INVALID_ARGUMENT',
      `${file} has no variant "${variantName ?? ''}". It describes ${family.variants.map((v) => v.name).join(', ')}.`,
      { file },
    );
  }
  const algorithms = variant.algorithms.map((n) => {
    const a = family.algorithms.find((x) => x.name === n);
    if (!a)
      throw new WebProgError(
        'FORMAT_INVALID',
        `${file}: variant ${variant.name} names a missing algorithm "${n}".`,
        { file },
      );
    return a;
  });
  if (algorithms.length === 0)
    throw new WebProgError('FORMAT_INVALID', `${file}: variant ${variant.name} names no flash algorithm.`, {
      file,
    });
  if (variant.ram.length === 0)
    throw new WebProgError('FORMAT_INVALID', `${file}: variant ${variant.name} has no RAM region.`, { file });
  return { name: variant.name, ram: variant.ram[0], algorithms, source: 'probe-rs' };
}

function variantOf(v: unknown, i: number, file: string): ProbeRsVariant {
  if (!isObj(v) || typeof v.name !== 'string')
    throw new WebProgError('FORMAT_INVALID', `${file}: variant ${i + 1} has no name.`, { file });
  const ram: { start: number; size: number }[] = [];
  for (const entry of Array.isArray(v.memory_map) ? v.memory_map : []) {
    if (!isObj(entry) || !isObj(entry.Ram)) continue;
    const range = entry.Ram.range;
    if (!isObj(range)) continue;
    const start = int(range.start, 'RAM start', file);
    const end = int(range.end, 'RAM end', file);
    if (end > start) ram.push({ start, size: end - start });
  }
  const algorithms = (Array.isArray(v.flash_algorithms) ? v.flash_algorithms : []).filter(
    (n): n is string => typeof n === 'string',
  );
  return { name: v.name, ram, algorithms };
}

function algorithmOf(a: unknown, i: number, file: string): CmsisAlgorithm {
  if (!isObj(a) || typeof a.name !== 'string')
    throw new WebProgError('FORMAT_INVALID', `${file}: flash algorithm ${i + 1} has no name.`, { file });
  const where = `${file}: flash algorithm "${a.name}"`;
  if (typeof a.instructions !== 'string')
    throw new WebProgError('FORMAT_INVALID', `${where} has no instructions.`, { file });
  if (a.transfer_encoding !== undefined && a.transfer_encoding !== 'raw')
    throw new WebProgError(
      'FORMAT_UNSUPPORTED',
      `${where} uses transfer encoding "${String(a.transfer_encoding)}"; only raw is supported.`,
      { file },
    );
  if (a.big_endian === true)
    throw new WebProgError('FORMAT_UNSUPPORTED', `${where} is big-endian; only little-endian is supported.`, {
      file,
    });
  const instructions = fromBase64(a.instructions, `${where}: its instructions`);
  const fp = a.flash_properties;
  if (!isObj(fp) || !isObj(fp.address_range))
    throw new WebProgError('FORMAT_INVALID', `${where} has no flash_properties.address_range.`, { file });
  const start = int(fp.address_range.start, 'address_range.start', file);
  const end = int(fp.address_range.end, 'address_range.end', file);
  const sectors = (Array.isArray(fp.sectors) ? fp.sectors : []).map((s) => {
    if (!isObj(s))
      throw new WebProgError('FORMAT_INVALID', `${where} has a sector that is not a map.`, { file });
    return {
      size: int(s.size, 'sector size', file),
      address: start + int(s.address, 'sector address', file),
    };
  });
  const flash = {
    name: typeof a.description === 'string' && a.description ? a.description : a.name,
    start,
    size: end - start,
    pageSize: int(fp.page_size, 'page_size', file),
    erasedValue:
      fp.erased_byte_value === undefined ? 0xff : int(fp.erased_byte_value, 'erased_byte_value', file),
    programTimeoutMs: int(fp.program_page_timeout, 'program_page_timeout', file),
    eraseTimeoutMs: int(fp.erase_sector_timeout, 'erase_sector_timeout', file),
    sectors,
  };
  checkFlash(flash, file);
  const opt = (key: string) => (a[key] === undefined || a[key] === null ? undefined : int(a[key], key, file));
  const algo: CmsisAlgorithm = {
    name: a.name,
    instructions,
    dataSectionOffset: int(a.data_section_offset, 'data_section_offset', file),
    entries: {
      init: opt('pc_init'),
      uninit: opt('pc_uninit'),
      eraseChip: opt('pc_erase_all'),
      eraseSector: int(a.pc_erase_sector, 'pc_erase_sector', file),
      programPage: int(a.pc_program_page, 'pc_program_page', file),
      verify: opt('pc_verify'),
      blankCheck: opt('pc_blank_check'),
    },
    flash,
    ...(opt('load_address') !== undefined ? { loadAddress: opt('load_address') } : {}),
  };
  for (const k of Object.keys(algo.entries) as (keyof typeof algo.entries)[]) {
    if (algo.entries[k] === undefined) delete algo.entries[k];
    else algo.entries[k] = algo.entries[k]! & ~1;
  }
  checkEntries(algo);
  return algo;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(v: unknown, what: string, file: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 32) {
    throw new WebProgError('FORMAT_INVALID', `${file}: ${what} (${String(v)}) is not a number.`, { file });
  }
  return n;
}
