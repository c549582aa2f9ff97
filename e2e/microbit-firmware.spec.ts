/**
 * MicroPython downloads as a real browser sees them. The catalogue's sources are served the way
 * their hosts serve them: the CORS mirrors (jsDelivr, raw.githubusercontent.com) with
 * `Access-Control-Allow-Origin`, the GitHub release assets without it, so Chromium refuses to hand
 * those to the page, exactly as it does on the web. The first open of the micro:bit view online
 * fetches both builds in the background; Download and Send then work offline. When every source
 * is refused the person is told what to do, never "No device connected".
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { MICROPYTHON_RELEASES } from '../src/core/microbit/firmware-catalogue';
import { AppPage } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { MicrobitProjectPage } from './pages/microbit-project-page';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/microbit');
const RELEASE_ASSETS = MICROPYTHON_RELEASES.map((e) => e.url);

let app: AppPage;
let mb: MicrobitProjectPage;

test.beforeEach(async ({ page }) => {
  app = new AppPage(page);
  mb = new MicrobitProjectPage(page);
});

test('the first open online fetches V1 and V2 from the CORS mirrors; Download and Send then work offline', async ({
  page,
}) => {
  await mb.routeFirmware('serve');
  await app.goto('?sim&simLatency=zero');
  await page.evaluate(() => localStorage.clear());
  await mb.open();
  // Nothing was asked for: the background fetch alone makes both builds available offline.
  await mb.waitForFirmwareCached();
  expect(mb.firmwareRequests).toEqual(MICROPYTHON_RELEASES.map((e) => e.mirrors[0]));
  expect(mb.firmwareRequests.filter((url) => RELEASE_ASSETS.includes(url))).toEqual([]);
  expect(app.errors).toEqual([]);

  // Offline from here on: no network at all, every firmware address fails.
  await page.unrouteAll();
  const offline = new MicrobitProjectPage(page);
  await offline.routeFirmware('offline');
  await page.reload();
  await new DevicePanelPage(page).addSimulated('microbit-v2');
  await offline.open();
  const download = await offline.download();
  expect(download.suggestedFilename()).toBe('Untitled project.hex');

  await page.getByTestId('mb-send-refresh').click();
  await expect(page.getByTestId('mb-send')).toBeEnabled();
  await page.getByTestId('mb-send').click();
  await expect(page.getByTestId('mb-send-result')).toHaveAttribute('data-kind', 'info', { timeout: 60_000 });
  await expect(page.getByTestId('mb-send-result')).toContainText('verified');
  expect(offline.firmwareRequests).toEqual([]);
});

test('sources without CORS headers are refused as the browser refuses them; the person is told what to do', async ({
  page,
}) => {
  await mb.routeFirmware('no-cors');
  await app.goto('?sim&simLatency=zero');
  await page.evaluate(() => localStorage.clear());
  await new DevicePanelPage(page).addSimulated('microbit-v2');
  await mb.open();
  for (const board of ['V1', 'V2']) {
    await expect(page.getByTestId(`mb-firmware-${board}`)).toContainText(
      `Could not be downloaded: open a MicroPython hex for ${board} you have`,
    );
  }
  // Every source was tried, and the browser gave the page none of them.
  for (const entry of MICROPYTHON_RELEASES) {
    for (const url of [...entry.mirrors, entry.url]) expect(mb.firmwareRequests).toContain(url);
  }

  await page.getByTestId('mb-download').click();
  await expect(mb.notice).toHaveAttribute('data-kind', 'error');
  await expect(mb.notice).toContainText('The download failed');
  await expect(mb.notice).toContainText('Open a MicroPython hex for micro:bit V1 you have');
  await expect(mb.notice).not.toContainText('No device connected');

  // Send to the simulated V2 gives the same advice, not "No device connected".
  await page.getByTestId('mb-send-refresh').click();
  await page.getByTestId('mb-send').click();
  const result = page.getByTestId('mb-send-result');
  await expect(result).toHaveAttribute('data-kind', 'error');
  await expect(result).toContainText('Open a MicroPython hex for micro:bit V2 you have');
  await expect(result).not.toContainText('No device connected');

  // Following the advice works: the person's own V2 hex and the Send goes through.
  await page.getByTestId('mb-firmware-input').setInputFiles(path.join(FIXTURES, 'micropython-v2.1.2.hex'));
  await expect(page.getByTestId('mb-firmware-V2')).toContainText('Your own: micropython-v2.1.2.hex');
  await page.getByTestId('mb-send').click();
  await expect(result).toHaveAttribute('data-kind', 'info', { timeout: 60_000 });
  // Chromium reports refused cross-origin reads on the console; nothing else went wrong.
  expect(app.errors.filter((e) => !/CORS|Failed to load resource|net::ERR_FAILED/.test(e))).toEqual([]);
});

test('opened while the browser is offline, nothing is fetched; Download says what to do', async ({
  page,
}) => {
  // The browser says it is offline (navigator.onLine), and the network fails every download.
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => false }),
  );
  await mb.routeFirmware('offline');
  await app.goto();
  await page.evaluate(() => localStorage.clear());
  await mb.open();
  await expect(page.getByTestId('mb-firmware-V2')).toContainText('downloaded on first use');
  expect(mb.firmwareRequests).toEqual([]);
  await page.getByTestId('mb-download').click();
  await expect(mb.notice).toHaveAttribute('data-kind', 'error');
  await expect(mb.notice).toContainText('Open a MicroPython hex for micro:bit V1 you have');
  await expect(mb.notice).not.toContainText('No device connected');
});
