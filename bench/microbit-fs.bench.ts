/**
 * micro:bit MicroPython filesystem benchmarks: building a V1 + V2 Universal Hex holding three
 * files, and importing the files of such a Universal Hex — each against
 * @microbit/microbit-fs 0.10.0 (what the Python Editor runs) doing the same work. Medians of
 * 7 runs after 2 warm-ups, wall time in Node; ours and the peer's runs alternate so both see
 * the same machine state (this machine is shared, single figures vary by ±30 %). Loading the
 * peer loads core-js (bundled in @microbit/microbit-universal-hex), which makes every regex
 * split or replace in the process ~40× slower; the app never loads it, and our readers scan
 * lines without regexes, so our figures are what the app sees.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MicropythonFsHex } from '@microbit/microbit-fs';
import { MicroPythonFs } from '../src/core/microbit';
import { median } from './stats';
import type { BenchResult } from './types';

const RUNS = 7;
const WARMUP = 2;

/** Median wall times (ms) of `ours` and `peer`, run alternately. */
function alternate(ours: () => unknown, peer: () => unknown, runs = RUNS): { ours: number; peer: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const t0 = performance.now();
    ours();
    const t1 = performance.now();
    peer();
    const t2 = performance.now();
    if (i >= WARMUP) {
      a.push(t1 - t0);
      b.push(t2 - t1);
    }
  }
  return { ours: median(a), peer: median(b) };
}

function fixture(name: string): string {
  return readFileSync(resolve(process.cwd(), '../shared/fixtures/microbit', name), 'utf8');
}

/** Three files a pupil's project might hold. */
const FILES: [string, string][] = [
  [
    'main.py',
    'from microbit import *\nimport helpers\n' + 'display.scroll(helpers.greet("pupil"))\n'.repeat(60),
  ],
  ['helpers.py', 'def greet(name):\n    return "Hello, " + name + "!"\n'.repeat(40)],
  ['notes.txt', 'Remember to press A then B.\n'.repeat(50)],
];

/** Runs the micro:bit filesystem benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const v1 = fixture('micropython-v1.1.1.hex');
  const v2 = fixture('micropython-v2.1.2.hex');
  const note = `V1 1.1.1 + V2 2.1.2, three files (${FILES.map(([n]) => n).join(', ')}), median of ${RUNS} runs`;
  const newPeer = (): MicropythonFsHex =>
    new MicropythonFsHex([
      { hex: v1, boardId: 0x9900 },
      { hex: v2, boardId: 0x9903 },
    ]);
  const results: BenchResult[] = [];

  // Opening both MicroPython hexes: the cost paid once when the editor starts.
  const open = alternate(() => MicroPythonFs.fromHexes([v1, v2]), newPeer, 5);
  results.push({
    name: 'open V1 + V2 MicroPython hexes',
    value: open.ours,
    unit: 'ms',
    target: { value: 400, better: 'lower' },
    peer: { name: 'microbit-fs new MicropythonFsHex', value: open.peer },
    note: 'parse both hexes and read their layout; once per session; median of 5 runs',
  });

  const ours = MicroPythonFs.fromHexes([v1, v2]);
  const peer = newPeer();
  for (const [name, text] of FILES) {
    ours.write(name, text);
    peer.write(name, text);
  }

  // The first export also encodes the unchanging runtime parts, which later exports reuse:
  // timed on fresh filesystems (opening them is not timed), median of 5.
  const firsts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = MicroPythonFs.fromHexes([v1, v2]);
    for (const [name, text] of FILES) fresh.write(name, text);
    const t0 = performance.now();
    fresh.exportUniversalHex();
    firsts.push(performance.now() - t0);
  }
  const universal = ours.exportUniversalHex();
  results.push({
    name: 'first V1 + V2 Universal Hex, 3 files',
    value: median(firsts),
    unit: 'ms',
    target: { value: 400, better: 'lower' },
    note: 'includes encoding the runtime sections, done once per image; fresh filesystems, median of 5',
  });
  const build = alternate(
    () => ours.exportUniversalHex(),
    () => peer.getUniversalHex(),
  );
  results.push({
    name: 'build V1 + V2 Universal Hex, 3 files',
    value: build.ours,
    unit: 'ms',
    target: { value: 20, better: 'lower' },
    peer: { name: 'microbit-fs getUniversalHex', value: build.peer },
    note: `${note}; ${(universal.length / 1e6).toFixed(2)} MB of text, 32-byte records`,
  });

  const check = MicroPythonFs.fromHex(universal);
  if (check.ls().join() !== FILES.map(([n]) => n).join())
    throw new Error('Universal Hex round trip lost files');
  const load = alternate(
    () => ours.importFilesFromHex(universal, { formatFirst: true }),
    () => peer.importFilesFromUniversalHex(universal, { formatFirst: true }),
  );
  results.push({
    name: 'import files from a Universal Hex',
    value: load.ours,
    unit: 'ms',
    target: { value: 300, better: 'lower' },
    peer: { name: 'microbit-fs importFilesFromUniversalHex', value: load.peer },
    note,
  });

  const intel = alternate(
    () => ours.exportIntelHex('V2'),
    () => peer.getIntelHex(0x9903),
  );
  results.push({
    name: 'build V2 Intel Hex, 3 files',
    value: intel.ours,
    unit: 'ms',
    target: { value: 10, better: 'lower' },
    peer: { name: 'microbit-fs getIntelHex(0x9903)', value: intel.peer },
    note: 'what "Send to micro:bit" builds for a V2 board',
  });
  return results;
}
