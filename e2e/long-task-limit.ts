/**
 * The limit for the longest task on the page's main thread during an operation. It is 50 ms
 * (a "long task") on a machine running at its usual speed, and it grows with how much slower the
 * page runs right now, so the check holds on a busy 2-core machine and still catches work that
 * blocks the page: a task that would be 30 ms here becomes 60 ms when the page gets half a core,
 * and so does the limit.
 *
 * The slowdown is measured in the page: a fixed piece of arithmetic that takes about
 * {@link REFERENCE_MS} in Node or Chromium on an idle machine of ours (measured: 10.2–10.6 ms) is
 * timed seven times, and the median against the reference is the slowdown (never below 1).
 */
import type { Page } from '@playwright/test';

/** The long-task threshold of the Long Tasks API and RAIL. */
export const LONG_TASK_MS = 50;

/** What the calibration work takes on an idle machine (median of 40 runs in Node 20). */
const REFERENCE_MS = 10;

/** The longest task allowed now, with the measured slowdown. */
export async function longTaskLimit(page: Page): Promise<{ limitMs: number; slowdown: number }> {
  const times = await page.evaluate(async () => {
    const work = (): number => {
      let x = 0x12345678 >>> 0;
      let acc = 0;
      for (let i = 0; i < 400_000; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        acc = (acc + x) % 1000003;
      }
      return acc;
    };
    work(); // warm-up: compile before timing
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      work();
      runs.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return runs;
  });
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const slowdown = Math.max(1, median / REFERENCE_MS);
  return { limitMs: LONG_TASK_MS * slowdown, slowdown };
}
