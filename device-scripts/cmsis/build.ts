/**
 * Builds WebProg's own CMSIS flash algorithms for the simulated chips and packages them the
 * three ways the app loads: each `src/<chip>.S` is assembled with GNU binutils for ARM and
 * linked with `flm.ld` into `build/<chip>.FLM` (an ELF like Keil's: PrgCode, PrgData,
 * DevDscr); `build/WebProg.SimulatedChips.pack` is a CMSIS-Pack (PDSC + the FLMs) describing
 * the three devices; `build/<chip>.yaml` is a probe-rs target description of each. Output is
 * deterministic (fixed zip times, sorted inputs).
 *
 * Usage: node --import tsx device-scripts/cmsis/build.ts [--out <dir>]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { Document, isMap, isScalar, visit } from 'yaml';
import { toBase64 } from '../../src/core/cmsis/bytes';
import { parseElf } from '../../src/core/cmsis/elf';
import { parseFlm } from '../../src/core/cmsis/flm';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** A chip our algorithms program, with what its pack and target description say about it. */
export interface OwnChip {
  /** Source stem (src/<stem>.S) and FLM name. */
  stem: string;
  /** Device name in the pack and the probe-rs variant. */
  device: string;
  family: string;
  vendor: string;
  /** CMSIS-Pack Dvendor id. */
  vendorId: number;
  /** JEP106 identity of the designer (for probe-rs `manufacturer`). */
  jep106: { id: number; cc: number };
  core: string;
  /** probe-rs core type. */
  coreType: string;
  ram: { start: number; size: number };
}

/** The three simulated chips. */
export const OWN_CHIPS: OwnChip[] = [
  {
    stem: 'nrf51822',
    device: 'nRF51822_xxAA',
    family: 'nRF51 Series',
    vendor: 'Nordic Semiconductor',
    vendorId: 54,
    jep106: { id: 0x44, cc: 2 },
    core: 'Cortex-M0',
    coreType: 'armv6m',
    ram: { start: 0x20000000, size: 0x4000 },
  },
  {
    stem: 'nrf52833',
    device: 'nRF52833_xxAA',
    family: 'nRF52 Series',
    vendor: 'Nordic Semiconductor',
    vendorId: 54,
    jep106: { id: 0x44, cc: 2 },
    core: 'Cortex-M4',
    coreType: 'armv7em',
    ram: { start: 0x20000000, size: 0x20000 },
  },
  {
    stem: 'stm32f411',
    device: 'STM32F411RETx',
    family: 'STM32F4 Series',
    vendor: 'STMicroelectronics',
    vendorId: 13,
    jep106: { id: 0x20, cc: 0 },
    core: 'Cortex-M4',
    coreType: 'armv7em',
    ram: { start: 0x20000000, size: 0x20000 },
  },
];

/** Name of the pack file. */
export const PACK_FILE = 'WebProg.SimulatedChips.pack';

