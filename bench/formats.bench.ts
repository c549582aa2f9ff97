/**
 * File-format benchmarks: opening the MicroPython V2 hex (against bare nrf-intel-hex),
 * splitting and creating a V1 + V2 Universal Hex (against @microbit/microbit-universal-hex),
 * and writing the V2 image back as Intel Hex (against nrf-intel-hex asHexString). Medians of 7 runs (15 for the parse target)
 * after 2 warm-ups. For the parse target ours and the peer's runs alternate (same machine
 * state, similar garbage);
 * the Universal Hex figures run in separate blocks because the peer leaves far more garbage
 * behind, which would otherwise be collected during our runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

  return results;
}
