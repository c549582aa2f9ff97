import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from './assembler';

/** The simulator's ARMv6-M test programs, assembled by binutils into committed `.bin` files. */
const DIR = path.join(process.cwd(), 'src/sim/chips/test-programs');
const programs = readdirSync(DIR)
  .filter((f) => f.endsWith('.S'))
  .sort();

describe("the simulator's test programs assemble to the committed binutils output", () => {
  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThan(0);
  });

  for (const file of programs) {
    it(file, () => {
      // as + objcopy -O binary of the object: .text alone, at 0
      const result = assemble(readFileSync(path.join(DIR, file), 'utf8'), {
        fileName: file,
        layout: (sections) => new Map(sections.map((s) => [s.name, 0])),
      });
      expect(result.sections.map((s) => s.name)).toEqual(['.text']);
      const expected = new Uint8Array(readFileSync(path.join(DIR, file.replace(/\.S$/, '.bin'))));
      expect(Array.from(result.sections[0]!.bytes)).toEqual(Array.from(expected));
    });
  }
});
