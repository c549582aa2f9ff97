/**
 * File-format benchmarks: opening the MicroPython V2 hex (against bare nrf-intel-hex),
 * splitting and creating a V1 + V2 Universal Hex (against @microbit/microbit-universal-hex),
 * and writing the V2 image back as Intel Hex (against nrf-intel-hex asHexString). Medians of 7 runs (15 for the parse target)
 * after 2 warm-ups. For the parse target ours and the peer's runs alternate (same machine
 * state, similar garbage);
 * the Universal Hex figures run in separate blocks because the peer leaves far more garbage
 * behind, which would otherwise be collected during our runs.
 *
 * Then every reader on the worst input found for it (issue 14 and the fuzz suite: each record
 * its own one-byte run, in descending address order), each in a fresh process
 * (bench/reader-worst-case.ts): peak memory as a multiple of the file size (target ≤ 4×) and
 * time per megabyte of file (target ≤ 200 ms/MB).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import MemoryMap from 'nrf-intel-hex';
import type * as MicrobitUh from '@microbit/microbit-universal-hex';
import {
  createUniversalHex,
  loadFile,
  parseIntelHex,
  splitUniversalHex,
  writeIntelHex,
} from '../src/core/formats';
import { median, medianMs } from './stats';
import type { BenchResult } from './types';

/**
 * The package's ESM build. Its `main` (UMD) bundle carries core-js 2 polyfills that replace
 * `String.prototype.split`/`replace`/`match` for the whole process, which would slow every
 * bench suite that runs after this one (and our own regular-expression splits).
 */
const MICROBIT_UH_ESM = '@microbit/microbit-universal-hex/dist/esm5/index.js';

const RUNS = 7;
/** More runs for the figure with a target: a 10 % margin needs a steadier median. */
const TARGET_RUNS = 15;
const WARMUP = 2;

function fixture(name: string): Buffer {
  return readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name));
}

/**
 * Median wall times (ms) of `ours` and `peer`, run alternately (which one goes first flips
 * every round, so neither always pays for the other's garbage).
 */
function alternate(ours: () => unknown, peer: () => unknown, runs: number): { ours: number; peer: number } {
  const a: number[] = [];
  const b: number[] = [];
  const timed = (fn: () => unknown): number => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  for (let i = 0; i < WARMUP + runs; i++) {
    let x: number;
    let y: number;
    if (i % 2 === 0) {
      x = timed(ours);
      y = timed(peer);
    } else {
      y = timed(peer);
      x = timed(ours);
    }
    if (i >= WARMUP) {
      a.push(x);
      b.push(y);
    }
  }
  return { ours: median(a), peer: median(b) };
}

/** Median wall times (ms) of `ours`, then of `peer`, each in its own block of runs. */
async function blocks(ours: () => unknown, peer: () => unknown): Promise<{ ours: number; peer: number }> {
  return { ours: await medianMs(ours, RUNS, WARMUP), peer: await medianMs(peer, RUNS, WARMUP) };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The worst case of each reader, as reader-worst-case.ts names them, and what it is. */
const WORST_CASES: { name: string; reader: string; input: string }[] = [
  { name: 'intel-hex', reader: 'Intel Hex', input: '75,000 one-byte records 2 bytes apart, descending' },
  { name: 'universal-hex', reader: 'Universal Hex', input: '75,000 one-byte 0x0D records, descending' },
  { name: 'uf2', reader: 'UF2', input: '2,048 blocks of one byte each, descending' },
  { name: 'elf', reader: 'ELF', input: '65,534 one-byte PT_LOAD segments, descending' },
  { name: 'srec', reader: 'S-record', input: '62,000 one-byte S3 records 2 bytes apart, descending' },
  { name: 'bin', reader: 'bin', input: '1 MiB at 0x1000' },
  {
    name: 'micropython-fs',
    reader: 'MicroPython filesystem',
    input: 'V1+V2 Universal Hex, filesystem full of tiny files',
  },
];

/** Runs one worst case in its own process (a clean heap, small young generation, gc exposed). */
function worstCase(name: string): { fileBytes: number; peakBytes: number; ms: number } {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'reader-worst-case.ts');
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx', script, name],
    { encoding: 'utf8', cwd: process.cwd() },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as { fileBytes: number; peakBytes: number; ms: number };
}

