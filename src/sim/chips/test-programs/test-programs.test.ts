import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as programs from './programs';

const here = join(process.cwd(), 'src/sim/chips/test-programs');

function assemble(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'webprog-asm-'));
  try {
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m0', '-mthumb', '-o', join(dir, 'a.o'), source]);
    execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', join(dir, 'a.o'), join(dir, 'a.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const names = readdirSync(here)
  .filter((f) => f.endsWith('.S'))
  .map((f) => f.slice(0, -2));

describe('committed test programs', () => {
  it.each(names)('%s.bin and programs.ts match a fresh assembly', (name) => {
    const fresh = assemble(join(here, `${name}.S`));
    expect(fresh.length).toBeGreaterThan(0);
    expect(Array.from(new Uint8Array(readFileSync(join(here, `${name}.bin`))))).toEqual(Array.from(fresh));
    const exported = (programs as Record<string, Uint8Array>)[camel(name)];
    expect(Array.from(exported)).toEqual(Array.from(fresh));
  });
});
