/**
 * The limit for the longest task on the page's main thread during an operation. It is 50 ms
 * (a "long task") on a machine running at its usual speed, and it grows with how much slower the
 * page runs, so the check holds on a busy 2-core machine and still catches work that blocks the
 * page: a task that would be 30 ms here becomes 60 ms when the page gets half a core, and so
 * does the limit.
 *
 * The slowdown is measured in the page with a fixed piece of arithmetic, twice:
 * - during the operation ({@link watchSlowdown}): a 5 ms piece every 100 ms, so the page's share
 *   of the CPU while the simulated devices work beside it (in the device worker, on the same two
 *   cores, with whatever else the machine runs) is measured, not guessed; the 90th percentile of
 *   those is the slowdown during the run (a slowdown that lasts a tenth of the run counts);
 * - after it ({@link longTaskLimit}): a 10 ms piece seven times, the median.
 * The larger of the two counts (never below 1). The references are what the pieces take on an
 * idle machine of ours in Chromium (measured: 10.2–10.6 ms and 5.0–5.4 ms).
 */
import type { Page } from '@playwright/test';

/** The long-task threshold of the Long Tasks API and RAIL. */
export const LONG_TASK_MS = 50;

/** What the 10 ms calibration piece takes on an idle machine. */
const REFERENCE_MS = 10;
/** Iterations of the 10 ms piece; the 5 ms piece run during the operation does half. */
const ITERATIONS = 400_000;
/** How often the piece runs during the operation. */
const WATCH_INTERVAL_MS = 100;

interface SlowdownWindow {
  __slowdownSamples?: number[];
  __slowdownTimer?: number;
  __slowdownWork?: (iterations: number) => number;
}

/**
 * Puts the calibration piece in the page as `window.__slowdownWork` (once per page). It is
 * defined by DevTools, not evaluated from a string: the page's CSP forbids eval.
 */
async function installWork(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as SlowdownWindow;
    w.__slowdownWork ??= (iterations: number): number => {
      let x = 0x12345678 >>> 0;
      let acc = 0;
      for (let i = 0; i < iterations; i++) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        acc = (acc + x) % 1000003;
      }
      return acc;
    };
  });
}

/** Starts timing the 5 ms piece every 100 ms in the page, until {@link longTaskLimit} reads it. */
export async function watchSlowdown(page: Page): Promise<void> {
  await installWork(page);
  await page.evaluate(
    ({ iterations, interval }) => {
      const w = window as unknown as SlowdownWindow;
      const work = w.__slowdownWork!;
      work(iterations); // warm-up: compile before timing
      w.__slowdownSamples = [];
      w.__slowdownTimer = window.setInterval(() => {
        const start = performance.now();
        work(iterations);
        w.__slowdownSamples!.push(performance.now() - start);
      }, interval);
    },
    { iterations: ITERATIONS / 2, interval: WATCH_INTERVAL_MS },
  );
}

/** The longest task allowed now, with the measured slowdown (during the operation, if watched). */
export async function longTaskLimit(
  page: Page,
): Promise<{ limitMs: number; slowdown: number; text: string }> {
  await installWork(page);
  const { after, during } = await page.evaluate(
    async ({ iterations }) => {
      const w = window as unknown as SlowdownWindow;
      window.clearInterval(w.__slowdownTimer);
      const during = w.__slowdownSamples ?? [];
      const work = w.__slowdownWork!;
      work(iterations); // warm-up: compile before timing
      const after: number[] = [];
      for (let i = 0; i < 7; i++) {
        const start = performance.now();
        work(iterations);
        after.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { after, during };
    },
    { iterations: ITERATIONS },
  );
  const sortedAfter = [...after].sort((a, b) => a - b);
  const slowdownAfter = sortedAfter[Math.floor(sortedAfter.length / 2)] / REFERENCE_MS;
  const sortedDuring = [...during].sort((a, b) => a - b);
  const slowdownDuring =
    sortedDuring.length >= 4 ? sortedDuring[Math.floor(sortedDuring.length * 0.9)] / (REFERENCE_MS / 2) : 1;
  const slowdown = Math.max(1, slowdownAfter, slowdownDuring);
  const limitMs = LONG_TASK_MS * slowdown;
  const text = `${limitMs.toFixed(0)} (page ${slowdownDuring.toFixed(2)}× slower than idle during the run, ${slowdownAfter.toFixed(2)}× after it)`;
  return { limitMs, slowdown, text };
}
