/**
 * Runs GNU binutils for ARM the way `build.mjs` does (as → ld with script.ld → objcopy -O
 * binary), for tests that compare WebProg's own assembler (`src/core/asm`) with binutils.
 * Node only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The linker script of the device scripts. */
export const LINKER_SCRIPT = path.join(HERE, 'script.ld');
/** Where the device script sources are. */
export const SOURCE_DIR = path.join(HERE, 'src');
/** The include directory of the device scripts. */
export const INCLUDE_DIR = path.join(SOURCE_DIR, 'include');

const PACKAGE = 'binutils-arm-none-eabi';

/** Throws with the Debian package name when arm-none-eabi-as is not installed. */
export function requireBinutils(): void {
  const result = spawnSync('arm-none-eabi-as', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0)
    throw new Error(
      `arm-none-eabi-as is not installed, so the assembler cannot be compared with GNU binutils. ` +
        `Install the Debian package ${PACKAGE} (apt-get install ${PACKAGE}).`,
    );
}

/** One error line of gas: `file:line: Error: message`. */
export interface GasError {
  line: number;
  message: string;
}

/** Result of {@link binutilsBuild}: the flat binary, or gas's/ld's errors. */
export type BinutilsResult =
  { ok: true; bytes: Uint8Array } | { ok: false; errors: GasError[]; output: string };

/**
 * Assembles `source` with `arm-none-eabi-as -mthumb -mcpu=<cpu>`, links it with script.ld at
 * `load` and returns `objcopy -O binary`'s bytes.
 */
export function binutilsBuild(
  source: string,
  options: { cpu?: string; load?: number; includeDir?: string } = {},
): BinutilsResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'webprog-asm-'));
  try {
    const src = path.join(dir, 'in.S');
    writeFileSync(src, source);
    const run = (tool: string, args: string[]) =>
      spawnSync(`arm-none-eabi-${tool}`, args, { encoding: 'utf8', cwd: dir });
    const as = run('as', [
      `-mcpu=${options.cpu ?? 'cortex-m0'}`,
      '-mthumb',
      '-I',
      options.includeDir ?? INCLUDE_DIR,
      '-o',
      'in.o',
      src,
    ]);
    if (as.error) throw as.error;
    if (as.status !== 0) {
      const errors: GasError[] = [];
      for (const m of as.stderr.matchAll(/in\.S:(\d+): Error: (.*)/g))
        errors.push({ line: Number(m[1]), message: m[2]! });
      return { ok: false, errors, output: as.stderr };
    }
    const load = `0x${(options.load ?? 0x20000000).toString(16)}`;
    const ld = run('ld', ['-T', LINKER_SCRIPT, '-Ttext', load, '--build-id=none', '-o', 'in.elf', 'in.o']);
    if (ld.status !== 0) return { ok: false, errors: [], output: ld.stderr };
    const objcopy = run('objcopy', ['-O', 'binary', 'in.elf', 'in.bin']);
    if (objcopy.status !== 0) return { ok: false, errors: [], output: objcopy.stderr };
    return { ok: true, bytes: new Uint8Array(readFileSync(path.join(dir, 'in.bin'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
