/**
 * Assembles the ARMv6-M test programs in this folder (`*.S`) with binutils-arm-none-eabi and
 * writes `<name>.bin` plus `programs.ts` (the same bytes as TypeScript data, for code that
 * cannot read files). Run: `node src/sim/chips/test-programs/build.mjs`.
 * `test-programs.test.ts` checks that the committed files match a fresh assembly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Assembles `source` (a path) and returns the raw binary. */
export function assemble(source) {
  const dir = mkdtempSync(join(tmpdir(), 'webprog-asm-'));
  try {
    const object = join(dir, 'out.o');
    const binary = join(dir, 'out.bin');
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m0', '-mthumb', '-o', object, source]);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', object, binary]);
    return new Uint8Array(readFileSync(binary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The names (without `.S`) of the programs in this folder. */
export function programNames() {
  return readdirSync(here)
    .filter((f) => f.endsWith('.S'))
    .map((f) => basename(f, '.S'))
    .sort();
}

/** The text of `programs.ts` for the given binaries. */
export function programsModule(binaries) {
  const camel = (name) => name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
  const lines = [
    '/**',
    ' * ARMv6-M test programs, assembled from the `.S` files beside this one by `build.mjs`',
    ' * (generated file: do not edit; `test-programs.test.ts` checks it against a fresh assembly).',
    ' */',
    '',
  ];
  for (const [name, bytes] of binaries) {
    lines.push(`/** Assembled \`${name}.S\`. */`);
    lines.push(`export const ${camel(name)} = Uint8Array.from([`);
    for (let i = 0; i < bytes.length; i += 16) {
      lines.push(
        `  ${[...bytes.subarray(i, i + 16)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`,
      );
    }
    lines.push(']);', '');
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binaries = programNames().map((name) => [name, assemble(join(here, `${name}.S`))]);
  for (const [name, bytes] of binaries) writeFileSync(join(here, `${name}.bin`), bytes);
  writeFileSync(join(here, 'programs.ts'), programsModule(binaries));
  console.log(`assembled ${binaries.length} programs`);
}
