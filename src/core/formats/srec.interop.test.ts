/**
 * S-records against independent tools: Debian's srecord (`srec_cat`, `srec_cmp`) and GNU
 * objcopy (`arm-none-eabi-objcopy`, from binutils-arm-none-eabi) converting the same data both
 * ways. `.ci/run` installs both packages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes as bytes } from '../../../workers/device/cmsis-dap/testing/images';
import { SparseData } from '../memory';
import { readSrec, writeSrec } from './srec';

const dir = mkdtempSync(path.join(tmpdir(), 'srec-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a tool; fails the test with its output (and the package to install) when it fails. */
function run(tool: string, args: string[], debianPackage: string): string {
  const result = spawnSync(tool, args, { encoding: 'utf8', cwd: dir, maxBuffer: 64 << 20 });
  if (result.error) {
    throw new Error(`${tool} could not be run (${result.error.message}): apt-get install ${debianPackage}`);
  }
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** The images tried: 16-, 24- and 32-bit addresses, gaps, one of more than 4 MiB. */
const IMAGES: [string, SparseData][] = [
  [
    '16-bit, two ranges',
    SparseData.from([
      { address: 0x100, data: bytes(700, 1) },
      { address: 0x9000, data: bytes(33, 2) },
    ]),
  ],
  [
    '24-bit, gaps',
    SparseData.from([
      { address: 0x1_0000, data: bytes(4096, 3) },
      { address: 0xfe_ff00, data: bytes(513, 4) },
    ]),
  ],
  [
    '32-bit, three ranges',
    SparseData.from([
      { address: 0x0800_0000, data: bytes(20_000, 5) },
      { address: 0x0800_8000, data: bytes(17, 6) },
      { address: 0x1fff_7800, data: bytes(16, 7) },
    ]),
  ],
  ['32-bit, 5 MiB', SparseData.from([{ address: 0x6000_0000, data: bytes(5 << 20, 8) }])],
];

/** srec_cat arguments that read each segment from its own binary file at its address. */
function binaryInputs(name: string, data: SparseData): string[] {
  return data.segments().flatMap((segment, i) => {
    const file = `${name}-${i}.bin`;
    writeFileSync(path.join(dir, file), segment.data);
    return [file, '-binary', '-offset', `0x${segment.address.toString(16)}`];
  });
}

// External tools over images of up to 5 MiB: seconds when idle, over 30 s with both cores busy.
describe('S-records against srec_cat, srec_cmp and objcopy', { timeout: 180_000 }, () => {
  it.each(IMAGES)('srec_cmp finds our S-records equal to the raw data (%s)', (label, data) => {
    const name = label.replace(/\W+/g, '-');
    writeFileSync(path.join(dir, `${name}.srec`), writeSrec(data, { header: name, recordSize: 32 }));
    run('srec_cmp', [`${name}.srec`, '-motorola', '(', ...binaryInputs(name, data), ')'], 'srecord');
  });

  it.each(IMAGES)('we read what srec_cat writes from the raw data (%s)', (label, data) => {
    const name = `cat-${label.replace(/\W+/g, '-')}`;
    for (const width of [2, 3, 4]) {
      const highest = (data.bounds()?.end ?? 1) - 1;
      if (highest >= 2 ** (8 * width)) continue;
      const out = `${name}-${width}.srec`;
      run(
        'srec_cat',
        [...binaryInputs(name, data), '-o', out, '-motorola', `-address-length=${width}`],
        'srecord',
      );
      const read = readSrec(readFileSync(path.join(dir, out), 'utf8'));
      expect(read.data.equals(data), `${label} with ${width}-byte addresses`).toBe(true);
      expect(read.warnings).toEqual([]);
    }
  });

  it('we read what objcopy writes, and objcopy reads what we write back to the same bytes', () => {
    const data = bytes(70_000, 9);
    writeFileSync(path.join(dir, 'in.bin'), data);
    run(
      'arm-none-eabi-objcopy',
      ['-I', 'binary', '-O', 'srec', '--change-addresses', '0x08000000', 'in.bin', 'objcopy.srec'],
      'binutils-arm-none-eabi',
    );
    const read = readSrec(readFileSync(path.join(dir, 'objcopy.srec'), 'utf8'));
    expect(read.data.equals(SparseData.from([{ address: 0x0800_0000, data }]))).toBe(true);

    writeFileSync(
      path.join(dir, 'ours.srec'),
      writeSrec(SparseData.from([{ address: 0x2000_0000, data }]), { recordSize: 64, entry: 0x2000_0001 }),
    );
    run(
      'arm-none-eabi-objcopy',
      ['-I', 'srec', '-O', 'binary', 'ours.srec', 'back.bin'],
      'binutils-arm-none-eabi',
    );
    expect(new Uint8Array(readFileSync(path.join(dir, 'back.bin')))).toEqual(data);
  });
});
