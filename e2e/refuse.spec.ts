/**
 * Refusing what cannot be right, before writing, in Chromium against the simulated micro:bits
 * (`?sim&simLatency=zero`): a V1 hex on a V2, a Universal Hex without the board's section, and
 * data outside every region of the chip are refused with a plain message, nothing is written,
 * and the expert override still flashes. Writes flash-probe-*.png.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createUniversalHex } from '../src/core/formats/universal-hex-create';
import { AppPage, binaryFile } from './pages/app-page';
import { DevicePanelPage } from './pages/device-panel';
import { WorkflowPage } from './pages/workflow-page';
import { screenshotBothThemes } from './screenshots';
import { FIXTURES, V2_NAME, V2_PATH } from './v2-hex';

const V1_NAME = 'micropython-v1.1.1.hex';

let app: AppPage;
let devices: DevicePanelPage;
let flow: WorkflowPage;

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  app = new AppPage(page);
  devices = new DevicePanelPage(page);
  flow = new WorkflowPage(page);
  await app.goto('?sim&simLatency=zero');
});

test.afterEach(() => {
  expect(app.errors, 'console errors').toEqual([]);
});

test('a micro:bit V1 hex is refused on a V2, nothing is written, and the override flashes it', async ({
  page,
}) => {
  await devices.addConnected('microbit-v2');
  await app.openWithInput([path.join(FIXTURES, V1_NAME)]);
  await flow.flashButton.click();
  const refused = await flow.waitForRefusal('microbit-version');
  await expect(refused).toContainText(`${V1_NAME} is built for the micro:bit V1`);
  // Nothing reached the chip.
  await flow.run('op-verify');
  await flow.waitForResult('mismatch');

  await flow.flashButton.click();
  await flow.waitForResult('refused');
  await page.getByText('I know what I am doing').click();
  await page.getByTestId('flash-anyway').click();
  await expect(await flow.waitForResult('done')).toContainText('checks overridden');
});

test('a Universal Hex without the board’s section is refused; a V2 hex flashes the V2', async ({ page }) => {
  await devices.addConnected('microbit-v2');
  const v1Only = createUniversalHex([
    { boardId: 0x9901, hex: readFileSync(path.join(FIXTURES, V1_NAME), 'utf8') },
  ]);
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'v1-only-universal.hex', mimeType: 'text/plain', buffer: Buffer.from(v1Only) }]);
  await flow.flashButton.click();
  await expect(await flow.waitForRefusal('universal-board')).toContainText(
    'without a section for the micro:bit V2',
  );

  await app.openWithInput([V2_PATH]);
  // Flash takes the file shown: wait until the new file is open and shown.
  await expect(app.fileItem(V2_NAME)).toBeVisible();
  await app.waitUntilShown(V2_NAME);
  await flow.flashButton.click();
  await expect(await flow.waitForResult('done')).toContainText(`Flashed ${V2_NAME}`);
  await screenshotBothThemes(page, 'flash-probe');
});

test('an image outside every region of the chip is refused with its first address', async ({ page }) => {
  await devices.addConnected('microbit-v1');
  await page
    .getByTestId('file-input')
    .setInputFiles([binaryFile('stm32@0x8000000.bin', Buffer.alloc(0x400, 0x5a))]);
  await flow.flashButton.click();
  await expect(await flow.waitForRefusal('outside-regions')).toContainText('the first at 0x08000000');
});
