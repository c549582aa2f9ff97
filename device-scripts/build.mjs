#!/usr/bin/env node
/**
 * Builds WebProg's device scripts: every `src/<id>.<loadaddr hex>.<m0|m3>.S` is assembled with
 * GNU binutils for ARM (`arm-none-eabi-as -mthumb -mcpu=cortex-m0|m3`), linked at its load address
 * with `script.ld`, and turned into a raw binary — the CortexProg `.swds` file. Beside each one
 * goes a descriptor `<stem>.json`, and `index.json` lists them all; the app loads that index.
 * The output is byte-for-byte deterministic (no timestamps, sorted inputs, fixed JSON layout).
 *
 * Usage: node device-scripts/build.mjs [--out <dir>] [--assembler binutils|webprog]
 *   --out        output directory (default: device-scripts/build)
 *   --assembler  binutils (default) or webprog: WebProg's own assembler (src/core/asm, loaded
 *                through tsx), which needs no binutils and gives the same bytes
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = path.join(HERE, 'src');
const INCLUDE_DIR = path.join(SOURCE_DIR, 'include');
const LINKER_SCRIPT = path.join(HERE, 'script.ld');
const DEFAULT_OUT = path.join(HERE, 'build');
const TOOL_PREFIX = 'arm-none-eabi-';
const INSTALL_HINT =
  'Install GNU binutils for ARM: Debian/Ubuntu package "binutils-arm-none-eabi" ' +
  '(sudo apt-get install binutils-arm-none-eabi).';

/** Version of the descriptor JSON layout written here (bump when fields change meaning). */
const DESCRIPTOR_VERSION = 1;
/** Source names: `<id>.<load address, hex>.<m0|m3>.S`, as CortexProg's Makefile expects. */
const SOURCE_NAME = /^([A-Za-z0-9_-]+)\.([0-9a-fA-F]{1,8})\.(m0|m3)\.S$/;
const CPU_OF = { m0: 'cortex-m0', m3: 'cortex-m3' };
const FOOTER_SIZE = 84;
const V2_MAGIC = 0x32535057; // "WPS2"
const ENTRY_SLOTS = [
  ['initStage1', 0x04],
  ['initStage2', 0x08],
  ['initStage3', 0x0c],
  ['allErase', 0x10],
  ['pageErase', 0x14],
  ['pageWrite', 0x18],
  ['cpuid', 0x1c],
];
const V2_SLOTS = [
  ['blockChecksum', 0x24],
  ['blankCheck', 0x28],
];

/** A build failure with a message meant for a person. */
class BuildError extends Error {}

