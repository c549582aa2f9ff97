/**
 * The wall time of a full flash measured in a fresh Node process, as a visitor's browser tab
 * or a test file's worker meets it: not after the bench's other suites have trained V8 on
 * other chips in the same process. {@link wallInFreshProcess} runs this file as a child
 * (`node --import tsx bench/full-flash-wall.ts v2`), which flashes once (the JIT warming up),
 * then on fresh boards a few more times, untimed and then timed ({@link steadyWall}), and
 * prints what it measured as JSON.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DAPLINK_LATENCY } from '../src/sim/clock';
import { fullFlash, steadyWall, timedFullFlash, type CpuCounts, type SteadyWall } from './cmsis-full-flash';

/** What the child measured: the first flash, and the median of the ones after it. */
export interface FreshProcessWall {
  first: { ms: number; wallMs: number; counts: CpuCounts };
  steady: SteadyWall;
}

/** Measures `board`'s timed full flash ({@link timedFullFlash}) in a fresh process. */
export function wallInFreshProcess(board: 'v2' | 'stm32f411'): FreshProcessWall {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), board], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as FreshProcessWall;
}

async function measure(board: 'v2' | 'stm32f411'): Promise<FreshProcessWall> {
  const job = timedFullFlash(board);
  const once = () => fullFlash(job.board, job.data, DAPLINK_LATENCY, job.previous);
  const first = await once();
  const steady = await steadyWall(first, once);
  return { first: { ms: first.ms, wallMs: first.wallMs, counts: first.counts }, steady };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const board = process.argv[2];
  if (board !== 'v2' && board !== 'stm32f411') throw new Error('usage: full-flash-wall.ts v2|stm32f411');
  process.stdout.write(JSON.stringify(await measure(board)));
}
