/**
 * The main workflow in Chromium against a simulated micro:bit V2 (`?sim&simLatency=zero`): open
 * the V2 MicroPython hex, flash it and see the result line (with nothing blocking the page for
 * 50 ms or more meanwhile), read the chip back and save it, compare buffer and chip, cancel a
 * flash and unplug the board mid-flash (each with its message, each followed by a flash that
 * succeeds), keyboard shortcuts and themes. Writes the screenshots in docs/screenshots/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { longTaskLimit, watchSlowdown } from './long-task-limit';
import { V2_NAME, V2_PATH, v2Bytes } from './v2-hex';
import { DevicePanelPage } from './pages/device-panel';
import { WorkflowPage } from './pages/workflow-page';

const SCREENSHOTS = path.resolve(process.cwd(), 'docs/screenshots');
const READ_NAME = 'nordic-nrf52833-read.hex';

/** Starts recording long tasks (main-thread work of 50 ms or more) in the page. */
async function recordLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

let app: AppPage;
let devices: DevicePanelPage;
let flow: WorkflowPage;

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  flow = new WorkflowPage(page);
  await app.goto('?sim&simLatency=zero');
  await app.openWithInput([V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  const board = await devices.addSimulated('microbit-v2');
  await expect(board).toHaveAttribute('data-status', 'connected');
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test(
  'flashes the V2 hex to the simulated micro:bit from the main workflow and shows the result line',
  { tag: '@responsiveness' },
  async ({ page }) => {
    const title = (await devices.selected.getByTestId('device-title').textContent())!.trim();
    await expect(page.getByTestId('summary-buffer')).toHaveText(V2_NAME);
    await expect(page.getByTestId('summary-device')).toHaveText(title);
    await expect(page.locator('[data-testid="region-choice"][data-region="Code Flash"] input')).toBeChecked();
    await expect(page.locator('[data-testid="region-choice"][data-region="UICR"] input')).toBeChecked();

    await recordLongTasks(page);
    await watchSlowdown(page);
    await flow.flashButton.click();
    await expect(flow.cancelButton).toBeVisible();
    const result = await flow.waitForResult('done');
    await expect(result).toHaveText(
      new RegExp(
        `^\\s*Flashed ${V2_NAME.replace(/\./g, '\\.')} to ${title}: wrote [\\d.]+ KiB in [\\d.]+ s, verified\\.$`,
      ),
    );
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const { limitMs, text } = await longTaskLimit(page);
    test.info().annotations.push({
      type: 'long tasks (ms)',
      description: `${JSON.stringify(longTasks)}; limit ${text}`,
    });
    expect(
      longTasks.filter((ms) => ms >= limitMs),
      `main-thread tasks of ${limitMs.toFixed(0)} ms or more during the flash (50 ms × the machine's slowdown)`,
    ).toEqual([]);
    await expect(page.getByTestId('log')).toContainText(`Flashed ${V2_NAME} to ${title}`);

    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'workflow-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'workflow-light.png');

    // Flashing again finds every block already right.
    await flow.flashButton.click();
    await expect(await flow.waitForResult('done')).toContainText('blocks skipped as unchanged');
  },
);

test('reads the chip back into a buffer and saves it', async ({ page }) => {
  await flow.flashButton.click();
  await flow.waitForResult('done');
  await flow.run('op-read');
  await expect(await flow.waitForResult('done')).toHaveText(
    /^\s*Read [\d.]+ KiB from .* into nordic-nrf52833-read\.hex\.$/,
  );
  await expect(app.fileItem(READ_NAME)).toHaveClass(/selected/);
  await expect(page.getByTestId('log')).toContainText(`Opened ${READ_NAME}: Intel Hex`);

  const download = await app.saveAs('bin');
  expect(download.suggestedFilename()).toBe('nordic-nrf52833-read.bin');
  const saved = readFileSync(await download.path());
  expect(saved.length).toBe(0x80000);
  expect(saved.equals(v2Bytes(0, 0x80000))).toBe(true);
});

test('compares the buffer with the chip in the compare view', async ({ page }) => {
  await flow.run('op-compare');
  await expect(await flow.waitForResult('done')).toHaveText(/: [\d,]+ bytes in [\d,]+ ranges? differ\.$/);
  await expect(app.fileItem(V2_NAME)).toHaveClass(/selected/);
  await expect(page.getByTestId('compare-select')).toHaveValue(/\d+/);
  await expect(page.getByTestId('diff-summary')).toContainText(`differ from ${READ_NAME}`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'compare-dark.png');

  await flow.flashButton.click();
  await flow.waitForResult('done');
  await flow.run('op-compare');
  await expect(await flow.waitForResult('done')).toHaveText(/: identical in the chosen regions\.$/);
  await expect(page.getByTestId('diff-summary')).toContainText('Identical to nordic-nrf52833-read-2.hex');
});

test('a cancelled flash says so, and the next flash succeeds', async ({ page }) => {
  await flow.flashButton.click();
  await flow.waitForProgress('Flash');
  // Bytes done while it runs (rate and time left follow once the rate is measured).
  await expect(flow.progressText).toContainText(/[\d.]+ (B|KiB) of [\d.]+ KiB/);
  await flow.cancelButton.click();
  const cancelled = await flow.waitForResult('cancelled');
  await expect(cancelled).toContainText('Flash cancelled');
  // What the stopped flash had changed, as the engine reports it (or, before any block, a warning).
  await expect(cancelled).toContainText(
    /Before it stopped, .* Flash again to finish\.|The chip may be partly programmed: flash again to finish\./,
  );
  await expect(page.getByTestId('log')).toContainText('Flash cancelled');

  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified');
});

test('unplugging the board mid-flash says so, and a flash to the board plugged back succeeds', async ({
  page,
}) => {
  await flow.flashButton.click();
  await flow.waitForProgress('Flash');
  await devices.unplugSelected();
  const failed = await flow.waitForResult('failed');
  await expect(failed).toContainText('Flash failed: The board was unplugged.');
  await expect(page.getByTestId('result-advice')).toContainText('Plug it back in');
  await expect(devices.items).toHaveCount(0);
  await expect(devices.notice).toContainText('was unplugged');

  await devices.addSimulated('microbit-v2');
  await expect(devices.selected).toHaveAttribute('data-status', 'connected');
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified');
});

test('keyboard: Ctrl+Shift+F flashes, ? lists the shortcuts, Ctrl+Shift+X switches the theme', async ({
  page,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.keyboard.press('Control+Shift+F');
  await expect(await flow.waitForResult('done')).toContainText('verified');

  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts-dialog');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Ctrl+Shift+F');
  await expect(help).toContainText('Flash the buffer to the selected device');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme', 'light');
  await page.keyboard.press('Control+Shift+X');
  await expect(toggle).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The choice survives a reload.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