function runTool(tool, args) {
  const result = spawnSync(TOOL_PREFIX + tool, args, { encoding: 'utf8' });
  if (result.error && result.error.code === 'ENOENT') {
    throw new BuildError(`${TOOL_PREFIX}${tool} was not found. ${INSTALL_HINT}`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new BuildError(`${TOOL_PREFIX}${tool} ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  }
}

/** Parses a `.swds` the way CortexProg's host does (see README.md); returns the descriptor fields. */
function parseSwds(bytes, file) {
  const fail = (why) => {
    throw new BuildError(`${file}: ${why}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zeroAt = bytes.length - 1;
  while (zeroAt >= 0 && bytes[zeroAt] !== 0) zeroAt--;
  if (zeroAt < 0) fail('no footer (no zero byte)');
  const name = Buffer.from(bytes.subarray(zeroAt + 1)).toString('latin1');
  const footer = zeroAt + 1 - FOOTER_SIZE;
  if (footer < 0) fail('file too short for the footer');
  const word = (offset) => view.getUint32(offset, true);
  const numCheckvals = word(footer + 8);
  const checksStart = footer - numCheckvals * 12;
  if (checksStart < 0x20) fail(`${numCheckvals} check values do not fit`);
  if (word(footer + 0x50) !== 0) fail('the footer zero word is not zero');
  const checkValues = [];
  for (let i = 0; i < numCheckvals; i++) {
    const at = checksStart + i * 12;
    checkValues.push({ address: word(at), mask: word(at + 4), value: word(at + 8) });
  }
  const v2 = checksStart >= 0x2c && word(0x20) === V2_MAGIC;
  const entries = {};
  for (const [key, offset] of ENTRY_SLOTS) entries[key] = word(offset) !== 0;
  for (const [key, offset] of V2_SLOTS) entries[key] = v2 && word(offset) !== 0;
  return {
    name,
    formatVersion: v2 ? 2 : 1,
    loadAddr: word(footer),
    stagingAddr: word(footer + 4),
    uploadSize: checksStart,
    targetId: word(footer + 0x0c),
    pidMasks: Array.from({ length: 8 }, (_, i) => word(footer + 0x10 + i * 4)),
    pidValues: Array.from({ length: 8 }, (_, i) => word(footer + 0x30 + i * 4)),
    checkValues,
    entries,
  };
}

/** Assembles, links and converts one source with binutils in `workDir`; returns the bytes. */
function binutilsImage(sourceName, loadHex, core, workDir) {
  const stem = sourceName.slice(0, -2);
  const object = path.join(workDir, `${stem}.o`);
  const elf = path.join(workDir, `${stem}.elf`);
  const output = path.join(workDir, `${stem}.swds`);
  runTool('as', [
    `-mcpu=${CPU_OF[core]}`,
    '-mthumb',
    '-I',
    INCLUDE_DIR,
    '-o',
    object,
    path.join(SOURCE_DIR, sourceName),
  ]);
  runTool('ld', ['-T', LINKER_SCRIPT, '-Ttext', `0x${loadHex}`, '--build-id=none', '-o', elf, object]);
  runTool('objcopy', ['-O', 'binary', elf, output]);
  return readFileSync(output);
}

/**
 * An image builder using WebProg's own assembler (`src/core/asm`, TypeScript loaded through
 * tsx): the same bytes as binutils without needing it.
 */
export async function webprogAssembler() {
  const { tsImport } = await import('tsx/esm/api');
  const asm = await tsImport('../src/core/asm/link.ts', import.meta.url);
  const include = (name) => {
    try {
      return readFileSync(path.join(INCLUDE_DIR, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  return (sourceName, loadHex, core) => {
    if (core !== 'm0')
      throw new BuildError(`${sourceName}: the webprog assembler builds m0 (ARMv6-M) scripts only`);
    const source = readFileSync(path.join(SOURCE_DIR, sourceName), 'utf8');
    try {
      const bytes = asm.assembleDeviceScript(source, {
        fileName: sourceName,
        loadAddress: parseInt(loadHex, 16),
        include,
      });
      return Buffer.from(bytes);
    } catch (error) {
      if (error && error.name === 'WebProgError') throw new BuildError(error.message);
      throw error;
    }
  };
}

/** Assembles, links and converts one source into `workDir`; returns its bytes and descriptor. */
function buildOne(sourceName, workDir, image) {
  const match = SOURCE_NAME.exec(sourceName);
  if (!match) throw new BuildError(`${sourceName}: expected <id>.<loadaddr hex>.<m0|m3>.S`);
  const [, id, loadHex, core] = match;
  const stem = sourceName.slice(0, -2);
  const file = `${stem}.swds`;
  const bytes = image(sourceName, loadHex, core, workDir);
  const parsed = parseSwds(bytes, file);
  const loadAddr = parseInt(loadHex, 16);
  if (parsed.loadAddr !== loadAddr) {
    throw new BuildError(
      `${file}: footer load address 0x${parsed.loadAddr.toString(16)} ≠ file name's ${loadHex}`,
    );
  }
  const imageEnd = parsed.loadAddr + parsed.uploadSize;
  if (parsed.stagingAddr < imageEnd && parsed.stagingAddr >= parsed.loadAddr) {
    throw new BuildError(`${file}: the image (ends 0x${imageEnd.toString(16)}) overlaps the staging area`);
  }
  const descriptor = {
    descriptorVersion: DESCRIPTOR_VERSION,
    id,
    file,
    cpu: CPU_OF[core],
    ...parsed,
    fileSize: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  return { bytes, descriptor };
}

/**
 * Builds every script and, only when all succeeded, writes them to `outDir` (replacing the
 * `.swds`/`.json` files a previous build left there). Returns the descriptors. `image` builds
 * one source's bytes (binutils unless given, e.g. {@link webprogAssembler}'s).
 */
export function buildDeviceScripts(outDir = DEFAULT_OUT, image = binutilsImage) {
  const sources = readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith('.S'))
    .sort();
  const workDir = mkdtempSync(path.join(tmpdir(), 'webprog-device-scripts-'));
  let built;
  try {
    built = sources.map((source) => buildOne(source, workDir, image));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
  for (const stale of readdirSync(outDir).filter((f) => /\.(swds|json)$/.test(f)))
    rmSync(path.join(outDir, stale));
  const descriptors = built.map((b) => b.descriptor);
  for (const { bytes, descriptor } of built) {
    writeFileSync(path.join(outDir, descriptor.file), bytes, { mode: 0o644 });
    const json = JSON.stringify(descriptor, null, 2) + '\n';
    writeFileSync(path.join(outDir, descriptor.file.replace(/\.swds$/, '.json')), json, { mode: 0o644 });
  }
  const index = { descriptorVersion: DESCRIPTOR_VERSION, scripts: descriptors };
  writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n', { mode: 0o644 });
  return descriptors;
}

async function main(argv) {
  const outFlag = argv.indexOf('--out');
  const outDir = outFlag >= 0 ? path.resolve(argv[outFlag + 1] ?? '') : DEFAULT_OUT;
  const asmFlag = argv.indexOf('--assembler');
  const assembler = asmFlag >= 0 ? argv[asmFlag + 1] : 'binutils';
  if (assembler !== 'binutils' && assembler !== 'webprog') {
    console.error(`build:device-scripts: --assembler must be binutils or webprog, not ${assembler}`);
    process.exit(1);
  }
  try {
    const image = assembler === 'webprog' ? await webprogAssembler() : binutilsImage;
    const built = buildDeviceScripts(outDir, image);
    for (const d of built) {
      console.log(
        `${d.file}: "${d.name}", ${d.uploadSize} bytes at 0x${d.loadAddr.toString(16)}, v${d.formatVersion}`,
      );
    }
  } catch (error) {
    if (error instanceof BuildError) {
      console.error(`build:device-scripts: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main(process.argv.slice(2));