function run(tool: string, args: string[]): void {
  const r = spawnSync(`arm-none-eabi-${tool}`, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`arm-none-eabi-${tool}: ${r.error.message} (install binutils-arm-none-eabi)`);
  if (r.status !== 0)
    throw new Error(`arm-none-eabi-${tool} ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
}

/** Keys whose numbers probe-rs writes in hex. */
const HEX_KEYS = /^(start|end|size|address|page_size|erased_byte_value|data_section_offset|pc_.*|ap|id|cc)$/;

const hex = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(8, '0');

/** Assembles and links one algorithm; returns the FLM bytes. */
function buildFlm(stem: string, work: string): Uint8Array {
  const object = path.join(work, `${stem}.o`);
  const elf = path.join(work, `${stem}.FLM`);
  const cwd = process.cwd();
  process.chdir(work);
  try {
    run('as', [
      '-mthumb',
      '-mcpu=cortex-m0',
      '-I',
      path.join(HERE, 'src'),
      path.join(HERE, 'src', `${stem}.S`),
      '-o',
      `${stem}.o`,
    ]);
    run('ld', ['-n', '-T', path.join(HERE, 'flm.ld'), `${stem}.o`, '-o', elf]);
  } finally {
    process.chdir(cwd);
  }
  void object;
  return new Uint8Array(readFileSync(elf));
}

/** The PDSC describing the chips with their algorithms. */
function pdsc(chips: OwnChip[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<package schemaVersion="1.7.7" xmlns:xs="http://www.w3.org/2001/XMLSchema-instance" xs:noNamespaceSchemaLocation="PACK.xsd">',
    '  <vendor>WebProg</vendor>',
    '  <name>SimulatedChips</name>',
    "  <description>WebProg's own flash algorithms for the chips its simulator models.</description>",
    '  <url></url>',
    '  <license>LICENSE</license>',
    '  <releases>',
    '    <release version="1.0.0">First release.</release>',
    '  </releases>',
    '  <devices>',
  ];
  for (const family of [...new Set(chips.map((c) => c.family))]) {
    const members = chips.filter((c) => c.family === family);
    const first = members[0];
    lines.push(`    <family Dfamily="${family}" Dvendor="${first.vendor}:${first.vendorId}">`);
    for (const c of members) {
      const flm = parseFlm(readFileSync(path.join(OUT, `${c.stem}.FLM`)), `${c.stem}.FLM`);
      lines.push(
        `      <device Dname="${c.device}">`,
        `        <processor Dcore="${c.core}" Dendian="Little-endian" Dclock="64000000"/>`,
        `        <memory name="Flash" access="rx" start="${hex(flm.flash.start)}" size="${hex(flm.flash.size)}" startup="1" default="1"/>`,
        `        <memory name="RAM" access="rwx" start="${hex(c.ram.start)}" size="${hex(c.ram.size)}" init="0" default="1"/>`,
        `        <algorithm name="Flash/${c.stem}.FLM" start="${hex(flm.flash.start)}" size="${hex(flm.flash.size)}" RAMstart="${hex(c.ram.start)}" RAMsize="${hex(Math.min(c.ram.size, 0x4000))}" default="1"/>`,
        '      </device>',
      );
    }
    lines.push('    </family>');
  }
  lines.push('  </devices>', '</package>', '');
  return lines.join('\n');
}

/** The probe-rs target description of one chip (current probe-rs format, tagged regions). */
function probeRsYaml(c: OwnChip, flmBytes: Uint8Array): string {
  const algo = parseFlm(flmBytes, `${c.stem}.FLM`);
  const f = algo.flash;
  const e = algo.entries;
  const doc = {
    name: c.stem,
    manufacturer: c.jep106,
    generated_from_pack: true,
    pack_file_release: '1.0.0',
    variants: [
      {
        name: c.device,
        cores: [{ name: 'main', type: c.coreType, core_access_options: { Arm: { ap: 0 } } }],
        memory_map: [
          {
            Nvm: { range: { start: f.start, end: f.start + f.size }, cores: ['main'], is_boot_memory: true },
          },
          { Ram: { range: { start: c.ram.start, end: c.ram.start + c.ram.size }, cores: ['main'] } },
        ],
        flash_algorithms: [c.stem],
      },
    ],
    flash_algorithms: [
      {
        name: c.stem,
        description: f.name,
        default: true,
        instructions: toBase64(algo.instructions),
        pc_init: e.init,
        pc_uninit: e.uninit,
        pc_program_page: e.programPage,
        pc_erase_sector: e.eraseSector,
        pc_erase_all: e.eraseChip,
        ...(e.verify !== undefined ? { pc_verify: e.verify } : {}),
        ...(e.blankCheck !== undefined ? { pc_blank_check: e.blankCheck } : {}),
        data_section_offset: algo.dataSectionOffset,
        flash_properties: {
          address_range: { start: f.start, end: f.start + f.size },
          page_size: f.pageSize,
          erased_byte_value: f.erasedValue,
          program_page_timeout: f.programTimeoutMs,
          erase_sector_timeout: f.eraseTimeoutMs,
          sectors: f.sectors.map((s) => ({ size: s.size, address: s.address - f.start })),
        },
        cores: ['main'],
      },
    ],
  };
  // probe-rs writes enum values with YAML tags (!Nvm, !Ram, !Arm) and addresses in hex.
  const yaml = new Document(doc);
  visit(yaml, {
    Map(_, node) {
      if (node.items.length !== 1) return;
      const pair = node.items[0];
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (['Nvm', 'Ram', 'Arm'].includes(key) && isMap(pair.value)) {
        pair.value.tag = `!${key}`;
        return pair.value;
      }
    },
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (HEX_KEYS.test(key) && isScalar(pair.value) && typeof pair.value.value === 'number')
        pair.value.format = 'HEX';
    },
  });
  return yaml.toString({ lineWidth: 0 });
}

const args = process.argv.slice(2);
const OUT = args[0] === '--out' && args[1] ? path.resolve(args[1]) : path.join(HERE, 'build');

mkdirSync(OUT, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'webprog-flm-'));
try {
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const mtime = { mtime: new Date('2026-01-01T00:00:00Z') };
  for (const c of OWN_CHIPS) {
    const flm = buildFlm(c.stem, work);
    writeFileSync(path.join(OUT, `${c.stem}.FLM`), flm);
    writeFileSync(path.join(OUT, `${c.stem}.yaml`), probeRsYaml(c, flm));
    files[`Flash/${c.stem}.FLM`] = [flm, mtime];
  }
  // The CRC routine: its code as raw bytes, and the same bytes as a TypeScript constant for core.
  const crcElf = buildFlm('crc32', work);
  const crcBytes = parseElf(crcElf, 'crc32').sections.find((s) => s.name === 'PrgCode')!.data;
  writeFileSync(path.join(OUT, 'crc32.bin'), crcBytes);
  writeFileSync(
    path.join(OUT, 'crc32-routine.ts'),
    [
      "/** WebProg's on-chip CRC-32 routine (device-scripts/cmsis/src/crc32.S), generated by build.ts. */",
      '',
      "/** The routine's code in base64; entry at offset 0: r0 = address, r1 = length → r0 = CRC-32. */",
      `export const CRC32_ROUTINE_BASE64 =\n  '${toBase64(crcBytes)}';`,
      '',
    ].join('\n'),
  );
  files['WebProg.SimulatedChips.pdsc'] = [new TextEncoder().encode(pdsc(OWN_CHIPS)), mtime];
  const ordered = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(path.join(OUT, PACK_FILE), zipSync(ordered, { level: 9 }));
  console.log(
    `Built ${OWN_CHIPS.length} algorithms, ${PACK_FILE} and ${OWN_CHIPS.length} target descriptions in ${OUT}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
