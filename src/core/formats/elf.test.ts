import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBin } from './bin';
import { parseElf } from './elf';
import { thrown } from '../testing/thrown';
import { buildElf, type TestSegment } from '../testing/elf-files';

const code = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
const initData = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);
const segments: TestSegment[] = [
  { paddr: 0x0800_0000, data: code },
  { type: 4, paddr: 0x0900_0000, data: Uint8Array.of(9, 9, 9) }, // PT_NOTE: not loaded
  { paddr: 0x0800_0028, vaddr: 0x2000_0000, data: initData }, // .data: loaded at its LMA
  { paddr: 0x2000_0004, data: new Uint8Array(0), memsz: 64 }, // .bss: nothing to program
];

describe('parseElf', () => {
  for (const wide of [false, true]) {
    for (const littleEndian of [true, false]) {
      it(`places PT_LOAD segments at their physical addresses (${wide ? 64 : 32}-bit, ${littleEndian ? 'LE' : 'BE'})`, () => {
        const { data, entry } = parseElf(buildElf({ wide, littleEndian, entry: 0x0800_0009, segments }));
        expect(entry).toBe(0x0800_0009);
        expect(data.ranges()).toEqual([{ start: 0x0800_0000, end: 0x0800_002c }]);
        expect([...data.read(0x0800_0000, 44)]).toEqual([...code, ...initData]);
      });
    }
  }

  it('explains truncated and invalid files', () => {
    const elf = buildElf({ wide: false, littleEndian: true, entry: 0, segments });
    expect(thrown(() => parseElf(elf.subarray(0, 30))).message).toMatch(/header is cut short/);
    expect(thrown(() => parseElf(elf.subarray(0, 100))).message).toMatch(/program headers .* past the end/);
    expect(thrown(() => parseElf(elf.subarray(0, elf.length - 2))).message).toMatch(
      /segment 2 .* past the end/,
    );
    expect(thrown(() => parseElf(Uint8Array.of(1, 2, 3, 4, 5, 6))).code).toBe('FORMAT_INVALID');
    const badClass = elf.slice();
    badClass[4] = 7;
    expect(thrown(() => parseElf(badClass)).message).toMatch(/unknown ELF class 7/);
  });

  it('refuses object files, overlapping segments and data past 4 GiB', () => {
    const none = buildElf({ wide: false, littleEndian: true, entry: 0, segments: [] });
    expect(thrown(() => parseElf(none)).code).toBe('FORMAT_UNSUPPORTED');
    const overlapping = buildElf({
      wide: false,
      littleEndian: true,
      entry: 0,
      segments: [
        { paddr: 0x1000, data: new Uint8Array(16) },
        { paddr: 0x1008, data: new Uint8Array(16) },
      ],
    });
    const overlap = thrown(() => parseElf(overlapping));
    expect([overlap.code, overlap.address]).toEqual(['FORMAT_OVERLAP', 0x1008]);
    const high = buildElf({
      wide: true,
      littleEndian: true,
      entry: 0,
      segments: [{ paddr: 0xffff_fff8, data: new Uint8Array(16) }],
    });
    expect(thrown(() => parseElf(high)).code).toBe('FORMAT_RANGE');
  });
});

const hasArmTools = ['arm-none-eabi-as', 'arm-none-eabi-ld', 'arm-none-eabi-objcopy'].every((tool) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

describe('parseElf against the GNU Arm toolchain', () => {
  it.skipIf(!hasArmTools)('matches arm-none-eabi-objcopy -O binary for a linked Cortex-M program', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webprog-elf-'));
    try {
      writeFileSync(
        join(dir, 'main.s'),
        [
          '.syntax unified',
          '.thumb',
          '.section .vectors, "a"',
          '.word 0x20001000',
          '.word reset + 1',
          '.text',
          '.global reset',
          '.thumb_func',
          'reset:',
          '  ldr r0, =value',
          '  ldr r1, [r0]',
          '  b reset',
          '.data',
          'value: .word 0xCAFEF00D, 0x12345678',
          '.bss',
          'buffer: .space 256',
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'link.ld'),
        [
          'MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K',
          '         RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 16K }',
          'ENTRY(reset)',
          'SECTIONS {',
          '  .vectors : { KEEP(*(.vectors)) } > FLASH',
          '  .text : { *(.text*) } > FLASH',
          '  .data : { *(.data*) } > RAM AT > FLASH',
          '  .bss : { *(.bss*) } > RAM',
          '}',
          '',
        ].join('\n'),
      );
      const run = (tool: string, ...args: string[]): void => {
        execFileSync(tool, args, { cwd: dir, stdio: 'pipe' });
      };
      run('arm-none-eabi-as', '-mcpu=cortex-m0', 'main.s', '-o', 'main.o');
      run('arm-none-eabi-ld', '-T', 'link.ld', 'main.o', '-o', 'main.elf');
      run('arm-none-eabi-objcopy', '-O', 'binary', 'main.elf', 'main.bin');
      const { data, entry } = parseElf(new Uint8Array(readFileSync(join(dir, 'main.elf'))));
      const expected = new Uint8Array(readFileSync(join(dir, 'main.bin')));
      expect(data.bounds()?.start).toBe(0x0800_0000);
      expect(entry & ~1).toBe(0x0800_0008);
      expect(writeBin(data, { fill: 0 })).toEqual(expected);
      // .data is programmed in flash (its load address), not at 0x20000000.
      expect(data.intersects(0x2000_0000, 0x2000_4000)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
