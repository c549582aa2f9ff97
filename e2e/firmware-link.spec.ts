/**
 * "Open this and press Flash": a link carries a firmware URL and its SHA-256. The page
 * downloads the file (served here by Playwright at a made-up https address), checks it, opens it,
 * and it flashes to the simulated micro:bit V2. A file that does not match the link's SHA-256
 * is refused and nothing is opened. A teacher makes such a link from the open file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './pages/app-page';
import { V2_NAME, V2_PATH } from './v2-hex';
import { DevicePanelPage } from './pages/device-panel';
import { WorkflowPage } from './pages/workflow-page';

const HEX = readFileSync(V2_PATH);
const SHA256 = createHash('sha256').update(HEX).digest('hex');
const FIRMWARE_URL = 'https://school.example/class-4b/blinky.hex';

async function serveFirmware(page: Page, body: Buffer): Promise<void> {
  await page.route(FIRMWARE_URL, (route) =>
    route.fulfill({ body, contentType: 'text/plain', headers: { 'access-control-allow-origin': '*' } }),
  );
}

function linkQuery(sha256: string): string {
  return `?sim&simLatency=zero&firmware=${encodeURIComponent(FIRMWARE_URL)}&sha256=${sha256}`;
}

test('a firmware link opens its file, checked, and it flashes', async ({ page }) => {
  const app = new AppPage(page);
  await serveFirmware(page, HEX);
  await app.goto(linkQuery(SHA256));
  await expect(app.fileItem('blinky.hex')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('log')).toContainText('its SHA-256 matches');
  await new DevicePanelPage(page).addSimulated('microbit-v2');
  const flow = new WorkflowPage(page);
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText('verified');
  expect(app.errors).toEqual([]);
});

test('a file that does not match the link is refused', async ({ page }) => {
  const app = new AppPage(page);
  const tampered = Buffer.from(HEX);
  tampered[200] = tampered[200] === 0x30 ? 0x31 : 0x30;
  await serveFirmware(page, tampered);
  await app.goto(linkQuery(SHA256));
  await expect(page.getByTestId('open-error')).toContainText('not the file the link promises', {
    timeout: 15_000,
  });
  await expect(page.getByTestId('file-item')).toHaveCount(0);
});

test('a teacher makes the link from the open file, and it opens that file', async ({ page }) => {
  const app = new AppPage(page);
  await app.goto('?sim&simLatency=zero');
  await app.openWithInput([V2_PATH]);
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  await app.showTask('inspect');
  await page.getByTestId('share-published').fill(FIRMWARE_URL);
  const link = await page.getByTestId('share-link').inputValue();
  const params = new URL(link).searchParams;
  expect(params.get('firmware')).toBe(FIRMWARE_URL);
  expect(params.get('sha256')).toBe(SHA256);

  await serveFirmware(page, HEX);
  await page.goto(link);
  await expect(app.fileItem('blinky.hex')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('log')).toContainText('its SHA-256 matches');
});