/** Peak memory and time of every reader on its worst case, beside the targets. */
export function worstCaseResults(): BenchResult[] {
  const results: BenchResult[] = [];
  for (const c of WORST_CASES) {
    const { fileBytes, peakBytes, ms } = worstCase(c.name);
    const mb = fileBytes / 1e6;
    results.push({
      name: `${c.reader} worst case: peak memory`,
      value: Math.round((peakBytes / fileBytes) * 10) / 10,
      unit: '× file',
      target: { value: 4, better: 'lower' },
      note: `${c.input}: ${(peakBytes / 1e6).toFixed(1)} MB for ${mb.toFixed(2)} MB (heap + typed arrays, result alive)`,
    });
    results.push({
      name: `${c.reader} worst case: time`,
      value: round(ms / mb),
      unit: 'ms/MB',
      target: { value: 200, better: 'lower' },
      note: `${c.input}: ${round(ms)} ms for ${mb.toFixed(2)} MB (median of 7)`,
    });
  }
  return results;
}

/** Runs the format benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const microbitUh = (await import(MICROBIT_UH_ESM)) as typeof MicrobitUh;
  const v2Buffer = fixture('micropython-v2.1.2.hex');
  const v2Bytes = new Uint8Array(v2Buffer);
  const v2Text = v2Buffer.toString('latin1');
  const v1Text = fixture('micropython-v1.1.1.hex').toString('latin1');
  const results: BenchResult[] = [];

  const open = alternate(
    () => loadFile('micropython-v2.1.2.hex', v2Bytes),
    () => MemoryMap.fromHex(v2Text),
    TARGET_RUNS,
  );
  results.push({
    name: 'open MicroPython V2 hex (1.2 MB)',
    value: round(open.ours),
    unit: 'ms',
    target: { value: round(open.peer * 1.1), better: 'lower' },
    peer: { name: 'nrf-intel-hex MemoryMap.fromHex', value: round(open.peer) },
    note: 'loadFile from bytes (decode, detect, normalise, parse, SparseData) vs bare fromHex on the same clean text',
  });

  const hexes = [
    { boardId: 0x9900, hex: v1Text },
    { boardId: 0x9903, hex: v2Text },
  ];
  const universal = createUniversalHex(hexes);
  const split = await blocks(
    () => splitUniversalHex(universal),
    () => microbitUh.separateUniversalHex(universal),
  );
  results.push({
    name: 'split Universal Hex (V1 1.1.1 + V2 2.1.2)',
    value: round(split.ours),
    unit: 'ms',
    peer: { name: '@microbit/microbit-universal-hex separateUniversalHex', value: round(split.peer) },
    note: `${(universal.length / 1e6).toFixed(2)} MB sections layout; ours verifies every checksum`,
  });

  const create = await blocks(
    () => createUniversalHex(hexes),
    () => microbitUh.createUniversalHex(hexes),
  );
  results.push({
    name: 'create Universal Hex (V1 1.1.1 + V2 2.1.2)',
    value: round(create.ours),
    unit: 'ms',
    peer: { name: '@microbit/microbit-universal-hex createUniversalHex', value: round(create.peer) },
    note: 'sections layout; ours verifies every input checksum',
  });

  const image = parseIntelHex(v2Text);
  const map = new MemoryMap();
  for (const s of image.segments()) map.set(s.address, s.data);
  const write = await blocks(
    () => writeIntelHex(image),
    () => map.asHexString(16),
  );
  results.push({
    name: 'write MicroPython V2 image as Intel Hex',
    value: round(write.ours),
    unit: 'ms',
    peer: { name: 'nrf-intel-hex MemoryMap.asHexString', value: round(write.peer) },
    note: `${image.byteCount} bytes, 16-byte records (the same records as the peer's)`,
  });

  results.push(...worstCaseResults());
  return results;
}
