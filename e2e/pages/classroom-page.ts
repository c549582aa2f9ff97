/** Page object for classroom mode: the controls the classroom e2e spec drives, by test id. */
import type { Download, Locator, Page } from '@playwright/test';

/** Classroom mode as a teacher sees it. */
export class ClassroomPage {
  constructor(readonly page: Page) {}

  /** The workspace overlay. */
  get workspace(): Locator {
    return this.page.getByTestId('classroom-workspace');
  }

  /** Every board's row, in table order. */
  get rows(): Locator {
    return this.page.getByTestId('classroom-row');
  }

  /** The row of board `index` (1-based, the order boards were plugged in). */
  row(index: number): Locator {
    return this.page.locator(`[data-testid="classroom-row"][data-index="${index}"]`);
  }

  /** A summary count: `flashed`, `up-to-date` or `failed`. */
  count(which: 'flashed' | 'up-to-date' | 'failed'): Locator {
    return this.page.getByTestId(`classroom-${which}`);
  }

  /** Opens the workspace with the Classroom tab (one click). */
  async open(): Promise<void> {
    await this.page.getByTestId('task-classroom').click();
    await this.workspace.waitFor();
  }

  /** Uses the open file as the image and starts the session. */
  async useOpenFileAndStart(): Promise<void> {
    await this.page.getByTestId('classroom-use-file').click();
    await this.page.getByTestId('classroom-start').click();
    await this.page.getByTestId('classroom-stop').waitFor();
  }

  /** Plugs in a simulated micro:bit V2 (optionally one that fails its first flash); waits for its row. */
  async plugSimulatedV2(options: { failFirstFlash?: boolean } = {}): Promise<void> {
    const before = await this.rows.count();
    if (options.failFirstFlash) await this.page.getByTestId('classroom-fail-first').check();
    await this.page.getByTestId('classroom-plug-v2').click();
    await this.row(before + 1).waitFor();
  }

  /** Retries the failed boards. */
  async retryFailed(): Promise<void> {
    await this.page.getByTestId('classroom-retry').click();
  }

  /** Exports the results and returns the download. */
  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('classroom-csv').click();
    return download;
  }

  /** Starts recording long tasks (PerformanceObserver 'longtask') in the page. */
  async watchLongTasks(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
  }

  /**
   * Proves the observer sees long tasks here: blocks the page for 80 ms, waits for that task to
   * be reported, then clears the record; resolves with the task's duration.
   */
  async checkLongTaskObserver(): Promise<number> {
    // In a task of the page's own: Chromium does not report tasks run by DevTools' evaluate.
    await this.page.evaluate(() => {
      setTimeout(() => {
        const start = performance.now();
        while (performance.now() - start < 80) {
          // Busy on purpose.
        }
      }, 0);
    });
    const seen = await this.page.waitForFunction(
      () => {
        const tasks = (window as unknown as { __longTasks: number[] }).__longTasks;
        return tasks.length > 0 ? Math.max(...tasks) : 0;
      },
      undefined,
      { polling: 100, timeout: 10_000 },
    );
    await this.page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
    return (await seen.jsonValue()) as number;
  }

  /** Durations (ms) of the long tasks seen since {@link watchLongTasks}. */
  async longTasks(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  }
}
