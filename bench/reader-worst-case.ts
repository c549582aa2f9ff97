/**
 * One reader on its worst-case input, measured in a process of its own (started by
 * formats.bench.ts with `--expose-gc --max-semi-space-size=1`, so the young generation is
 * collected every megabyte or so and no garbage hides between samples):
 *
 * - peak memory: the highest JS heap + external (typed-array) bytes above the baseline at any
 *   garbage collection during the read (V8's GCProfiler, "before" figures) or at its end, with
 *   the result still alive; garbage not yet collected counts, so this is an upper bound;
 * - time: the median wall time of 7 reads after 2 warm-ups.
 *
 * Prints `{ fileBytes, peakBytes, ms }` as JSON. Usage: `reader-worst-case.ts <case>`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { loadFile } from '../src/core/formats';
import { loadMicroPythonHex, MicroPythonFs } from '../src/core/microbit';
import {
  oneByteElf,
  oneByteHex,
  oneByteSrec,
  oneByteUf2,
  oneByteUniversalHex,
} from '../src/core/testing/pathological-files';
import { median } from './stats';

/** A worst case: its file and the read to measure. */
interface WorstCase {
  bytes: Uint8Array;
  read: () => unknown;
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function fixture(name: string): string {
  return readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'latin1');
}

/** The worst cases found (the fuzz suite's and issue 14's): every record its own one-byte run. */
const CASES: Record<string, () => WorstCase> = {
  'intel-hex': () => {
    const bytes = encode(oneByteHex(75_000, 2, 'descending'));
    return { bytes, read: () => loadFile('worst.hex', bytes) };
  },
  'universal-hex': () => {
    const bytes = encode(oneByteUniversalHex(75_000, 2, 'descending'));
    return { bytes, read: () => loadFile('worst.hex', bytes) };
  },
  uf2: () => {
    const bytes = oneByteUf2(2048, 2, 'descending');
    return { bytes, read: () => loadFile('worst.uf2', bytes) };
  },
  elf: () => {
    const bytes = oneByteElf(65_534, 2, 'descending');
    return { bytes, read: () => loadFile('worst.elf', bytes) };
  },
  srec: () => {
    const bytes = encode(oneByteSrec(62_000, 2, 'descending'));
    return { bytes, read: () => loadFile('worst.srec', bytes) };
  },
  bin: () => {
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 131) & 0xff);
    return { bytes, read: () => loadFile('worst.bin', bytes, { binBase: 0x1000 }) };
  },
  'micropython-fs': () => {
    const fs = MicroPythonFs.fromHexes([
      fixture('micropython-v1.1.1.hex'),
      fixture('micropython-v2.1.2.hex'),
    ]);
    // Many small files: the most chunks to follow and names to decode.
    for (let i = 0; fs.getStorageRemaining() > 256; i++) fs.write(`f${i}.py`, `x = ${i}\n`);
    const text = fs.exportUniversalHex();
    return { bytes: encode(text), read: () => loadMicroPythonHex(text) };
  },
};

const gc = globalThis.gc as () => void;

function used(): number {
  const s = v8.getHeapStatistics();
  return s.used_heap_size + s.external_memory;
}

function measure(name: string): { fileBytes: number; peakBytes: number; ms: number } {
  const worst = CASES[name]();
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    gc();
    const t0 = performance.now();
    worst.read();
    if (i >= 2) times.push(performance.now() - t0);
  }
  gc();
  gc();
  const base = used();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const result = worst.read();
  const end = used();
  const profile = profiler.stop();
  let peak = end;
  for (const s of profile.statistics) {
    peak = Math.max(peak, s.beforeGC.heapStatistics.usedHeapSize + s.beforeGC.heapStatistics.externalMemory);
  }
  if (result === undefined) throw new Error('no result');
  return { fileBytes: worst.bytes.length, peakBytes: peak - base, ms: median(times) };
}

const name = process.argv[2];
if (!name || !(name in CASES))
  throw new Error(`usage: reader-worst-case.ts <${Object.keys(CASES).join('|')}>`);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
console.log(JSON.stringify(measure(name)));
