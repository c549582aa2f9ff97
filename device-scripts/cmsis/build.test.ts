/** The committed CMSIS algorithms, pack and target descriptions are what the build produces. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const COMMITTED = path.join(ROOT, 'device-scripts/cmsis/build');

describe('npm run build:cmsis-algorithms', () => {
  it('rebuilds byte for byte what is committed in device-scripts/cmsis/build', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'cmsis-build-test-'));
    try {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'device-scripts/cmsis/build.ts', '--out', out],
        { encoding: 'utf8', cwd: ROOT },
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const names = readdirSync(COMMITTED).sort();
      expect(readdirSync(out).sort()).toEqual(names);
      for (const name of names) {
        expect(readFileSync(path.join(out, name)), name).toEqual(readFileSync(path.join(COMMITTED, name)));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
