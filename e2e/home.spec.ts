/**
 * The task-first home screen in Chromium: the jobs people come for, each one click away, the
 * device panel always visible, the offer of simulated boards to a visitor without one, and a
 * layout that fits 1280×720 and 1024×700 without sideways scrolling. Writes home-*.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { MicrobitProjectPage } from './pages/microbit-project-page';
import { screenshotBothThemes } from './screenshots';
import { V2_NAME, V2_PATH } from './v2-hex';

/** Nothing wider than the window, and no element cut off at the right edge. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(overflow.scroll, 'page width').toBeLessThanOrEqual(overflow.client);
}

test('the first screen offers every job one click away, with the device panel beside it', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const app = new AppPage(page);
  // Opening micro:bit Python fetches MicroPython in the background: serve it as its hosts do.
  await new MicrobitProjectPage(page).routeFirmware();
  await app.goto('?sim&simLatency=zero');
  const home = page.getByTestId('home');
  await expect(home).toBeVisible();
  for (const label of [
    'Flash a board',
    'micro:bit Python',
    'Classroom',
    'Scripts',
    'Inspect and convert files',
  ]) {
    await expect(home.getByRole('button', { name: new RegExp(label) })).toBeVisible();
  }
  await expect(page.getByTestId('device-panel')).toBeVisible();
  // The file inspector's panels are out of the way on the home screen.
  await expect(page.getByTestId('checksum-compute')).toHaveCount(0);
  await expect(page.getByTestId('flash-button')).toHaveCount(0);
  // Icons are SVG drawings, never emoji.
  await expect(page.locator('[data-testid="task-flash"] svg')).toHaveCount(1);
  await expectNoSidewaysScroll(page);
  await screenshotBothThemes(page, 'home');

  // One click: Flash a board shows the Flash button and the file list, device panel still there.
  await page.getByTestId('home-flash').click();
  await expect(page.getByTestId('flash-button')).toBeVisible();
  await expect(page.getByTestId('open-button')).toBeVisible();
  await expect(page.getByTestId('device-panel')).toBeVisible();
  await expect(page.getByTestId('checksum-compute')).toHaveCount(0);

  // One click: Inspect and convert files shows the hex view's tools.
  await page.getByTestId('task-inspect').click();
  await expect(page.getByTestId('checksum-compute')).toBeVisible();
  await expect(page.getByTestId('save-button')).toBeVisible();
  await expect(page.getByTestId('flash-button')).toHaveCount(0);

  // One click each: the micro:bit, classroom and scripts workspaces open beside the device panel.
  await page.getByTestId('task-microbit').click();
  await expect(page.getByTestId('mb-workspace')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('device-panel')).toBeVisible();
  await page.getByTestId('task-classroom').click();
  await expect(page.getByTestId('classroom-workspace')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('mb-workspace')).toBeHidden();
  await page.getByTestId('task-scripts').click();
  await expect(page.getByTestId('script-panel')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('device-panel')).toBeVisible();
  await page.getByTestId('task-home').click();
  await expect(home).toBeVisible();
  expect(app.errors).toEqual([]);
});

test('dropping a file or plugging in a board on the home screen starts Flash a board', async ({ page }) => {
  const app = new AppPage(page);
  await app.goto('?sim&simLatency=zero');
  await expect(page.getByTestId('home')).toBeVisible();
  await app.openWithInput([V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  await expect(page.getByTestId('flash-button')).toBeVisible();
  await expect(page.getByTestId('task-flash')).toHaveAttribute('aria-current', 'page');

  await page.getByTestId('task-home').click();
  await new DevicePanelPage(page).addSimulated('microbit-v2');
  await expect(page.getByTestId('task-flash')).toHaveAttribute('aria-current', 'page');
  expect(app.errors).toEqual([]);
});

test('a visitor without a board and without ?sim is offered a simulated board, and can flash it', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto('?simLatency=zero');
  const offer = page.getByTestId('home-try-sim');
  await expect(offer).toBeVisible();
  await page.getByTestId('try-simulated').click();
  await expect(page.getByTestId('sim-dialog')).toBeVisible();
  await page.getByTestId('sim-choice-microbit-v2').click();
  const devices = new DevicePanelPage(page);
  await expect(devices.items).toHaveCount(1);
  await expect(devices.items.first()).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
  await expect(page.getByTestId('flash-button')).toBeVisible();
  await expect(offer).toHaveCount(0);
  await app.openWithInput([V2_PATH]);
  await app.waitUntilShown(V2_NAME);
  await page.getByTestId('flash-button').click();
  await expect(page.locator('[data-testid="result-line"][data-outcome="done"]')).toContainText('verified', {
    timeout: 60_000,
  });
  expect(app.errors).toEqual([]);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1024, height: 700 },
]) {
  test(`every job fits ${size.width}×${size.height}: no sideways scrolling, the Flash button and device panel in view`, async ({
    page,
  }) => {
    await page.setViewportSize(size);
    const app = new AppPage(page);
    await new MicrobitProjectPage(page).routeFirmware();
    await app.goto('?sim&simLatency=zero');
    await expectNoSidewaysScroll(page);
    await new DevicePanelPage(page).addSimulated('esp32');
    await expect(page.getByTestId('flash-button')).toBeInViewport();
    await expect(page.getByTestId('esp-monitor')).toBeInViewport();
    const monitor = await page.getByTestId('esp-monitor').boundingBox();
    expect(monitor!.height, 'the serial pane keeps a usable height').toBeGreaterThanOrEqual(120);
    await expectNoSidewaysScroll(page);
    for (const task of ['inspect', 'microbit', 'classroom', 'scripts', 'home'] as const) {
      await page.getByTestId(`task-${task}`).click();
      await expect(page.getByTestId('device-panel')).toBeInViewport();
      await expect(page.getByTestId(`task-${task}`)).toBeInViewport();
      await expectNoSidewaysScroll(page);
    }
    expect(app.errors).toEqual([]);
  });
}
