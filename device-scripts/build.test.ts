import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const BUILD_SCRIPT = path.join(ROOT, 'device-scripts/build.mjs');
const COMMITTED = path.join(ROOT, 'device-scripts/build');
const INSTALL_HINT = 'binutils-arm-none-eabi';

function haveBinutils(): boolean {
  const result = spawnSync('arm-none-eabi-as', ['--version'], { encoding: 'utf8' });
  return !result.error && result.status === 0;
}

function runBuild(outDir: string, env: NodeJS.ProcessEnv = process.env, extra: string[] = []) {
  return spawnSync(process.execPath, [BUILD_SCRIPT, '--out', outDir, ...extra], { encoding: 'utf8', env });
}

/** Every file of `out` equals the committed one. */
function expectCommitted(out: string, hint: string) {
  const built = readdirSync(out).sort();
  expect(built).toEqual(readdirSync(COMMITTED).sort());
  for (const file of built) {
    const fresh = readFileSync(path.join(out, file));
    const committed = readFileSync(path.join(COMMITTED, file));
    expect(fresh.equals(committed), `${file} differs from the committed build: ${hint}`).toBe(true);
  }
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'device-scripts-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run build:device-scripts', () => {
  it('rebuilds byte for byte what is committed in device-scripts/build', () => {
    if (!haveBinutils()) {
      throw new Error(
        `arm-none-eabi-as is not installed, so the device scripts cannot be rebuilt and checked. ` +
          `Install the Debian package ${INSTALL_HINT} (apt-get install ${INSTALL_HINT}).`,
      );
    }
    const out = tempDir();
    const result = runBuild(out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expectCommitted(out, 'run npm run build:device-scripts');
  });

  it("rebuilds the committed output with WebProg's own assembler, without binutils", () => {
    const out = tempDir();
    // an empty PATH: no arm-none-eabi-* tools can be found
    const result = runBuild(out, { ...process.env, PATH: tempDir() }, ['--assembler', 'webprog']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expectCommitted(
      out,
      'src/core/asm and binutils disagree, or the build is stale (npm run build:device-scripts)',
    );
  }, 60_000);

  it('names the Debian package when binutils is missing', () => {
    const emptyPath = tempDir();
    const result = runBuild(tempDir(), { ...process.env, PATH: emptyPath });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/arm-none-eabi-as was not found/);
    expect(result.stderr).toContain(INSTALL_HINT);
  });
});
