import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INCLUDE_DIR, SOURCE_DIR, binutilsBuild, requireBinutils } from '../../../device-scripts/binutils';
import { assembleDeviceScript } from './link';

/** Script sources as build.mjs finds them: `<id>.<load hex>.<m0|m3>.S`, listed now (others add scripts). */
const SOURCE_NAME = /^([A-Za-z0-9_-]+)\.([0-9a-fA-F]{1,8})\.(m0|m3)\.S$/;
const scripts = readdirSync(SOURCE_DIR)
  .filter((f) => f.endsWith('.S'))
  .sort();

function include(name: string): string | undefined {
  try {
    return readFileSync(path.join(INCLUDE_DIR, name), 'utf8');
  } catch {
    return undefined;
  }
}

function firstDifference(a: Uint8Array, b: Uint8Array): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `first difference at +0x${i.toString(16)} (ours ${a[i]}, binutils ${b[i]}; sizes ${a.length}, ${b.length})`;
  }
  return 'identical';
}

describe('device scripts: our assembler against GNU binutils', () => {
  it('finds the scripts', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  for (const file of scripts) {
    it(`${file} assembles and links to the same bytes as as + ld + objcopy`, () => {
      requireBinutils();
      const match = SOURCE_NAME.exec(file);
      expect(match, `${file} is not named <id>.<load hex>.<m0|m3>.S`).not.toBeNull();
      const [, , loadHex, core] = match!;
      const load = parseInt(loadHex!, 16);
      const source = readFileSync(path.join(SOURCE_DIR, file), 'utf8');
      const gas = binutilsBuild(source, { cpu: core === 'm3' ? 'cortex-m3' : 'cortex-m0', load });
      if (!gas.ok) throw new Error(`binutils failed on ${file}:\n${gas.output}`);
      const cpu = core === 'm3' ? 'cortex-m3' : 'cortex-m0';
      const ours = assembleDeviceScript(source, { fileName: file, loadAddress: load, include, cpu });
      expect(firstDifference(ours, gas.bytes)).toBe('identical');
    });
  }

  it('matches the committed build output byte for byte (no binutils needed)', () => {
    for (const file of scripts) {
      const [, , loadHex, core] = SOURCE_NAME.exec(file) ?? [];
      if (!loadHex) continue;
      const committed = path.join(SOURCE_DIR, '..', 'build', file.replace(/\.S$/, '.swds'));
      let expected: Uint8Array;
      try {
        expected = new Uint8Array(readFileSync(committed));
      } catch {
        throw new Error(`${file} has no committed build output: run npm run build:device-scripts`);
      }
      const source = readFileSync(path.join(SOURCE_DIR, file), 'utf8');
      const ours = assembleDeviceScript(source, {
        fileName: file,
        loadAddress: parseInt(loadHex, 16),
        include,
        cpu: core === 'm3' ? 'cortex-m3' : 'cortex-m0',
      });
      expect(firstDifference(ours, expected), file).toBe('identical');
    }
  });
});
